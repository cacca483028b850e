"""The upstream sessions of one MCP server target, shared by every caller, and its availability.

Callers share one upstream MCP session (connection) per target: no handshake per call. A caller gets a
session of its own kind only where the upstream keeps state for it:

* a log level (``logging/setLevel`` is session-wide upstream): one session per level in use, set once
  after its handshake (on 2026-07-28 the level travels in each request instead);
* client capabilities the gateway relays (sampling, elicitation): a session that declared them, on the
  handshake wire (2026-07-28 has no server-to-client requests).

So at most 9 levels x 4 capability sets per target, whatever the number of callers.

:class:`Availability` is a small circuit breaker: after the upstream could not be reached, calls fail at once
for a short, growing pause (0.25 s up to 2 s) instead of each waiting on a dead host; the first call after the
pause tries again, and one success closes it. A restarted upstream is used again within 2 s, by itself.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from gatewright import __version__
from gatewright.targets.base import TargetConfig, TargetEnv
from gatewright.upstream.mcp_client import ClientConfig, Credentials, McpClient

JSON = dict[str, Any]
CLIENT_INFO = {"name": "gatewright", "version": __version__}
FIRST_PAUSE = 0.25
LONGEST_PAUSE = 2.0


class SessionPool:
    def __init__(self, target: TargetConfig, env: TargetEnv, listing_capabilities: frozenset[str]) -> None:
        self._target = target
        self._env = env
        self._endpoint = str(target.config["endpoint"])
        self._listing = listing_capabilities
        self._clients: dict[tuple[str | None, frozenset[str]], McpClient] = {}

    def client(self, level: str | None = None, capabilities: frozenset[str] = frozenset()) -> McpClient:
        key = (level, capabilities)
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = new_client(
                self._target, self._env, level=level, capabilities=capabilities, modern=not capabilities
            )
        return client

    def lister(self) -> McpClient:
        """The session lists are read with: it declares what synchronisation declared."""
        return self.client(None, self._listing)

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        await asyncio.gather(*(c.aclose() for c in clients))


def new_client(
    target: TargetConfig,
    env: TargetEnv,
    *,
    level: str | None = None,
    capabilities: frozenset[str] = frozenset(),
    modern: bool = True,
) -> McpClient:
    config = ClientConfig(
        endpoint=str(target.config["endpoint"]),
        client_info=CLIENT_INFO,
        capabilities={name: {} for name in sorted(capabilities)},
        log_level=level,
        modern=modern,
    )

    async def credentials() -> Credentials | None:
        if not target.credential_providers or env.credentials is None:
            return None
        auth: Credentials | None = await env.credentials.auth_for(target.target_id, target.credential_providers)
        return auth

    return McpClient(env.http, config, credentials)


class Availability:
    def __init__(self) -> None:
        self._until = 0.0
        self._pause = 0.0
        self.reason: str | None = None

    def closed_for(self) -> float:
        """Seconds left before the upstream may be tried again (0: try now)."""
        return max(0.0, self._until - time.monotonic())

    def failed(self, reason: str) -> None:
        self._pause = min(LONGEST_PAUSE, self._pause * 2 if self._pause else FIRST_PAUSE)
        self._until = time.monotonic() + self._pause
        self.reason = reason

    def succeeded(self) -> None:
        self._pause = self._until = 0.0
        self.reason = None
