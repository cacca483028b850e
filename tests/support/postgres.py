"""A private PostgreSQL schema per test, so parallel runs on one shared database never collide.

The server comes from ``GATEWRIGHT_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``,
the CI database with trust auth). Each schema gets a URL whose ``search_path`` points at it; gatewright and
its store use that URL unchanged, as they would any ``postgresql://`` URL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from urllib.parse import quote

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def server_url() -> str:
    return os.environ.get("GATEWRIGHT_TEST_POSTGRES_URL", DEFAULT_URL)


@lru_cache(maxsize=1)
def unavailable() -> str | None:
    """Why the PostgreSQL leg cannot run here, or None when a server answers."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install 'gatewright[postgres]')"
    try:
        with psycopg.connect(server_url(), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"no PostgreSQL reachable at {server_url()}: {str(exc).strip()[:200]}"
    return None


def _with_search_path(url: str, schema: str) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options={quote(f'-csearch_path={schema}')}"


@contextmanager
def temp_schema() -> Iterator[str]:
    """A fresh empty schema; yields a database URL that uses it, and drops it afterwards."""
    import psycopg

    schema = "gwtest_" + uuid.uuid4().hex[:16]
    with psycopg.connect(server_url(), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield _with_search_path(server_url(), schema)
    finally:
        with psycopg.connect(server_url(), autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
