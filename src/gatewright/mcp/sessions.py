"""MCP sessions (``Mcp-Session-Id``) for gateways that enable them (``sessionConfiguration``).

As in AgentCore, a session's lifetime is absolute, counted from ``initialize``, and a session belongs to
the caller that created it: another caller presenting its id gets 404, like an unknown id. Sessions
live in the process that issued them (put a sticky load balancer in front of several processes).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

MAX_SESSIONS = 100_000


@dataclass
class Session:
    gateway_id: str
    owner: str
    expires: float
    # What the client declared at initialize (capability names) and set later (logging/setLevel).
    capabilities: frozenset[str] = frozenset()
    log_level: str | None = None
    # Requests the gateway sent this client (sampling, elicitation) and is waiting to see answered, by id.
    pending: dict[Any, asyncio.Future[Any]] = field(default_factory=dict)

    def answered(self, msg_id: Any, answer: Any) -> None:
        """A client's response to one of the gateway's requests (unknown or late ids are dropped)."""
        waiting = self.pending.pop(msg_id, None)
        if waiting is not None and not waiting.done():
            waiting.set_result(answer)


class SessionManager:
    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}

    def create(
        self, gateway_id: str, owner: str, timeout: int, capabilities: frozenset[str] = frozenset()
    ) -> tuple[str, Session]:
        if len(self._sessions) >= MAX_SESSIONS:
            self._sweep()
        session_id = secrets.token_hex(16)
        session = self._sessions[session_id] = Session(gateway_id, owner, time.monotonic() + timeout, capabilities)
        return session_id, session

    def get(self, session_id: str, gateway_id: str, owner: str) -> Session | None:
        """The live session ``session_id`` if ``owner`` holds it on ``gateway_id``."""
        session = self._sessions.get(session_id)
        if session is None:
            return None
        if session.expires < time.monotonic():
            del self._sessions[session_id]
            return None
        return session if session.gateway_id == gateway_id and session.owner == owner else None

    def valid(self, session_id: str, gateway_id: str, owner: str) -> bool:
        return self.get(session_id, gateway_id, owner) is not None

    def delete(self, session_id: str) -> None:
        self._sessions.pop(session_id, None)

    def _sweep(self) -> None:
        now = time.monotonic()
        for key in [k for k, s in self._sessions.items() if s.expires < now]:
            del self._sessions[key]
