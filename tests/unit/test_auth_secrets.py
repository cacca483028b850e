"""Secrets at rest (gatewright.secrets) and the built-in issuer's signing keys (auth/issuer/keys.py) on a real
SQLite store: encryption with the master key, key files, rotation seen by another process, and key rotation
that keeps old tokens verifiable."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from joserfc import jwt

from gatewright.auth.issuer.keys import KIND, IssuerKeys, IssuerKeySource
from gatewright.secrets import SecretBox, SecretError, add_master_key, key_file
from gatewright.settings import Secret, Settings
from gatewright.store import Store, open_store


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    opened = open_store(settings)
    await opened.open()
    yield opened
    await opened.close()


def test_the_key_file_is_created_private(settings: Settings) -> None:
    box = SecretBox(settings)
    stored = box.encrypt("s3cret")
    assert stored.startswith("enc:v1:")
    assert "s3cret" not in stored
    assert box.decrypt(stored) == "s3cret"
    assert oct(key_file(settings).stat().st_mode & 0o777) == "0o600"
    assert SecretBox(settings).decrypt(stored) == "s3cret"  # the same file, another process


def test_every_encryption_differs(settings: Settings) -> None:
    box = SecretBox(settings)
    assert box.encrypt("same") != box.encrypt("same")


def test_plaintext_and_foreign_ciphertexts_are_refused(settings: Settings, tmp_path: Path) -> None:
    box = SecretBox(settings)
    with pytest.raises(SecretError):
        box.decrypt("plain text")
    other = SecretBox(Settings(data_dir=tmp_path / "other"))
    with pytest.raises(SecretError) as raised:
        box.decrypt(other.encrypt("theirs"))
    assert "theirs" not in str(raised.value)


def test_rotation_adds_a_key_that_a_running_process_picks_up(settings: Settings) -> None:
    running = SecretBox(settings)
    old = running.encrypt("kept")
    add_master_key(settings)
    keys = key_file(settings).read_bytes().split()
    assert len(keys) == 2
    rotator = SecretBox(settings)
    newer = rotator.reencrypt(old)
    assert Fernet(keys[0]).decrypt(newer.removeprefix("enc:v1:").encode()) == b"kept"
    assert running.decrypt(newer) == "kept"  # it re-read the key file
    assert running.decrypt(old) == "kept"


def test_keys_from_the_environment(settings: Settings) -> None:
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    old = SecretBox(Settings(data_dir=settings.data_dir, master_key=Secret(first))).encrypt("v")
    both = SecretBox(Settings(data_dir=settings.data_dir, master_key=Secret(f" {second} , {first} ")))
    assert both.decrypt(old) == "v"
    assert Fernet(second.encode()).decrypt(both.encrypt("v").removeprefix("enc:v1:").encode()) == b"v"
    assert not key_file(settings).exists()
    with pytest.raises(SecretError):
        add_master_key(Settings(data_dir=settings.data_dir, master_key=Secret(first)))
    assert "Secret('**********')" in repr(Settings(master_key=Secret(first)))


async def test_signing_keys_are_encrypted_and_rotation_keeps_old_tokens(settings: Settings, store: Store) -> None:
    box = SecretBox(settings)
    keys = IssuerKeys(store, box, token_seconds=60)
    first = await keys.current()
    token = jwt.encode({"alg": "RS256", "kid": first.kid}, {"sub": "x"}, first.key)
    record = await store.get(KIND, first.kid)
    assert record is not None
    assert record.doc["private"].startswith("enc:v1:")
    new_kid = await keys.rotate()
    assert (await keys.current()).kid == new_kid != first.kid
    published = await keys.public_jwks()
    assert [k["kid"] for k in published["keys"]] == [first.kid, new_kid]
    assert all("d" not in k for k in published["keys"])
    assert jwt.decode(token, await keys.verification_keys(first.kid)).claims == {"sub": "x"}


async def test_a_retired_key_leaves_the_jwks_after_its_tokens_expired(settings: Settings, store: Store) -> None:
    keys = IssuerKeys(store, SecretBox(settings), token_seconds=60)
    old = (await keys.current()).kid
    await keys.rotate()
    record = await store.get(KIND, old)
    assert record is not None
    long_ago = (datetime.now(UTC) - timedelta(seconds=121)).isoformat()
    await store.update(KIND, old, record.doc | {"retiredAt": long_ago}, record.version)
    fresh = IssuerKeys(store, SecretBox(settings), token_seconds=60)
    assert old not in [k["kid"] for k in (await fresh.public_jwks())["keys"]]


async def test_another_process_sees_a_rotation_when_it_meets_the_new_kid(settings: Settings, store: Store) -> None:
    ours = IssuerKeys(store, SecretBox(settings), token_seconds=60)
    source = IssuerKeySource("http://issuer", ours)
    await source.keys(None)
    theirs = IssuerKeys(store, SecretBox(settings), token_seconds=60)
    new_kid = await theirs.rotate()
    ours._loaded -= 2  # as if the last read were two seconds old (the re-read floor is one)
    found = await source.keys(new_kid)
    assert new_kid in [k.kid for k in found.keys]
    assert await source.issuer() == "http://issuer"


async def test_concurrent_first_use_creates_one_key(settings: Settings, store: Store) -> None:
    keys = IssuerKeys(store, SecretBox(settings), token_seconds=60)
    await asyncio.gather(*(keys.current() for _ in range(10)))
    assert len(await store.list_records(KIND, "", limit=100)) == 1
    assert os.path.exists(key_file(settings))
