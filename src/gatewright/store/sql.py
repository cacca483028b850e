"""The store's logic, written once in portable SQL over a tiny transaction interface.

The two backends (``sqlite.py``, ``postgres.py``) only provide :class:`Tx` (execute/fetch inside one
transaction), translate their unique-violation error into :class:`AlreadyExists`, and run migrations.
SQL here uses ``?`` placeholders; the PostgreSQL backend rewrites them.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import orjson

from gatewright.store.base import Change, NotFound, Record, VersionConflict
from gatewright.store.schema import MIGRATIONS, Dialect, statements

CHANGE_RETENTION = 5000
PRUNE_EVERY = 500
_SELECT_ID = (
    "SELECT kind, id, parent, name, doc, version, created_at, updated_at FROM records WHERE kind = ? AND id = ?"
)
_SELECT_NAME = (
    "SELECT kind, id, parent, name, doc, version, created_at, updated_at FROM records "
    "WHERE kind = ? AND parent = ? AND name = ?"
)
_LIST_ALL = (
    "SELECT kind, id, parent, name, doc, version, created_at, updated_at FROM records "
    "WHERE kind = ? AND id > ? ORDER BY id LIMIT ?"
)
_LIST_CHILDREN = (
    "SELECT kind, id, parent, name, doc, version, created_at, updated_at FROM records "
    "WHERE kind = ? AND id > ? AND parent = ? ORDER BY id LIMIT ?"
)
_INSERT = (
    "INSERT INTO records (kind, id, parent, name, doc, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)"
)
IDEMPOTENCY_RETENTION = timedelta(hours=24)


class Tx(Protocol):
    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int: ...

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...


def _now() -> datetime:
    return datetime.now(UTC)


def _row(row: tuple[Any, ...]) -> Record:
    kind, id_, parent, name, doc, version, created, updated = row
    return Record(
        kind=kind,
        id=id_,
        parent=parent,
        name=name,
        doc=orjson.loads(doc),
        version=int(version),
        created_at=datetime.fromisoformat(created),
        updated_at=datetime.fromisoformat(updated),
    )


class SqlStore(abc.ABC):
    dialect: Dialect
    # Taken at the start of the migration transaction so that concurrent starts migrate once.
    migration_lock_sql = ""
    # Taken before a change is appended and held until commit, so that change sequence numbers become
    # visible in order: a follower that has seen change N never later finds a change below N committed.
    change_lock_sql = ""
    # How long a clientToken is remembered (AWS keeps them for hours); a field, so tests can shorten it.
    idempotency_retention = IDEMPOTENCY_RETENTION

    @abc.abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Tx]:
        """A transaction; unique violations inside it raise AlreadyExists."""

    async def migrate(self) -> None:
        async with self.transaction() as tx:
            if self.migration_lock_sql:
                await tx.fetchall(self.migration_lock_sql)
            await tx.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)")
            rows = await tx.fetchall("SELECT version FROM schema_migrations")
            done = {int(r[0]) for r in rows}
            for number, migration in enumerate(MIGRATIONS, start=1):
                if number in done:
                    continue
                for sql in statements(migration, self.dialect):
                    await tx.execute(sql)
                await tx.execute("INSERT INTO schema_migrations (version) VALUES (?)", (number,))

    async def ping(self) -> None:
        async with self.transaction() as tx:
            await tx.fetchall("SELECT 1")

    async def get(self, kind: str, id: str) -> Record | None:
        async with self.transaction() as tx:
            rows = await tx.fetchall(_SELECT_ID, (kind, id))
        return _row(rows[0]) if rows else None

    async def get_by_name(self, kind: str, parent: str, name: str) -> Record | None:
        async with self.transaction() as tx:
            rows = await tx.fetchall(_SELECT_NAME, (kind, parent, name))
        return _row(rows[0]) if rows else None

    async def list_records(
        self, kind: str, parent: str | None = None, after: str = "", limit: int = 1000
    ) -> list[Record]:
        async with self.transaction() as tx:
            if parent is None:
                rows = await tx.fetchall(_LIST_ALL, (kind, after, limit))
            else:
                rows = await tx.fetchall(_LIST_CHILDREN, (kind, after, parent, limit))
        return [_row(r) for r in rows]

    async def count(self, kind: str, parent: str | None = None) -> int:
        async with self.transaction() as tx:
            if parent is None:
                rows = await tx.fetchall("SELECT COUNT(*) FROM records WHERE kind = ?", (kind,))
            else:
                rows = await tx.fetchall("SELECT COUNT(*) FROM records WHERE kind = ? AND parent = ?", (kind, parent))
        return int(rows[0][0])

    async def create(self, kind: str, id: str, parent: str, name: str, doc: dict[str, Any]) -> Record:
        now = _now()
        stamp = now.isoformat()
        async with self.transaction() as tx:
            await tx.execute(_INSERT, (kind, id, parent, name, orjson.dumps(doc).decode(), stamp, stamp))
            await self._changed(tx, kind, id, parent)
        return Record(kind, id, parent, name, doc, 1, now, now)

    async def update(self, kind: str, id: str, doc: dict[str, Any], expected_version: int | None = None) -> Record:
        now = _now()
        async with self.transaction() as tx:
            rows = await tx.fetchall(_SELECT_ID, (kind, id))
            if not rows:
                raise NotFound(f"{kind} {id}")
            current = _row(rows[0])
            if expected_version is not None and current.version != expected_version:
                raise VersionConflict(f"{kind} {id} is at version {current.version}, not {expected_version}")
            count = await tx.execute(
                "UPDATE records SET doc = ?, version = ?, updated_at = ? WHERE kind = ? AND id = ? AND version = ?",
                (orjson.dumps(doc).decode(), current.version + 1, now.isoformat(), kind, id, current.version),
            )
            if count != 1:
                raise VersionConflict(f"{kind} {id} changed concurrently")
            await self._changed(tx, kind, id, current.parent)
        return Record(kind, id, current.parent, current.name, doc, current.version + 1, current.created_at, now)

    async def delete(self, kind: str, id: str, expected_version: int | None = None) -> None:
        async with self.transaction() as tx:
            rows = await tx.fetchall("SELECT parent, version FROM records WHERE kind = ? AND id = ?", (kind, id))
            if not rows:
                raise NotFound(f"{kind} {id}")
            parent, version = rows[0]
            if expected_version is not None and int(version) != expected_version:
                raise VersionConflict(f"{kind} {id} is at version {version}, not {expected_version}")
            await tx.execute("DELETE FROM records WHERE kind = ? AND id = ?", (kind, id))
            await self._changed(tx, kind, id, parent)

    async def put_blob(self, key: str, data: bytes) -> None:
        async with self.transaction() as tx:
            await tx.execute("DELETE FROM blobs WHERE key = ?", (key,))
            await tx.execute("INSERT INTO blobs (key, data) VALUES (?, ?)", (key, data))

    async def get_blob(self, key: str) -> bytes | None:
        async with self.transaction() as tx:
            rows = await tx.fetchall("SELECT data FROM blobs WHERE key = ?", (key,))
        return bytes(rows[0][0]) if rows else None

    async def delete_blob(self, key: str) -> None:
        async with self.transaction() as tx:
            await tx.execute("DELETE FROM blobs WHERE key = ?", (key,))

    async def changes_since(self, seq: int) -> tuple[list[Change], int]:
        async with self.transaction() as tx:
            rows = await tx.fetchall(
                "SELECT seq, kind, id, parent FROM changes WHERE seq > ? ORDER BY seq LIMIT 10000", (seq,)
            )
        # No second query for the newest number: under READ COMMITTED it would see changes committed after
        # the first one and hand out a number past changes this follower never received.
        if not rows:
            return [], seq
        changes = [Change(int(r[0]), r[1], r[2], r[3]) for r in rows]
        return changes, changes[-1].seq

    async def put_idempotency(self, scope: str, token: str, request_hash: str, response: bytes) -> bool:
        now = _now()
        cutoff = (now - self.idempotency_retention).isoformat()
        async with self.transaction() as tx:
            await tx.execute("DELETE FROM idempotency WHERE created_at < ?", (cutoff,))
            # ON CONFLICT: a concurrent writer of the same token (another process) makes this a no-op, not an error.
            count = await tx.execute(
                "INSERT INTO idempotency (scope, token, request_hash, response, created_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (scope, token) DO NOTHING",
                (scope, token, request_hash, response, now.isoformat()),
            )
        return count == 1

    async def get_idempotency(self, scope: str, token: str) -> tuple[str, bytes] | None:
        cutoff = (_now() - self.idempotency_retention).isoformat()
        async with self.transaction() as tx:
            rows = await tx.fetchall(
                "SELECT request_hash, response FROM idempotency WHERE scope = ? AND token = ? AND created_at >= ?",
                (scope, token, cutoff),
            )
        return (rows[0][0], bytes(rows[0][1])) if rows else None

    async def _changed(self, tx: Tx, kind: str, id: str, parent: str) -> None:
        """Append to the change feed: always the last statement of a write, so the lock is held briefly."""
        if self.change_lock_sql:
            await tx.fetchall(self.change_lock_sql)
        rows = await tx.fetchall(
            "INSERT INTO changes (kind, id, parent) VALUES (?, ?, ?) RETURNING seq", (kind, id, parent)
        )
        seq = int(rows[0][0])
        if seq % PRUNE_EVERY == 0:
            # Followers poll every second or so: keeping the last CHANGE_RETENTION changes is plenty, and start-up
            # reads a bounded feed. (A process that falls further behind reloads everything; see runtime/registry.)
            await tx.execute("DELETE FROM changes WHERE seq <= ?", (seq - CHANGE_RETENTION,))
