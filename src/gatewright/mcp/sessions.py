"""MCP sessions (``Mcp-Session-Id``) for gateways that enable them (``sessionConfiguration``).

As in AgentCore, a session's lifetime is absolute, counted from ``initialize``, and a session belongs to
the caller that created it: another caller presenting its id gets 404, like an unknown id. Sessions
live in the process that issued them (put a sticky load balancer in front of several processes).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

MAX_SESSIONS = 100_000


@dataclass
class Session:
    gateway_id: str
    owner: str
    expires: float


class SessionManager:
    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}

    def create(self, gateway_id: str, owner: str, timeout: int) -> str:
        if len(self._sessions) >= MAX_SESSIONS:
            self._sweep()
        session_id = secrets.token_hex(16)
        self._sessions[session_id] = Session(gateway_id, owner, time.monotonic() + timeout)
        return session_id

    def valid(self, session_id: str, gateway_id: str, owner: str) -> bool:
        session = self._sessions.get(session_id)
        if session is None:
            return False
        if session.expires < time.monotonic():
            del self._sessions[session_id]
            return False
        return session.gateway_id == gateway_id and session.owner == owner

    def delete(self, session_id: str) -> None:
        self._sessions.pop(session_id, None)

    def _sweep(self) -> None:
        now = time.monotonic()
        for key in [k for k, s in self._sessions.items() if s.expires < now]:
            del self._sessions[key]
