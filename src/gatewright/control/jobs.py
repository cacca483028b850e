"""Asynchronous lifecycle work behind the 202 responses: building targets, readying and deleting resources.

Each job carries the ``generation`` of the record it was started for. When it finishes it re-reads the
record and applies its result (the built blob, the status) only if the generation is unchanged, so a newer
Update or Synchronize always wins over an older build that finishes late, and a deleted target gets no
blob. Records left in a transitional state by a stopped process are picked up again by
:meth:`Jobs.resume` at start-up.

A built target is stored as a blob ``target:<id>`` holding the configuration it was built from and its
artifact, so every process can load it without building again (and keeps serving the last good build
while an update is in progress or has failed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import orjson

from gatewright.resources import GATEWAY, TARGET, report_blob_key, target_blob_key
from gatewright.store import NotFound, Store
from gatewright.store.base import VersionConflict
from gatewright.targets.base import Artifact, BuildError, TargetEnv, artifact_to_json
from gatewright.targets.registry import TargetKinds, target_config

log = logging.getLogger("gatewright.jobs")
JSON = dict[str, Any]
MAX_REASONS = 100
_FAILED = {"CREATE": "FAILED", "UPDATE": "UPDATE_UNSUCCESSFUL", "SYNCHRONIZE": "SYNCHRONIZE_UNSUCCESSFUL"}
_RESUME = {"CREATING": "CREATE", "UPDATING": "UPDATE", "SYNCHRONIZING": "SYNCHRONIZE"}


class Jobs:
    def __init__(
        self,
        store: Store,
        kinds: TargetKinds,
        env: TargetEnv,
        *,
        max_parallel_builds: int = 2,
        on_change: Callable[[], Awaitable[None]] | None = None,
        check_gateway: Callable[[JSON], Awaitable[str | None]] | None = None,
    ) -> None:
        self._on_change = on_change
        # Why a gateway's configuration cannot work (an unreachable discovery URL...), or None.
        self._check_gateway = check_gateway
        self._store = store
        self._kinds = kinds
        self._env = env
        self._tasks: set[asyncio.Task[None]] = set()
        self._builds = asyncio.Semaphore(max_parallel_builds)
        # target id -> lock held while a build is published or the target deleted (see _publish)
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def _changed(self) -> None:
        if self._on_change is not None:
            await self._on_change()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Wait until no job is running (for tests and orderly shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- gateways ---------------------------------------------------------------------------------
    def gateway_changed(self, gateway_id: str, generation: int) -> None:
        self._spawn(self._ready_gateway(gateway_id, generation))

    async def _ready_gateway(self, gateway_id: str, generation: int) -> None:
        record = await self._store.get(GATEWAY, gateway_id)
        if record is None or record.doc.get("generation") != generation:
            return
        if record.doc["status"] not in ("CREATING", "UPDATING"):
            return
        try:
            problem = await self._check_gateway(record.doc) if self._check_gateway is not None else None
        except Exception:  # a bug in a check must fail the gateway, not leave it CREATING forever
            log.exception("checking gateway %s failed", gateway_id)
            problem = "Internal error while checking the gateway's configuration; see the logs"
        failed = "FAILED" if record.doc["status"] == "CREATING" else "UPDATE_UNSUCCESSFUL"
        status, reasons = (failed, [problem]) if problem else ("READY", [])
        try:
            await self._store.update(
                GATEWAY, gateway_id, record.doc | {"status": status, "statusReasons": reasons}, record.version
            )
        except (VersionConflict, NotFound):
            return
        await self._changed()

    def delete_gateway(self, gateway_id: str) -> None:
        self._spawn(self._delete(GATEWAY, gateway_id))

    # -- targets ----------------------------------------------------------------------------------
    def build_target(self, gateway_id: str, target_id: str, generation: int, operation: str) -> None:
        self._spawn(self._build(gateway_id, target_id, generation, operation))

    def delete_target(self, gateway_id: str, target_id: str) -> None:
        self._spawn(self._delete(TARGET, target_id))

    async def _delete(self, kind: str, id: str) -> None:
        async with self._target_lock(id) if kind == TARGET else contextlib.nullcontext():
            try:
                await self._store.delete(kind, id)
            except NotFound:
                return
            if kind == TARGET:
                await self._store.delete_blob(target_blob_key(id))
                await self._store.delete_blob(report_blob_key(id))
        await self._changed()

    async def _build(self, gateway_id: str, target_id: str, generation: int, operation: str) -> None:
        async with self._builds:
            record = await self._store.get(TARGET, target_id)
            if record is None or record.doc.get("generation") != generation:
                return
            kind = self._kinds.kind_of(record.doc["targetConfiguration"])
            config = target_config(target_id, gateway_id, record.doc, kind)
            artifact = None
            try:
                artifact = await kind.build(config, self._env)
                status, reasons = "READY", artifact.notes
            except BuildError as exc:
                status, reasons = _FAILED[operation], exc.reasons
            except Exception:  # a bug in a kind must fail the target, not kill the job runner
                log.exception("building target %s failed", target_id)
                status, reasons = _FAILED[operation], ["Internal error while building the target; see the logs"]
            if artifact is not None and not await self._publish(target_id, generation, record.doc, artifact):
                return
        await self._finish(target_id, generation, status, reasons, operation)

    async def _publish(self, target_id: str, generation: int, doc: JSON, artifact: Artifact) -> bool:
        """Store a build for every process to load, unless the target changed or went while it was built.

        Under the target's lock, so a build that finishes late cannot overwrite a newer build's blob, nor
        leave a blob behind a deletion; False when the build is stale.
        """
        async with self._target_lock(target_id):
            current = await self._store.get(TARGET, target_id)
            if current is None or current.doc.get("generation") != generation or current.doc["status"] == "DELETING":
                return False
            built = {"generation": generation, "doc": doc, "artifact": artifact_to_json(artifact)}
            await self._store.put_blob(target_blob_key(target_id), orjson.dumps(built))
            if artifact.report is not None:
                await self._store.put_blob(report_blob_key(target_id), orjson.dumps(artifact.report))
            # Serve the new build before the target reads READY (see runtime/registry.py).
            await self._update(target_id, generation, {"builtGeneration": generation})
        return True

    def _target_lock(self, target_id: str) -> asyncio.Lock:
        lock = self._locks.get(target_id)
        if lock is None:
            lock = self._locks[target_id] = asyncio.Lock()
        return lock

    async def _finish(self, target_id: str, generation: int, status: str, reasons: list[str], op: str) -> None:
        changes: JSON = {"status": status, "statusReasons": [r[:2048] for r in reasons[:MAX_REASONS]]}
        if status == "READY" and op == "SYNCHRONIZE":
            changes["lastSynchronizedAt"] = datetime.now(UTC).isoformat()
        await self._update(target_id, generation, changes)

    async def _update(self, target_id: str, generation: int, changes: JSON) -> None:
        """Merge ``changes`` into the target unless a newer generation started meanwhile."""
        for _ in range(5):
            record = await self._store.get(TARGET, target_id)
            if record is None or record.doc.get("generation") != generation:
                return
            try:
                await self._store.update(TARGET, target_id, record.doc | changes, record.version)
            except VersionConflict:
                continue
            except NotFound:
                return
            await self._changed()
            return

    async def resume(self) -> None:
        """Restart work that a stopped process left half done."""
        for gateway in await self._store.list_records(GATEWAY, "", limit=100000):
            status = gateway.doc["status"]
            if status in ("CREATING", "UPDATING"):
                self.gateway_changed(gateway.id, int(gateway.doc.get("generation", 1)))
            elif status == "DELETING":
                self.delete_gateway(gateway.id)
        for target in await self._store.list_records(TARGET, None, limit=100000):
            status = target.doc["status"]
            if status in _RESUME:
                self.build_target(target.parent, target.id, int(target.doc.get("generation", 1)), _RESUME[status])
            elif status == "DELETING":
                self.delete_target(target.parent, target.id)
