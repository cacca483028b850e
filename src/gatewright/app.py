"""The composition root: the only module that wires every layer together.

One process, one port: the control plane, every gateway's MCP endpoint and the health checks.
"""

from __future__ import annotations

import logging
import re

from gatewright.admin import ensure_admin_credentials
from gatewright.control.app import ControlPlane
from gatewright.control.common import ControlContext
from gatewright.control.ids import MCP_PATH_PREFIX, Naming
from gatewright.control.jobs import Jobs
from gatewright.mcp.transport import McpTransport
from gatewright.runtime.registry import Registry
from gatewright.settings import Settings
from gatewright.store import Store, open_store
from gatewright.targets.base import TargetEnv
from gatewright.targets.openapi import OpenApiKind
from gatewright.targets.registry import TargetKinds
from gatewright.upstream.http import HttpClient
from gatewright.web.asgi import Receive, Scope, Send, send, send_text
from gatewright.web.hosts import HostPolicy

log = logging.getLogger("gatewright")
_MCP_PATH = re.compile(r"^" + re.escape(MCP_PATH_PREFIX) + r"([^/]+)/mcp/?$")


def target_kinds() -> TargetKinds:
    return TargetKinds([OpenApiKind()])


class GatewrightApp:
    """The ASGI application (with lifespan) for one gatewright process."""

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = ensure_admin_credentials(settings)
        self.store = store if store is not None else open_store(self.settings)
        self.http = HttpClient(
            timeout=settings.upstream_timeout_seconds,
            connect_timeout=settings.upstream_connect_timeout_seconds,
            max_connections=settings.upstream_max_connections,
            max_response_bytes=settings.upstream_max_response_bytes,
        )
        self.kinds = target_kinds()
        self.env = TargetEnv(settings=self.settings, http=self.http)
        self.registry = Registry(self.settings, self.store, self.kinds, self.env)
        self.jobs = Jobs(self.store, self.kinds, self.env, on_change=self.registry.refresh)
        naming = Naming(self.settings.region, self.settings.account_id, self.settings.base_url)
        self.control = ControlPlane(
            ControlContext(self.settings, self.store, naming, self.jobs, self.kinds, on_change=self.registry.refresh)
        )
        hosts = HostPolicy.from_settings(self.settings)
        if hosts.hosts is None:
            log.warning(
                "listening on all interfaces without GATEWRIGHT_PUBLIC_URL or GATEWRIGHT_ALLOWED_HOSTS: "
                "any Host header is accepted"
            )
        self.mcp = McpTransport(self.registry.get, hosts, self.settings.max_body_bytes)
        self.started = False

    async def startup(self) -> None:
        await self.store.open()
        await self.registry.start()
        await self.jobs.resume()
        self.started = True
        log.info("gatewright ready on %s", self.settings.base_url)

    async def shutdown(self) -> None:
        await self.jobs.aclose()
        await self.registry.aclose()
        await self.http.aclose()
        await self.store.close()

    async def __call__(self, scope: Scope, receive: Receive, send_: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            path: str = scope["path"]
            found = _MCP_PATH.match(path) if path.startswith(MCP_PATH_PREFIX) else None
            if found is not None:
                await self.mcp(scope, receive, send_, found[1])
            elif path == "/healthz":
                await send_text(send_, 200, "ok")
            elif path == "/readyz":
                await self._ready(send_)
            else:
                await self.control(scope, receive, send_)
        elif kind == "lifespan":
            await self._lifespan(receive, send_)

    async def _ready(self, send_: Send) -> None:
        if not (self.started and self.registry.ready):
            await send_text(send_, 503, "starting")
            return
        try:
            await self.store.ping()
        except Exception as exc:  # noqa: BLE001 - any store failure means not ready
            await send_text(send_, 503, f"store unavailable: {type(exc).__name__}")
            return
        await send(send_, 200, b"ready", [(b"content-type", b"text/plain")])

    async def _lifespan(self, receive: Receive, send_: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except Exception as exc:
                    log.exception("start-up failed")
                    await send_({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send_({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send_({"type": "lifespan.shutdown.complete"})
                return
