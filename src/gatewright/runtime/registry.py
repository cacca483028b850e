"""Live gateways, loaded from the store and kept in step with it through the change feed.

A target is served when its built artifact exists (blob ``target:<id>``) and the target is not being
deleted; while an update is in progress, or after it failed, the last good build keeps serving. Loaded
targets are reused across reloads while their build generation is unchanged, so a change to one target
does not rebuild the others.

Every process polls the change feed (``GATEWRIGHT_CHANGE_POLL_SECONDS``); in the process that made a
change, :meth:`Registry.refresh` is awaited right away, so its own callers never see stale tools.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from dataclasses import dataclass
from typing import Any

import orjson

from gatewright.catalog.catalog import Catalog, TargetTools
from gatewright.catalog.search.indexer import SearchIndexer
from gatewright.catalog.search.tool import SEARCH_TOOL_JSON
from gatewright.control.ids import MCP_PATH_PREFIX
from gatewright.resources import API_KEY_PROVIDER, GATEWAY, OAUTH2_PROVIDER, TARGET, target_blob_key
from gatewright.runtime.features import GatewayFeatures, Source
from gatewright.runtime.forwarding import Forwarding
from gatewright.runtime.gateway import GatewayConfig, GatewayRuntime
from gatewright.settings import Settings
from gatewright.store import Store
from gatewright.targets.base import Target, TargetEnv, artifact_from_json
from gatewright.targets.features import McpFeatures
from gatewright.targets.registry import TargetKinds, target_config

log = logging.getLogger("gatewright.runtime")
# A jump of the change feed this large means changes were pruned before this process read them.
MISSED_GAP = 1000


@dataclass
class _Loaded:
    generation: int
    target: Target
    group: TargetTools
    forwarding: Forwarding


def _settle_memory() -> None:
    """Collect garbage once, then freeze what is left (the catalogs) out of the collector's reach.

    Catalogs are large, long-lived object graphs; without this, every full collection walks them and stalls
    calls for 100-300 ms (measured with 11,000 tools). Unfreezing first lets the collector reclaim what the
    previous configuration left behind. Runs only when configuration changes.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class Registry:
    def __init__(
        self, settings: Settings, store: Store, kinds: TargetKinds, env: TargetEnv, authorizers: Any = None
    ) -> None:
        self._settings = settings
        self._store = store
        self._kinds = kinds
        self._env = env
        self._authorizers = authorizers
        self._gateways: dict[str, GatewayRuntime] = {}
        self._targets: dict[str, _Loaded] = {}
        # target id -> gateway id, for the targets in _targets
        self._owner: dict[str, str] = {}
        self._seq = 0
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # Tool search of SEMANTIC gateways: indexes built here, when a catalog changes (docs/search.md).
        self._search = SearchIndexer(settings.data_dir / "search", settings.search_backend)
        self.ready = False

    def get(self, gateway_id: str) -> GatewayRuntime | None:
        return self._gateways.get(gateway_id)

    async def start(self) -> None:
        _, self._seq = await self._store.changes_since(0)
        for record in await self._store.list_records(GATEWAY, "", limit=1_000_000):
            await self._reload(record.id)
        self.ready = True
        _settle_memory()
        self._task = asyncio.get_running_loop().create_task(self._follow())

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for loaded in self._targets.values():
            await loaded.target.aclose()
        self._targets.clear()
        self._gateways.clear()
        self._search.close()

    def notify(self) -> None:
        self._wake.set()

    async def _follow(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._settings.change_poll_seconds)
            self._wake.clear()
            try:
                await self.refresh()
            except Exception:  # keep following: a store hiccup must not freeze configuration forever
                log.exception("refreshing configuration failed")

    async def refresh(self) -> None:
        """Apply every change written since the last refresh."""
        async with self._lock:
            changes, seq = await self._store.changes_since(self._seq)
            missed = bool(changes) and self._seq > 0 and changes[0].seq - self._seq > MISSED_GAP
            self._seq = seq
            gateways = {c.id if c.kind == GATEWAY else c.parent for c in changes if c.kind in (GATEWAY, TARGET)}
            if missed:  # the feed was pruned past us (a long pause): reload everything
                gateways |= set(self._gateways) | {
                    r.id for r in await self._store.list_records(GATEWAY, "", limit=1_000_000)
                }
                if self._env.credentials is not None:
                    self._env.credentials.invalidate()
            credentials = self._env.credentials
            if credentials is not None:
                for change in changes:
                    if change.kind in (API_KEY_PROVIDER, OAUTH2_PROVIDER):
                        credentials.invalidate(change.id)
            for gateway_id in gateways:
                await self._reload(gateway_id)
            if gateways:
                _settle_memory()

    async def _reload(self, gateway_id: str) -> None:
        record = await self._store.get(GATEWAY, gateway_id)
        if record is None or record.doc["status"] == "DELETING":
            self._gateways.pop(gateway_id, None)
            self._search.forget(gateway_id)
            for target_id in [t for t, owner in self._owner.items() if owner == gateway_id]:
                await self._unload(target_id)
            return
        config = GatewayConfig.from_doc(gateway_id, record.doc)
        groups = []
        forwarding: dict[str, Forwarding] = {}
        for target in await self._store.list_records(TARGET, gateway_id, limit=1_000_000):
            if target.doc["status"] == "DELETING":
                await self._unload(target.id)
                continue
            loaded = await self._load_target(gateway_id, target.id, target.doc.get("builtGeneration"))
            if loaded is not None:
                groups.append(loaded.group)
                forwarding[target.id] = loaded.forwarding
        live = {g.target_id for g in groups}
        gone = [t for t, owner in self._owner.items() if owner == gateway_id and t not in live]
        for target_id in gone:
            await self._unload(target_id)
        page_size = self._settings.tools_page_size if config.paginate else None
        authorizer = (
            self._authorizers.for_gateway(gateway_id, f"{MCP_PATH_PREFIX}{gateway_id}/mcp", record.doc)
            if self._authorizers
            else None
        )
        semantic = ((record.doc.get("protocolConfiguration") or {}).get("mcp") or {}).get("searchType") == "SEMANTIC"
        head = [SEARCH_TOOL_JSON] if semantic else []
        prefix = not (config.unprefixed and len(groups) == 1)  # the one-target transparent proxy option
        catalog = Catalog(groups, page_size=page_size, prefix=prefix, head=head)
        if semantic:
            tools = [e.tool for e in catalog.entries]
            # Indexing thousands of tools takes a moment: off the event loop, published with the catalog.
            catalog.search = await asyncio.to_thread(
                self._search.attach, gateway_id, catalog.entries, tools, catalog.fingerprint
            )
        sources = [
            Source(g.target_id, g.name, g.target, i) for i, g in enumerate(groups) if isinstance(g.target, McpFeatures)
        ]
        features = GatewayFeatures(sources, groups, prefix=prefix, page_size=page_size, head=head)
        self._gateways[gateway_id] = GatewayRuntime(config, catalog, authorizer, forwarding, features)

    async def _load_target(self, gateway_id: str, target_id: str, built_generation: int | None) -> _Loaded | None:
        current = self._targets.get(target_id)
        if current is not None and current.generation == built_generation:
            return current  # unchanged: no need to read (a large target's blob can be tens of MB)
        blob = await self._store.get_blob(target_blob_key(target_id))
        if blob is None:
            await self._unload(target_id)
            return None
        built = orjson.loads(blob)
        if current is not None and current.generation == built["generation"]:
            return current
        doc = built["doc"]
        kind = self._kinds.kind_of(doc["targetConfiguration"])
        config = target_config(target_id, gateway_id, doc, kind)
        artifact = artifact_from_json(built["artifact"])
        if self._env.credentials is not None:
            self._env.credentials.forget(target_id)
        target = kind.load(config, artifact, self._env)
        loaded = _Loaded(
            built["generation"],
            target,
            TargetTools(target_id, doc["name"], target, list(target.list_tools())),
            Forwarding.from_doc(doc),
        )
        if current is not None:
            await current.target.aclose()
        self._targets[target_id] = loaded
        self._owner[target_id] = gateway_id
        return loaded

    async def _unload(self, target_id: str) -> None:
        loaded = self._targets.pop(target_id, None)
        self._owner.pop(target_id, None)
        if loaded is not None:
            await loaded.target.aclose()
