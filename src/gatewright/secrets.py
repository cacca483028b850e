"""Secrets at rest: encrypted with a master key kept outside the database.

The master key comes from ``GATEWRIGHT_MASTER_KEY`` (comma-separated Fernet keys, newest first) or from the
key file ``<data dir>/master.key`` (one key per line, newest first, mode 0600), created on first start.
Encryption uses the newest key; decryption tries every key, so rotation never breaks stored secrets:
``gatewright admin rotate-master-key`` adds a new key and re-encrypts every stored secret with it.
A running process re-reads the key file when it meets a secret it cannot decrypt.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from gatewright.settings import Settings

KEY_FILE = "master.key"
PREFIX = "enc:v1:"


class SecretError(Exception):
    """A stored secret cannot be decrypted with any known master key."""


def key_file(settings: Settings) -> Path:
    return settings.data_dir / KEY_FILE


def _read_keys(settings: Settings) -> list[bytes]:
    if settings.master_key:
        return [k.strip().encode() for k in settings.master_key.get().split(",") if k.strip()]
    path = key_file(settings)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(Fernet.generate_key() + b"\n")
    return [line.strip() for line in path.read_bytes().splitlines() if line.strip()]


class SecretBox:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._load()

    def _load(self) -> None:
        keys = _read_keys(self._settings)
        if not keys:
            raise SecretError("no master key: set GATEWRIGHT_MASTER_KEY or keep the data folder's master.key")
        self._keys = keys
        self._fernet = MultiFernet([Fernet(k) for k in keys])

    def encrypt(self, plaintext: str) -> str:
        return PREFIX + self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            raise SecretError("not an encrypted secret")
        token = stored[len(PREFIX) :].encode()
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken:
            self._load()  # another process may have rotated the key file
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken:
            raise SecretError("a stored secret cannot be decrypted with the configured master keys") from None

    def reencrypt(self, stored: str) -> str:
        """The same secret encrypted with the newest key."""
        return self.encrypt(self.decrypt(stored))


def add_master_key(settings: Settings) -> bytes:
    """Put a new key first in the key file (for ``rotate-master-key``); returns it."""
    if settings.master_key:
        raise SecretError("the master key comes from GATEWRIGHT_MASTER_KEY: put a new key first in it instead")
    keys = _read_keys(settings)
    new = Fernet.generate_key()
    path = key_file(settings)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(b"\n".join([new, *keys]) + b"\n")
    tmp.replace(path)
    return new
