"""Signing keys of the built-in issuer: RS256 with a ``kid``, private parts encrypted at rest.

Rotation makes a new key current and keeps the previous ones in the JWKS until every token they signed has
expired, so rotation never breaks a token already issued. Keys are records (kind ``signing_key``) shared by
every process; a process re-reads them when asked to verify with a key it does not know (at most once a
second) and every ``RELOAD_SECONDS`` otherwise.

Gateways of this process that trust the built-in issuer read its keys here (:class:`IssuerKeySource`), not
through HTTP: a rotated key is trusted at once, and a process that cannot reach its own public URL still works.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from joserfc.jwk import KeySet, RSAKey

from gatewright.secrets import SecretBox
from gatewright.store import Store

KIND = "signing_key"
ALGORITHM = "RS256"
RELOAD_SECONDS = 30.0
MISS_RELOAD_SECONDS = 1.0


@dataclass(frozen=True)
class SigningKey:
    kid: str
    key: RSAKey
    created_at: datetime
    retired_at: datetime | None


def _new_kid() -> str:
    return datetime.now(UTC).strftime("%Y%m%d%H%M%S") + "-" + secrets.token_hex(4)


class IssuerKeys:
    def __init__(self, store: Store, box: SecretBox, token_seconds: int) -> None:
        self._store = store
        self._box = box
        self._grace = timedelta(seconds=token_seconds * 2)
        self._keys: list[SigningKey] = []
        self._verify = KeySet([])
        self._loaded = 0.0
        self._lock = asyncio.Lock()

    async def _load(self) -> None:
        records = await self._store.list_records(KIND, "", limit=10_000)
        keys = []
        for record in records:
            private = orjson.loads(self._box.decrypt(record.doc["private"]))
            retired = record.doc.get("retiredAt")
            keys.append(
                SigningKey(
                    record.id,
                    RSAKey.import_key(private),
                    record.created_at,
                    datetime.fromisoformat(retired) if retired else None,
                )
            )
        keys.sort(key=lambda k: k.created_at)
        self._keys = keys
        self._verify = KeySet([RSAKey.import_key(k) for k in self._published(keys)["keys"]])
        self._loaded = time.monotonic()

    def _published(self, keys: list[SigningKey]) -> dict[str, Any]:
        now = datetime.now(UTC)
        live = [k for k in keys if k.retired_at is None or now - k.retired_at < self._grace]
        return {"keys": [k.key.as_dict(private=False) for k in live]}

    async def _fresh(self, force: bool = False) -> list[SigningKey]:
        if force or not self._keys or time.monotonic() - self._loaded > RELOAD_SECONDS:
            async with self._lock:
                await self._load()
                if not any(k.retired_at is None for k in self._keys):
                    await self._create()
                    await self._load()
        return self._keys

    async def _create(self) -> str:
        kid = _new_kid()
        key = RSAKey.generate_key(2048, parameters={"kid": kid, "alg": ALGORITHM, "use": "sig"}, private=True)
        doc = {"alg": ALGORITHM, "private": self._box.encrypt(orjson.dumps(key.as_dict(private=True)).decode())}
        await self._store.create(KIND, kid, "", kid, doc)
        return kid

    async def current(self) -> SigningKey:
        keys = await self._fresh()
        return [k for k in keys if k.retired_at is None][-1]

    async def public_jwks(self) -> dict[str, Any]:
        return self._published(await self._fresh())

    async def verification_keys(self, kid: str | None) -> KeySet:
        """The published keys; re-read first when ``kid`` is not among them (another process rotated)."""
        keys = await self._fresh()
        if (
            kid is not None
            and all(k.kid != kid for k in keys)
            and time.monotonic() - self._loaded > MISS_RELOAD_SECONDS
        ):
            await self._fresh(force=True)
        return self._verify

    async def rotate(self) -> str:
        """Make a new key current; older keys stay published until their tokens expire."""
        async with self._lock:
            await self._load()
            stamp = datetime.now(UTC).isoformat()
            for key in self._keys:
                if key.retired_at is None:
                    record = await self._store.get(KIND, key.kid)
                    if record is not None:
                        await self._store.update(KIND, key.kid, record.doc | {"retiredAt": stamp}, record.version)
            kid = await self._create()
            await self._load()
        return kid

    async def reencrypt(self) -> int:
        """Re-encrypt every private key with the newest master key (after a master-key rotation)."""
        count = 0
        for record in await self._store.list_records(KIND, "", limit=10_000):
            doc = record.doc | {"private": self._box.reencrypt(record.doc["private"])}
            await self._store.update(KIND, record.id, doc, record.version)
            count += 1
        return count


class IssuerKeySource:
    """The built-in issuer as a CUSTOM_JWT key source (see auth/inbound/oidc.py ``KeySource``)."""

    def __init__(self, issuer: str, keys: IssuerKeys) -> None:
        self._issuer = issuer
        self._keys = keys

    async def issuer(self) -> str:
        return self._issuer

    async def keys(self, kid: str | None) -> KeySet:
        return await self._keys.verification_keys(kid)
