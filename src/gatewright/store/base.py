"""Persistence behind one small interface.

The store keeps JSON documents ("records") of a few kinds (gateways, targets, credential providers, OAuth
clients, ...), each with an id, an optional parent id and a name that is unique among its siblings. Every
write bumps the record's ``version`` and appends to a change feed, so that every process sharing the store
(several gateways behind a load balancer on one PostgreSQL) sees configuration changes.

Rules every implementation keeps (``tests/contract/test_store.py`` checks them):

* ``create`` fails with :class:`AlreadyExists` when the id or the (kind, parent, name) is taken;
* ``update`` and ``delete`` with ``expected_version`` fail with :class:`VersionConflict` when someone else
  wrote in between, so concurrent read-modify-write cycles never lose an update;
* ``list`` is ordered by id and pages with ``after`` (the last id of the previous page);
* blobs are opaque bytes keyed by a string (compiled tool catalogs, signing keys);
* ``changes_since(seq)`` returns the changes after ``seq`` in order, and the newest sequence number; a
  follower that passes back the number it got never misses a change, even while several writers commit;
* ``put_idempotency`` remembers the first response for a (scope, token) and returns False for any later or
  concurrent use; tokens are forgotten after ``idempotency_retention`` (24 hours) and may then be reused;
* migrations run once: opening a store again, or from several processes at once, is safe, and every store
  object on one database sees the writes of the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol


class StoreError(Exception):
    """Base class of store errors; the control plane maps them to AWS errors."""


class AlreadyExists(StoreError):
    pass


class NotFound(StoreError):
    pass


class VersionConflict(StoreError):
    pass


@dataclass(frozen=True)
class Record:
    kind: str
    id: str
    parent: str
    name: str
    doc: dict[str, Any]
    version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Change:
    seq: int
    kind: str
    id: str
    parent: str


class Store(Protocol):
    idempotency_retention: timedelta

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def ping(self) -> None: ...

    async def get(self, kind: str, id: str) -> Record | None: ...

    async def get_by_name(self, kind: str, parent: str, name: str) -> Record | None: ...

    async def list_records(
        self, kind: str, parent: str | None = None, after: str = "", limit: int = 1000
    ) -> list[Record]: ...

    async def count(self, kind: str, parent: str | None = None) -> int: ...

    async def create(self, kind: str, id: str, parent: str, name: str, doc: dict[str, Any]) -> Record: ...

    async def update(self, kind: str, id: str, doc: dict[str, Any], expected_version: int | None = None) -> Record: ...

    async def delete(self, kind: str, id: str, expected_version: int | None = None) -> None: ...

    async def put_blob(self, key: str, data: bytes) -> None: ...

    async def get_blob(self, key: str) -> bytes | None: ...

    async def delete_blob(self, key: str) -> None: ...

    async def changes_since(self, seq: int) -> tuple[list[Change], int]: ...

    async def put_idempotency(self, scope: str, token: str, request_hash: str, response: bytes) -> bool:
        """Remember a response under (scope, token); False when the token was already used."""
        ...

    async def get_idempotency(self, scope: str, token: str) -> tuple[str, bytes] | None: ...
