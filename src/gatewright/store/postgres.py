"""PostgreSQL backend: for several gateway processes sharing one configuration (the scale-out story).

Needs the ``postgres`` extra (``psycopg`` 3 with its pool). Transactions run at READ COMMITTED on a pooled
connection: a concurrent ``UPDATE`` of the same row waits for the other transaction and re-checks its
``version = ?`` condition, so a concurrent write becomes :class:`VersionConflict` instead of a lost update.
Migrations hold an advisory lock, so processes starting together migrate once; appending to the change feed
holds another until commit, so changes become visible in sequence order and a follower never skips one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from gatewright.store.base import AlreadyExists, StoreError
from gatewright.store.schema import POSTGRES
from gatewright.store.sql import SqlStore, Tx

try:
    import psycopg
    from psycopg import errors as pg_errors
    from psycopg_pool import AsyncConnectionPool, PoolTimeout
except ImportError:  # pragma: no cover - exercised only without the extra
    psycopg = None  # type: ignore[assignment]


def _pg(sql: str) -> str:
    return sql.replace("?", "%s")


class _PgTx:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        cur = await self._conn.execute(_pg(sql), tuple(params))
        return int(cur.rowcount)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cur = await self._conn.execute(_pg(sql), tuple(params))
        return list(await cur.fetchall())


class PostgresStore(SqlStore):
    dialect = POSTGRES
    # Advisory locks are per database; keyed by schema too, so deployments (or test runs) that share one
    # database in different schemas do not wait for each other.
    migration_lock_sql = "SELECT pg_advisory_xact_lock(7318001, hashtext(current_schema()))"
    # Sequence numbers are handed out at INSERT but become visible at COMMIT, possibly out of order; holding
    # this lock from the INSERT to the COMMIT makes commit order the sequence order (see SqlStore).
    change_lock_sql = "SELECT pg_advisory_xact_lock(7318002, hashtext(current_schema()))"

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 8) -> None:
        if psycopg is None:
            raise StoreError("PostgreSQL needs the postgres extra: pip install 'gatewright[postgres]'")
        self._url = url
        self._pool = AsyncConnectionPool(url, min_size=min_size, max_size=max_size, open=False)

    async def open(self) -> None:
        try:
            await self._pool.open(wait=True, timeout=10.0)
        except (PoolTimeout, psycopg.OperationalError) as exc:
            raise StoreError(f"cannot connect to PostgreSQL: {exc}") from None
        await self.migrate()

    async def close(self) -> None:
        await self._pool.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        async with self._pool.connection() as conn:
            try:
                async with conn.transaction():
                    yield _PgTx(conn)
            except pg_errors.UniqueViolation as exc:
                raise AlreadyExists(str(exc)) from None
