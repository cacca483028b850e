"""SQLite backend: the embedded default, one file in the data folder.

All statements run on one worker thread (sqlite3 connections are not shared between threads), and an
asyncio lock keeps one transaction at a time in this process. WAL mode and a busy timeout let several
processes share the file; ``BEGIN IMMEDIATE`` takes the write lock up front so read-modify-write
transactions of two processes cannot interleave.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from gatewright.store.base import AlreadyExists, StoreError
from gatewright.store.schema import SQLITE
from gatewright.store.sql import SqlStore, Tx


class _SqliteTx:
    def __init__(self, store: SqliteStore) -> None:
        self._store = store

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        count: int = await self._store._call(lambda c: c.execute(sql, tuple(params)).rowcount)
        return count

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = await self._store._call(lambda c: c.execute(sql, tuple(params)).fetchall())
        return rows


def _set_wal(conn: sqlite3.Connection, attempts: int = 200) -> None:
    """Switch to WAL mode. Two processes opening a new file at once can be told "database is locked" without
    the busy handler being consulted, so retry (on this worker thread, never on the event loop) for up to 4 s."""
    for attempt in range(attempts):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise StoreError(f"cannot open the SQLite database: {exc}") from None
            time.sleep(0.02)


class SqliteStore(SqlStore):
    dialect = SQLITE

    def __init__(self, path: Path | str) -> None:
        self._path = str(path)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gatewright-sqlite")
        self._conn: sqlite3.Connection | None = None
        self._lock = asyncio.Lock()

    async def open(self) -> None:
        if self._path != ":memory:":
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
        await self._call_raw(self._connect)
        await self.migrate()

    def _connect(self) -> None:
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=True, timeout=30.0)
        _set_wal(conn)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        self._conn = conn

    async def close(self) -> None:
        def _close() -> None:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

        await self._call_raw(_close)
        self._executor.shutdown(wait=True)

    async def _call_raw(self, fn: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn)

    async def _call(self, fn: Any) -> Any:
        def run() -> Any:
            assert self._conn is not None, "store is not open"
            return fn(self._conn)

        try:
            return await self._call_raw(run)
        except sqlite3.IntegrityError as exc:
            raise AlreadyExists(str(exc)) from None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        async with self._lock:
            await self._call(lambda c: c.execute("BEGIN IMMEDIATE"))
            try:
                yield _SqliteTx(self)
            except BaseException:
                await self._call(lambda c: c.execute("ROLLBACK"))
                raise
            await self._call(lambda c: c.execute("COMMIT"))
