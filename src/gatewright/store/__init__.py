"""Persistence: one interface (``base.Store``), SQLite by default, PostgreSQL for scale-out."""

from __future__ import annotations

from gatewright.settings import Settings
from gatewright.store.base import AlreadyExists, Change, NotFound, Record, Store, StoreError, VersionConflict


def open_store(settings: Settings) -> Store:
    """The store the settings ask for (not yet opened)."""
    url = settings.database_url
    if url.startswith(("postgresql://", "postgres://")):
        from gatewright.store.postgres import PostgresStore

        return PostgresStore(url)
    if url.startswith("sqlite:///"):
        from gatewright.store.sqlite import SqliteStore

        return SqliteStore(url.removeprefix("sqlite:///"))
    if url:
        raise StoreError(f"unsupported database URL {url!r}: use postgresql://... or sqlite:///path")
    from gatewright.store.sqlite import SqliteStore

    return SqliteStore(settings.sqlite_path)


__all__ = ["AlreadyExists", "Change", "NotFound", "Record", "Store", "StoreError", "VersionConflict", "open_store"]
