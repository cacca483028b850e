"""control/jobs.py with a real SQLite store: a build that finishes late never overwrites newer state.

The builds are held by a target kind whose ``build`` waits on a gate the test opens, so the order of
events is fixed instead of left to timing: build 1 starts, the target changes, build 2 (or the deletion)
completes, and only then build 1 finishes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest

from gatewright.control.jobs import Jobs
from gatewright.resources import TARGET, target_blob_key
from gatewright.settings import Settings
from gatewright.store import Store
from gatewright.store.sqlite import SqliteStore
from gatewright.targets.base import Artifact, Target, TargetConfig, TargetEnv, ToolSpec
from gatewright.targets.registry import TargetKinds
from gatewright.upstream.http import HttpClient

JSON = dict[str, Any]


@dataclass
class GatedKind:
    """Builds one tool named by the configuration; a configuration with ``gate`` waits for it to open."""

    config_key: str = "gated"
    target_type: str = "GATED"
    credential_types: frozenset[str] = frozenset({"NONE"})
    started: dict[str, asyncio.Event] = field(default_factory=dict)
    gates: dict[str, asyncio.Event] = field(default_factory=dict)

    def validate(self, target: TargetConfig) -> None:
        return None

    async def build(self, target: TargetConfig, env: TargetEnv) -> Artifact:
        gate = target.config.get("gate")
        if gate:
            self.started.setdefault(gate, asyncio.Event()).set()
            await self.gates.setdefault(gate, asyncio.Event()).wait()
        return Artifact(tools=[ToolSpec(target.config["tool"], "a tool", {"type": "object"})])

    def load(self, target: TargetConfig, artifact: Artifact, env: TargetEnv) -> Target:
        raise NotImplementedError


def _doc(tool: str, status: str, generation: int, gate: str | None = None) -> JSON:
    config: JSON = {"tool": tool, **({"gate": gate} if gate else {})}
    return {"name": "t", "targetConfiguration": {"mcp": {"gated": config}}, "status": status, "generation": generation}


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    sqlite = SqliteStore(tmp_path / "jobs.db")
    await sqlite.open()
    yield sqlite
    await sqlite.close()


@pytest.fixture
async def kind_and_jobs(store: Store) -> AsyncIterator[tuple[GatedKind, Jobs]]:
    kind = GatedKind()
    http = HttpClient()
    jobs = Jobs(store, TargetKinds([kind]), TargetEnv(settings=Settings(), http=http), max_parallel_builds=2)
    yield kind, jobs
    await jobs.aclose()
    await http.aclose()


async def _status(store: Store, status: str) -> None:
    async def reached() -> None:
        while True:
            record = await store.get(TARGET, "T1")
            if record is not None and record.doc["status"] == status:
                return
            await asyncio.sleep(0.01)

    await asyncio.wait_for(reached(), timeout=10)


async def _gone(store: Store) -> None:
    async def deleted() -> None:
        while await store.get(TARGET, "T1") is not None:
            await asyncio.sleep(0.01)

    await asyncio.wait_for(deleted(), timeout=10)


async def test_a_late_build_does_not_replace_a_newer_one(store: Store, kind_and_jobs: tuple[GatedKind, Jobs]) -> None:
    kind, jobs = kind_and_jobs
    await store.create(TARGET, "T1", "gw", "t", _doc("old", "CREATING", 1, gate="slow"))
    jobs.build_target("gw", "T1", 1, "CREATE")
    await asyncio.wait_for(kind.started.setdefault("slow", asyncio.Event()).wait(), timeout=10)

    # UpdateGatewayTarget: a new generation, built at once.
    current = await store.get(TARGET, "T1")
    assert current is not None
    await store.update(TARGET, "T1", _doc("new", "UPDATING", 2), expected_version=current.version)
    jobs.build_target("gw", "T1", 2, "UPDATE")
    await _status(store, "READY")

    kind.gates["slow"].set()
    await asyncio.wait_for(jobs.idle(), timeout=10)
    blob = await store.get_blob(target_blob_key("T1"))
    assert blob is not None
    built = orjson.loads(blob)
    assert built["generation"] == 2
    assert [t["name"] for t in built["artifact"]["tools"]] == ["new"]
    record = await store.get(TARGET, "T1")
    assert record is not None
    assert (record.doc["status"], record.doc["generation"]) == ("READY", 2)


async def test_a_build_finishing_after_deletion_leaves_nothing_behind(
    store: Store, kind_and_jobs: tuple[GatedKind, Jobs]
) -> None:
    kind, jobs = kind_and_jobs
    await store.create(TARGET, "T1", "gw", "t", _doc("old", "CREATING", 1, gate="slow"))
    jobs.build_target("gw", "T1", 1, "CREATE")
    await asyncio.wait_for(kind.started.setdefault("slow", asyncio.Event()).wait(), timeout=10)

    # DeleteGatewayTarget while the build runs.
    current = await store.get(TARGET, "T1")
    assert current is not None
    await store.update(TARGET, "T1", current.doc | {"status": "DELETING"}, expected_version=current.version)
    jobs.delete_target("gw", "T1")
    await _gone(store)

    kind.gates["slow"].set()
    await asyncio.wait_for(jobs.idle(), timeout=10)
    assert await store.get_blob(target_blob_key("T1")) is None
    assert await store.get(TARGET, "T1") is None
