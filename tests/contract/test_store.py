"""The store contract (``gatewright.store.base``): one suite, run over every backend.

Each test gets a fresh database: a SQLite file in its temporary folder, or a private schema on the
PostgreSQL server (``support/postgres.py``). Stores are built with ``open_store`` from a database URL, as
the process builds them, and several store objects on one database stand for several processes.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from gatewright.settings import Settings
from gatewright.store import AlreadyExists, NotFound, Store, VersionConflict, open_store
from support.postgres import temp_schema, unavailable

GW = "gateway"
TG = "target"


class Stores:
    """Store objects on one database; every one opened here is closed at the end of the test."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._opened: list[Store] = []

    def new(self) -> Store:
        return open_store(Settings(database_url=self.url))

    async def open(self) -> Store:
        store = self.new()
        await store.open()
        self._opened.append(store)
        return store

    async def aclose(self) -> None:
        for store in self._opened:
            await store.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    reason = unavailable()
    if reason is not None:
        pytest.skip(f"PostgreSQL leg skipped: {reason}")
    with temp_schema() as url:
        yield url


@pytest.fixture
async def stores(database_url: str) -> AsyncIterator[Stores]:
    factory = Stores(database_url)
    yield factory
    await factory.aclose()


@pytest.fixture
async def store(stores: Stores) -> Store:
    return await stores.open()


# -- records ----------------------------------------------------------------------------------------


async def test_create_then_get_returns_the_same_record(store: Store) -> None:
    doc = {"name": "ünïcode ✓", "n": 1.5, "flag": True, "none": None, "nested": {"list": [1, "two", {"3": []}]}}
    created = await store.create(GW, "gw-1", "", "one", doc)
    assert (created.kind, created.id, created.parent, created.name, created.doc, created.version) == (
        GW,
        "gw-1",
        "",
        "one",
        doc,
        1,
    )
    assert created.created_at.tzinfo is not None
    assert created.created_at.utcoffset() == timedelta(0)
    assert created.updated_at == created.created_at
    fetched = await store.get(GW, "gw-1")
    assert fetched == created
    assert await store.get_by_name(GW, "", "one") == created
    assert await store.get(GW, "missing") is None
    assert await store.get(TG, "gw-1") is None, "records are keyed by (kind, id)"
    assert await store.get_by_name(GW, "", "missing") is None


async def test_create_refuses_a_taken_id(store: Store) -> None:
    await store.create(GW, "same", "", "a", {})
    with pytest.raises(AlreadyExists):
        await store.create(GW, "same", "", "b", {})
    # The id is per kind: another kind may use it.
    await store.create(TG, "same", "gw", "a", {})
    assert (await store.get(GW, "same")) is not None
    assert (await store.get(TG, "same")) is not None


async def test_names_are_unique_per_kind_and_parent(store: Store) -> None:
    await store.create(GW, "g1", "", "shared", {})
    with pytest.raises(AlreadyExists):
        await store.create(GW, "g2", "", "shared", {})
    # The same name is fine under another parent, or for another kind.
    await store.create(TG, "t1", "g1", "shared", {})
    await store.create(TG, "t2", "g2", "shared", {})
    with pytest.raises(AlreadyExists):
        await store.create(TG, "t3", "g1", "shared", {})
    assert (await store.get_by_name(TG, "g1", "shared")) is not None
    assert (await store.get_by_name(TG, "g2", "shared")).id == "t2"  # type: ignore[union-attr]
    assert await store.get(TG, "t3") is None, "a refused create leaves nothing behind"
    # A deleted record frees its name.
    await store.delete(TG, "t1")
    await store.create(TG, "t3", "g1", "shared", {})
    assert (await store.get_by_name(TG, "g1", "shared")).id == "t3"  # type: ignore[union-attr]


async def test_update_replaces_the_document_and_bumps_the_version(store: Store) -> None:
    created = await store.create(TG, "t1", "g1", "name", {"a": 1, "b": 2})
    updated = await store.update(TG, "t1", {"a": 2}, expected_version=1)
    assert updated.version == 2
    assert updated.doc == {"a": 2}
    assert (updated.parent, updated.name, updated.created_at) == ("g1", "name", created.created_at)
    assert updated.updated_at >= created.updated_at
    assert await store.get(TG, "t1") == updated
    # Without expected_version the write is unconditional.
    again = await store.update(TG, "t1", {"a": 3})
    assert again.version == 3


async def test_stale_versions_conflict(store: Store) -> None:
    await store.create(GW, "g", "", "g", {"v": 0})
    await store.update(GW, "g", {"v": 1}, expected_version=1)
    with pytest.raises(VersionConflict):
        await store.update(GW, "g", {"v": "lost"}, expected_version=1)
    with pytest.raises(VersionConflict):
        await store.delete(GW, "g", expected_version=1)
    current = await store.get(GW, "g")
    assert current is not None
    assert (current.doc, current.version) == ({"v": 1}, 2)
    await store.delete(GW, "g", expected_version=2)
    assert await store.get(GW, "g") is None


