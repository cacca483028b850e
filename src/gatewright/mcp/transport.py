"""Streamable HTTP, server side: one POST in, one JSON (or SSE) answer out.

Accepted, besides what the MCP clients send: AgentCore's relaxed form, a bare JSON POST of ``tools/list``
or ``tools/call`` with no ``initialize``, no session and ``Accept`` missing or ``*/*``. Answers are JSON
unless the client accepts only ``text/event-stream``.

Order of checks: gateway exists (404), Host (421) and Origin (403), method (405), Content-Type (415),
Accept (406), body size (413), authentication (401/403), JSON-RPC framing (400), wire (handshake or
2026-07-28, by the ``MCP-Protocol-Version`` header), session (400/404), then the method itself.
Notifications and responses go through the same checks before their 202.

``DELETE`` ends a session (handshake wire, gateways with sessions): the caller is authenticated first
and may end only a session it owns on this gateway; any other id is 404, as for a POST. ``GET`` (no
standalone SSE stream) and every other method are 405.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl

from gatewright.mcp import modern
from gatewright.mcp.jsonrpc import INVALID_REQUEST, JsonRpcError, Message, encode_error, parse
from gatewright.mcp.server import McpServer, RequestInfo, http_status
from gatewright.mcp.sessions import Session, SessionManager
from gatewright.mcp.stream import RELAYED, SSE_HEADERS, SseAnswer, frame
from gatewright.mcp.versions import DEFAULT_VERSION, is_handshake_header, negotiate
from gatewright.web.asgi import (
    JSON_TYPE,
    BodyTooLarge,
    ClientGone,
    Headers,
    HttpError,
    Receive,
    Scope,
    Send,
    headers_of,
    read_body,
    send,
)
from gatewright.web.hosts import HostPolicy

log = logging.getLogger("gatewright.mcp")
SESSION_HEADER = "mcp-session-id"
LOG_LEVEL_KEY = "io.modelcontextprotocol/logLevel"


def _missing_session() -> JsonRpcError:
    return JsonRpcError(INVALID_REQUEST, "Bad Request: Missing session ID", http_status=400)


def _unknown_session() -> JsonRpcError:
    return JsonRpcError(INVALID_REQUEST, "Session not found", http_status=404)


def _version_header(headers: dict[str, str]) -> str | None:
    return headers.get("mcp-protocol-version", "").strip() or None


class Endpoint(Protocol):
    """A gateway as the transport sees it."""

    server: McpServer

    @property
    def supported_versions(self) -> tuple[str, ...]: ...

    @property
    def session_timeout(self) -> int | None: ...

    async def authenticate(self, scope: Scope, headers: dict[str, str], body: bytes) -> Any:
        """The caller (an opaque principal with a ``key`` attribute); raise HttpError to refuse."""
        ...


def _accepts(accept: str | None) -> tuple[bool, bool]:
    """(JSON acceptable, SSE acceptable); a missing header accepts anything."""
    if accept is None or not accept.strip():
        return True, True
    json_ok = sse_ok = False
    for part in accept.lower().split(","):
        media = part.split(";", 1)[0].strip()
        if media in ("*/*", "application/*", "application/json"):
            json_ok = True
        if media in ("*/*", "text/*", "text/event-stream"):
            sse_ok = True
    return json_ok, sse_ok


@dataclass(frozen=True)
class _Call:
    """One authenticated POST on its way to the protocol layer."""

    gateway_id: str
    endpoint: Endpoint
    scope: Scope
    headers: dict[str, str]
    body: bytes
    principal: Any
    use_sse: bool  # the one answer is SSE (the client takes nothing else)
    sse_ok: bool  # the client takes SSE: the answer may stream notifications


_BOOT = os.urandom(6).hex()
_COUNTER = itertools.count(1)


def next_request_id() -> str:
    """A request id unique across processes and restarts, far cheaper than a uuid4 on the hot path."""
    return f"{_BOOT}-{next(_COUNTER):012x}"


def _query(scope: Scope) -> dict[str, str]:
    raw: bytes = scope.get("query_string", b"")
    return dict(parse_qsl(raw.decode("latin-1"))) if raw else {}


def _json_error(msg_id: Any, error: JsonRpcError) -> bytes:
    return encode_error(msg_id, error.code, error.message, error.data)


class McpTransport:
    def __init__(self, resolve: Callable[[str], Endpoint | None], hosts: HostPolicy, max_body: int) -> None:
        self._resolve = resolve
        self._hosts = hosts
        self._max_body = max_body
        self.sessions = SessionManager()

    async def __call__(self, scope: Scope, receive: Receive, send_: Send, gateway_id: str) -> None:
        try:
            await self._serve(scope, receive, send_, gateway_id)
        except HttpError as err:
            await send(send_, err.status, err.body, err.headers)
        except ClientGone:
            return

    async def _serve(self, scope: Scope, receive: Receive, send_: Send, gateway_id: str) -> None:
        endpoint = self._resolve(gateway_id)
        if endpoint is None:
            raise HttpError.json(404, {"message": f"Gateway {gateway_id} was not found"})
        headers = headers_of(scope)
        host = headers.get("host")
        if not self._hosts.host_ok(host):
            raise HttpError.text(421, "Invalid Host header")
        if not self._hosts.origin_ok(headers.get("origin"), host):
            raise HttpError.text(403, "Invalid Origin header")
        method = scope["method"]
        sessions = endpoint.session_timeout is not None and is_handshake_header(_version_header(headers))
        if method == "DELETE" and sessions:
            await self._delete(send_, gateway_id, endpoint, scope, headers)
            return
        if method != "POST":
            raise HttpError(405, b"", [(b"allow", b"POST, DELETE" if sessions else b"POST")])
        ctype = headers.get("content-type")
        if ctype is not None and not ctype.lower().startswith("application/json"):
            raise HttpError.text(415, "Content-Type must be application/json")
        json_ok, sse_ok = _accepts(headers.get("accept"))
        if not (json_ok or sse_ok):
            raise HttpError.text(406, "Not Acceptable: accept application/json or text/event-stream")
        try:
            body = await read_body(receive, self._max_body)
        except BodyTooLarge:
            raise HttpError.text(413, "Request body too large") from None
        principal = await endpoint.authenticate(scope, headers, body)
        call = _Call(gateway_id, endpoint, scope, headers, body, principal, use_sse=not json_ok, sse_ok=sse_ok)
        await self._post(send_, call)

    async def _delete(
        self, send_: Send, gateway_id: str, endpoint: Endpoint, scope: Scope, headers: dict[str, str]
    ) -> None:
        """End a session: only its owner may, on the gateway that issued it (anything else is 404)."""
        principal = await endpoint.authenticate(scope, headers, b"")
        presented = headers.get(SESSION_HEADER)
        if presented is not None and self.sessions.valid(presented, gateway_id, getattr(principal, "key", "")):
            self.sessions.delete(presented)
            await send(send_, 200)
            return
        error = _missing_session() if presented is None else _unknown_session()
        raise HttpError(error.http_status, _json_error(None, error), [JSON_TYPE])

    async def _post(self, send_: Send, call: _Call) -> None:
        endpoint, headers, principal = call.endpoint, call.headers, call.principal
        msg: Message | None = None
        version_header = _version_header(headers)
        is_modern = not is_handshake_header(version_header)
        extra: Headers = []
        stream: SseAnswer | None = None
        try:
            msg = parse(call.body)
            if msg.is_response or not msg.has_id:
                if is_modern:
                    modern.check_notice(msg, headers, endpoint.supported_versions)
                else:
                    _, _, answering = self._legacy(call, msg, version_header)
                    if msg.is_response and answering is not None:
                        answering.answered(msg.id, msg)
                await send(send_, 202)
                return
            session: Session | None = None
            meta = msg.params.get("_meta")
            meta = meta if isinstance(meta, dict) else {}
            if is_modern:
                version = modern.check(msg, headers, call.scope["headers"], endpoint.supported_versions)
                level = meta.get(LOG_LEVEL_KEY)
                log_level = level if isinstance(level, str) else None
                declared = meta.get(modern.CAPABILITIES_KEY)
                capabilities = frozenset(declared) if isinstance(declared, dict) else frozenset()
            else:
                version, extra, session = self._legacy(call, msg, version_header)
                log_level = session.log_level if session is not None else None
                capabilities = session.capabilities if session is not None else frozenset()
            progress = meta.get("progressToken")
            relay = session is not None and bool(session.capabilities & RELAYED)
            if call.sse_ok and (progress is not None or log_level is not None or relay):
                stream = SseAnswer(send_, extra, session if relay else None)
            info = RequestInfo(
                version=version,
                modern=is_modern,
                request_id=next_request_id(),
                jsonrpc_id=msg.id,
                headers=headers,
                query=_query(call.scope),
                principal=principal,
                progress_token=progress,
                log_level=log_level,
                client_capabilities=capabilities,
                session=session,
                notify=stream.notify if stream is not None else None,
                ask=stream.ask if stream is not None and relay else None,
            )
            status, payload = 200, await endpoint.server.handle(msg, info)
            if info.response_headers:
                returned = info.response_headers.items()
                extra = [*extra, *((k.encode("latin-1"), v.encode("latin-1")) for k, v in returned)]
        except JsonRpcError as error:
            status = http_status(error, is_modern)
            payload = _json_error(msg.id if msg is not None else None, error)
        if stream is not None and stream.started:
            await stream.finish(payload)
        elif call.use_sse:
            await send(send_, status, frame(payload), [*SSE_HEADERS, *extra])
        else:
            await send(send_, status, payload, [JSON_TYPE, *extra])

    def _legacy(self, call: _Call, msg: Message, version_header: str | None) -> tuple[str, Headers, Session | None]:
        """The handshake wire's checks for any message (notifications too): version header, then session."""
        endpoint, headers, gateway_id = call.endpoint, call.headers, call.gateway_id
        supported = endpoint.supported_versions
        if version_header is not None and version_header not in supported and version_header != "2024-11-05":
            raise JsonRpcError(INVALID_REQUEST, f"Unsupported protocol version: {version_header}", http_status=400)
        timeout = endpoint.session_timeout
        owner = getattr(call.principal, "key", "")
        if msg.method == "initialize" and msg.has_id:
            version = negotiate(msg.params.get("protocolVersion"), supported)
            if timeout is None:
                return version, [], None
            declared = msg.params.get("capabilities")
            capabilities = frozenset(declared) if isinstance(declared, dict) else frozenset()
            session_id, session = self.sessions.create(gateway_id, owner, timeout, capabilities)
            return version, [(SESSION_HEADER.encode(), session_id.encode())], session
        found: Session | None = None
        if timeout is not None:
            presented = headers.get(SESSION_HEADER)
            if presented is None:
                raise _missing_session()
            found = self.sessions.get(presented, gateway_id, owner)
            if found is None:
                raise _unknown_session()
        return version_header or DEFAULT_VERSION, [], found
