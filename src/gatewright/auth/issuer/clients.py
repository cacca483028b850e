"""App clients of the built-in issuer: a client id and a secret shown once, stored only as a hash.

Secrets are 256-bit random values, so a SHA-256 hash is enough to make the stored value useless to a
reader of the database (no dictionary to try); comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from gatewright.errors import NotFoundError, ValidationError
from gatewright.store import Record, Store

KIND = "oauth_client"
_ALPHABET = string.ascii_lowercase + string.digits
SCOPE_RE = re.compile(r"^[\x21\x23-\x5B\x5D-\x7E]{1,256}$")  # RFC 6749 scope-token
NAME_RE = re.compile(r"^[\w\s+=,.@-]{1,128}$")


@dataclass(frozen=True)
class Client:
    client_id: str
    name: str
    scopes: list[str]
    created_at: datetime

    def view(self) -> dict[str, Any]:
        return {
            "clientId": self.client_id,
            "clientName": self.name,
            "scopes": self.scopes,
            "createdAt": self.created_at.isoformat(),
        }


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _client(record: Record) -> Client:
    return Client(record.id, record.doc["clientName"], list(record.doc.get("scopes", [])), record.created_at)


def check_scopes(scopes: Any) -> list[str]:
    if scopes is None:
        return []
    if not isinstance(scopes, list) or not all(isinstance(s, str) and SCOPE_RE.match(s) for s in scopes):
        raise ValidationError.for_field("scopes", "scopes must be a list of OAuth scope tokens (no spaces or quotes)")
    return list(dict.fromkeys(scopes))


class Clients:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def create(self, name: str, scopes: list[str]) -> tuple[Client, str]:
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise ValidationError.for_field("clientName", "clientName must be 1-128 letters, digits, spaces or _+=,.@-")
        client_id = "".join(secrets.choice(_ALPHABET) for _ in range(26))
        secret = secrets.token_urlsafe(32)
        doc = {
            "clientName": name,
            "scopes": check_scopes(scopes),
            "secretHash": _hash(secret),
            "secretRotatedAt": datetime.now(UTC).isoformat(),
        }
        record = await self._store.create(KIND, client_id, "", client_id, doc)
        return _client(record), secret

    async def get(self, client_id: str) -> Client:
        record = await self._store.get(KIND, client_id)
        if record is None:
            raise NotFoundError(f"OAuth client {client_id} was not found")
        return _client(record)

    async def list(self) -> list[Client]:
        return [_client(r) for r in await self._store.list_records(KIND, "", limit=10_000)]

    async def delete(self, client_id: str) -> None:
        await self.get(client_id)
        await self._store.delete(KIND, client_id)

    async def rotate_secret(self, client_id: str) -> str:
        record = await self._store.get(KIND, client_id)
        if record is None:
            raise NotFoundError(f"OAuth client {client_id} was not found")
        secret = secrets.token_urlsafe(32)
        doc = record.doc | {"secretHash": _hash(secret), "secretRotatedAt": datetime.now(UTC).isoformat()}
        await self._store.update(KIND, client_id, doc, record.version)
        return secret

    async def authenticate(self, client_id: str, secret: str) -> Client | None:
        """The client when the secret is right; None otherwise (same work either way)."""
        record = await self._store.get(KIND, client_id) if len(client_id) <= 128 else None
        expected = record.doc["secretHash"] if record is not None else _hash("no such client")
        if not hmac.compare_digest(expected, _hash(secret)) or record is None:
            return None
        return _client(record)