async def test_missing_records_are_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        await store.update(GW, "nope", {})
    with pytest.raises(NotFound):
        await store.delete(GW, "nope")


async def test_concurrent_read_modify_write_loses_no_update(stores: Stores) -> None:
    """Many tasks on two store objects (two processes) each add 1 with expected_version + retry."""
    first, second = await stores.open(), await stores.open()
    await first.create(GW, "counter", "", "counter", {"count": 0})
    tasks, increments = 8, 3
    conflicts = 0

    async def add_one(store: Store) -> None:
        nonlocal conflicts
        for _ in range(2000):
            record = await store.get(GW, "counter")
            assert record is not None
            try:
                await store.update(GW, "counter", {"count": record.doc["count"] + 1}, expected_version=record.version)
            except VersionConflict:
                conflicts += 1
                continue
            return
        raise AssertionError("an increment never got through")

    async def worker(store: Store) -> None:
        for _ in range(increments):
            await add_one(store)

    await asyncio.wait_for(asyncio.gather(*(worker(s) for s in [first, second] * (tasks // 2))), timeout=60)
    final = await second.get(GW, "counter")
    assert final is not None
    assert final.doc["count"] == tasks * increments
    assert final.version == 1 + tasks * increments
    assert conflicts > 0, "the tasks never raced: the test did not exercise concurrency"


# -- listing ----------------------------------------------------------------------------------------


async def test_list_is_ordered_by_id_and_pages_with_after(store: Store) -> None:
    ids = [f"{p}{i:02d}" for p in ("a", "b", "c-", "z") for i in range(7)]
    shuffled = ids[:]
    random.Random(7).shuffle(shuffled)
    for n, id_ in enumerate(shuffled):
        await store.create(TG, id_, "g1" if n % 3 else "g2", f"name-{id_}", {"n": n})
    await store.create(GW, "g1", "", "g1", {})

    everything = await store.list_records(TG)
    assert [r.id for r in everything] == sorted(ids)
    assert await store.count(TG) == len(ids)

    walked: list[str] = []
    after = ""
    while True:
        page = await store.list_records(TG, after=after, limit=5)
        assert len(page) <= 5
        if not page:
            break
        walked.extend(r.id for r in page)
        after = page[-1].id
    assert walked == sorted(ids)

    in_g1 = [r for r in everything if r.parent == "g1"]
    assert [r.id for r in await store.list_records(TG, "g1")] == [r.id for r in in_g1]
    assert await store.count(TG, "g1") == len(in_g1)
    paged_g1 = await store.list_records(TG, "g1", after=in_g1[2].id, limit=3)
    assert [r.id for r in paged_g1] == [r.id for r in in_g1[3:6]]
    # parent "" is the top level, not "any parent"; other kinds never show up.
    assert [r.id for r in await store.list_records(GW, "")] == ["g1"]
    assert await store.list_records(TG, "") == []
    assert await store.count(GW) == 1


# -- change feed ------------------------------------------------------------------------------------


async def test_change_feed_lists_every_write_in_order(store: Store) -> None:
    changes, start = await store.changes_since(0)
    assert (changes, start) == ([], 0)
    await store.create(GW, "g", "", "g", {})
    await store.create(TG, "t", "g", "t", {})
    await store.update(TG, "t", {"x": 1})
    await store.delete(TG, "t")
    changes, last = await store.changes_since(start)
    expected = [(GW, "g", ""), (TG, "t", "g"), (TG, "t", "g"), (TG, "t", "g")]
    assert [(c.kind, c.id, c.parent) for c in changes] == expected
    seqs = [c.seq for c in changes]
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == len(seqs)
    assert last == seqs[-1]
    assert await store.changes_since(last) == ([], last)
    rest, _ = await store.changes_since(seqs[1])
    assert rest == changes[2:]
    # Blobs and idempotency records are not configuration changes.
    await store.put_blob("k", b"v")
    await store.put_idempotency("s", "tok", "h", b"r")
    assert await store.changes_since(last) == ([], last)


async def test_a_follower_misses_no_change_while_many_write_concurrently(stores: Stores) -> None:
    """Followers read the feed while writers commit out of order: every change must reach them once."""
    writers = [await stores.open() for _ in range(3)]
    follower = await stores.open()
    per_writer = 40
    done = asyncio.Event()
    seen: list[int] = []
    seen_ids: list[str] = []

    async def write(n: int, store: Store) -> None:
        await asyncio.gather(*(store.create(GW, f"w{n}-{i:03d}", "", f"w{n}-{i:03d}", {}) for i in range(per_writer)))

    async def follow() -> None:
        seq = 0
        while True:
            finished = done.is_set()
            changes, seq = await follower.changes_since(seq)
            seen.extend(c.seq for c in changes)
            seen_ids.extend(c.id for c in changes)
            if finished and not changes:
                return
            await asyncio.sleep(0)

    reader = asyncio.ensure_future(follow())
    await asyncio.wait_for(asyncio.gather(*(write(n, s) for n, s in enumerate(writers))), timeout=60)
    done.set()
    await asyncio.wait_for(reader, timeout=30)
    assert seen == sorted(seen)
    assert len(seen_ids) == len(set(seen_ids)) == 3 * per_writer, "a change was skipped or delivered twice"


# -- blobs ------------------------------------------------------------------------------------------


async def test_blobs_are_opaque_bytes_by_key(store: Store) -> None:
    data = bytes(range(256)) * 4096  # 1 MiB with every byte value, including NUL
    assert await store.get_blob("catalog:1") is None
    await store.put_blob("catalog:1", data)
    assert await store.get_blob("catalog:1") == data
    await store.put_blob("catalog:1", b"replaced")
    assert await store.get_blob("catalog:1") == b"replaced"
    await store.put_blob("empty", b"")
    assert await store.get_blob("empty") == b""
    await store.delete_blob("catalog:1")
    assert await store.get_blob("catalog:1") is None
    await store.delete_blob("catalog:1")  # deleting twice is fine
    assert await store.get_blob("empty") == b""


# -- idempotency ------------------------------------------------------------------------------------


async def test_idempotency_tokens_are_remembered_once_per_scope(store: Store) -> None:
    assert await store.get_idempotency("CreateGateway", "tok") is None
    assert await store.put_idempotency("CreateGateway", "tok", "hash-1", b'{"id":"a"}') is True
    assert await store.put_idempotency("CreateGateway", "tok", "hash-2", b'{"id":"b"}') is False
    assert await store.get_idempotency("CreateGateway", "tok") == ("hash-1", b'{"id":"a"}')
    # Another scope is another namespace.
    assert await store.put_idempotency("CreateGatewayTarget:g", "tok", "hash-3", b"{}") is True
    assert await store.get_idempotency("CreateGatewayTarget:g", "tok") == ("hash-3", b"{}")


async def test_idempotency_tokens_expire_after_the_retention(store: Store) -> None:
    assert store.idempotency_retention >= timedelta(hours=8), "AWS keeps tokens for hours"
    await store.put_idempotency("scope", "old", "hash", b"first")
    store.idempotency_retention = timedelta(0)
    assert await store.get_idempotency("scope", "old") is None
    # An expired token can be used again.
    assert await store.put_idempotency("scope", "old", "hash-2", b"second") is True
    store.idempotency_retention = timedelta(hours=24)
    assert await store.get_idempotency("scope", "old") == ("hash-2", b"second")


async def test_concurrent_uses_of_one_token_have_one_winner(stores: Stores) -> None:
    first, second = await stores.open(), await stores.open()
    results = await asyncio.gather(
        *(s.put_idempotency("scope", "race", f"h{i}", f"r{i}".encode()) for i, s in enumerate([first, second] * 8)),
        return_exceptions=True,
    )
    outcomes = [r for r in results if isinstance(r, bool)]
    assert len(outcomes) == len(results), results
    assert sorted(outcomes) == [False] * 15 + [True]
    winner = results.index(True)
    assert await first.get_idempotency("scope", "race") == (f"h{winner}", f"r{winner}".encode())


# -- migrations, several stores ---------------------------------------------------------------------


async def test_migrations_run_once_and_reopening_keeps_data(stores: Stores) -> None:
    # Two processes starting together on an empty database both come up.
    first, second = stores.new(), stores.new()
    await asyncio.gather(first.open(), second.open())
    await first.create(GW, "g", "", "g", {"kept": True})
    await first.put_blob("b", b"blob")
    await first.close()
    await second.close()
    reopened = await stores.open()
    again = await stores.open()
    record = await reopened.get(GW, "g")
    assert record is not None
    assert record.doc == {"kept": True}
    assert await again.get_blob("b") == b"blob"
    await reopened.ping()


async def test_two_stores_on_one_database_see_each_others_writes(stores: Stores) -> None:
    a, b = await stores.open(), await stores.open()
    _, start = await b.changes_since(0)
    await a.create(GW, "g", "", "g", {"by": "a"})
    seen_by_b = await b.get(GW, "g")
    assert seen_by_b is not None
    assert seen_by_b.doc == {"by": "a"}
    await b.update(GW, "g", {"by": "b"}, expected_version=seen_by_b.version)
    assert (await a.get(GW, "g")) == (await b.get(GW, "g"))
    with pytest.raises(AlreadyExists):
        await b.create(GW, "other-id", "", "g", {})
    await a.put_blob("k", b"from a")
    assert await b.get_blob("k") == b"from a"
    await b.put_idempotency("s", "t", "h", b"r")
    assert await a.get_idempotency("s", "t") == ("h", b"r")
    await a.delete(GW, "g")
    assert await b.get(GW, "g") is None
    changes, _ = await b.changes_since(start)
    assert [c.id for c in changes] == ["g", "g", "g"]


async def test_timestamps_are_utc(store: Store) -> None:
    record = await store.create(GW, "g", "", "g", {})
    fetched = await store.get(GW, "g")
    assert fetched is not None
    assert fetched.created_at.tzinfo is not None
    assert fetched.created_at.astimezone(UTC) == record.created_at
