"""The database schema, as numbered migrations shared by SQLite and PostgreSQL.

Each migration is a list of statements; ``{blob}``, ``{serial}`` and ``{ts}`` are replaced by the dialect's
types. A migration, once released, never changes: add a new one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    blob: str
    serial: str
    ts: str


SQLITE = Dialect(blob="BLOB", serial="INTEGER PRIMARY KEY AUTOINCREMENT", ts="TEXT")
POSTGRES = Dialect(blob="BYTEA", serial="BIGSERIAL PRIMARY KEY", ts="TEXT")

MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE records (
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            parent TEXT NOT NULL,
            name TEXT NOT NULL,
            doc TEXT NOT NULL,
            version INTEGER NOT NULL,
            created_at {ts} NOT NULL,
            updated_at {ts} NOT NULL,
            PRIMARY KEY (kind, id)
        )""",
        "CREATE UNIQUE INDEX records_name ON records (kind, parent, name)",
        "CREATE INDEX records_parent ON records (kind, parent, id)",
        "CREATE TABLE blobs (key TEXT PRIMARY KEY, data {blob} NOT NULL)",
        "CREATE TABLE changes (seq {serial}, kind TEXT NOT NULL, id TEXT NOT NULL, parent TEXT NOT NULL)",
        """CREATE TABLE idempotency (
            scope TEXT NOT NULL,
            token TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            response {blob} NOT NULL,
            created_at {ts} NOT NULL,
            PRIMARY KEY (scope, token)
        )""",
    ],
]


def statements(migration: list[str], dialect: Dialect) -> list[str]:
    return [s.format(blob=dialect.blob, serial=dialect.serial, ts=dialect.ts) for s in migration]
