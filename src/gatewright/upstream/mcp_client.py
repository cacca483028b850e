"""A lean MCP client (streamable HTTP) over the pooled HTTP client: what MCP server targets speak upstream.

One :class:`McpClient` is one logical connection to one MCP server, shared by concurrent callers:

* It connects lazily, once, whoever asks first: ``server/discover`` at 2026-07-28 (the stateless wire); when
  the server does not speak it, ``initialize`` at the newest handshake version (the server may answer an
  older one), then ``notifications/initialized``. The ``Mcp-Session-Id`` the handshake returns is sent with
  every later request.
* A request refused on its session (404, or 400 naming the session: TypeScript SDK 1.x servers answer 400)
  means the server forgot it (expiry, restart): the client connects again and retries that request once.
* A transport failure forgets the connection, so the next request connects again: an upstream that
  restarts is used again without anyone noticing. A refused connection is :class:`Unreachable`, as when
  the handshake fails.
* Answers are JSON or an SSE stream. Notifications and server-to-client requests that arrive on a stream
  before the answer go to the request's ``on_message`` (a request's result is POSTed back; ``ping`` is
  answered here); a stream the server closes before answering (SSE polling) is resumed with ``GET`` and
  ``Last-Event-ID``.

It knows nothing of gateways or targets: credentials come in as an object with ``apply``/``refresh`` (the
shape of ``auth.outbound.base.OutboundAuth``), and failures leave as :class:`McpError` (a JSON-RPC error the
server answered) or :class:`~gatewright.upstream.http.UpstreamError` (no usable answer: :class:`Unreachable`
when nothing answers HTTP at all, :class:`BadAnswer` when what answered is not a working MCP server).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson

from gatewright.upstream.http import ConnectError, HttpClient, OutboundRequest, StreamedResponse, UpstreamError
from gatewright.upstream.sse import EventTooLarge, SseReader

JSON = dict[str, Any]
HANDSHAKE_VERSIONS = ("2025-11-25", "2025-06-18", "2025-03-26")
MODERN_VERSION = "2026-07-28"
VERSION_KEY = "io.modelcontextprotocol/protocolVersion"
CAPABILITIES_KEY = "io.modelcontextprotocol/clientCapabilities"
CLIENT_INFO_KEY = "io.modelcontextprotocol/clientInfo"
LOG_LEVEL_KEY = "io.modelcontextprotocol/logLevel"
SERVER_INFO_KEY = "io.modelcontextprotocol/serverInfo"
METHOD_NOT_FOUND = -32601
_NAMED = {"tools/call": "name", "prompts/get": "name", "resources/read": "uri"}
_MODERN_ONLY = ("resultType", "ttlMs", "cacheScope")
MAX_RESUMES = 5
_CLOSE_SECONDS = 2.0


class McpError(Exception):
    """A JSON-RPC error answered by the server."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data


class Unreachable(UpstreamError):
    """The handshake itself failed: nothing answers HTTP at the endpoint (refused, timeout, DNS)."""


class BadAnswer(UpstreamError):
    """The server answered, but not as an MCP server should (an HTTP error, not JSON-RPC, no result).

    ``status`` is the HTTP status when that was the problem (401 and 403: the credentials were refused).
    """

    def __init__(self, message: str, *, detail: str | None = None, status: int | None = None) -> None:
        super().__init__(message, detail=detail)
        self.status = status


class _Expired(Exception):
    """The server refused the session the request carried."""


class Credentials(Protocol):
    async def apply(self, request: OutboundRequest, caller_token: str | None) -> None: ...

    async def refresh(self, rejected: OutboundRequest) -> bool: ...


OnMessage = Callable[[JSON], Awaitable[JSON | None]]
CredentialSource = Callable[[], Awaitable[Credentials | None]]


@dataclass(frozen=True)
class ClientConfig:
    endpoint: str
    client_info: JSON
    capabilities: JSON = field(default_factory=dict)
    # Sent as logging/setLevel after the handshake (a session-wide setting), or per request on 2026-07-28.
    log_level: str | None = None
    # Whether to try the stateless 2026-07-28 wire before the handshake (else after it, if the handshake fails).
    modern: bool = True
    timeout: float | None = None


@dataclass(frozen=True)
class Connection:
    version: str
    session_id: str | None
    capabilities: JSON
    server_info: JSON
    instructions: str | None = None

    @property
    def modern(self) -> bool:
        return self.version == MODERN_VERSION


def _strip_modern(result: JSON) -> JSON:
    """A 2026-07-28 result in the handshake wire's shape (the gateway adds its own envelope fields)."""
    for key in _MODERN_ONLY:
        result.pop(key, None)
    meta = result.get("_meta")
    if isinstance(meta, dict):
        meta.pop(SERVER_INFO_KEY, None)
        if not meta:
            del result["_meta"]
    return result


def _refuses_session(status: int, body: bytes) -> bool:
    if status == 404:
        return True
    text = body[:2048].decode("utf-8", "replace").lower()
    return status == 400 and ("session" in text or "not initialized" in text)


class McpClient:
    def __init__(self, http: HttpClient, config: ClientConfig, credentials: CredentialSource | None = None) -> None:
        self._http = http
        self.config = config
        self._credentials = credentials
        self._conn: Connection | None = None
        self._lock = asyncio.Lock()
        self._ids = itertools.count(1)
        # None: not known yet; False: the server does not speak 2026-07-28 (skip the probe when reconnecting).
        self._speaks_modern: bool | None = None

    @property
    def connection(self) -> Connection | None:
        return self._conn

    # -- connection ---------------------------------------------------------------------------------
    async def connect(self) -> Connection:
        conn = self._conn
        if conn is not None:
            return conn
        async with self._lock:
            if self._conn is None:
                try:
                    self._conn = await self._handshake()
                except BadAnswer:
                    self._speaks_modern = None
                    raise
                except UpstreamError as exc:
                    self._speaks_modern = None
                    if isinstance(exc, Unreachable):
                        raise
                    raise Unreachable(exc.message, detail=exc.detail) from None
            return self._conn

    def _forget(self, conn: Connection, *, unreachable: bool = False) -> None:
        if self._conn is conn:
            self._conn = None
        if unreachable:
            self._speaks_modern = None

    async def aclose(self) -> None:
        """End the session (DELETE), best effort."""
        conn, self._conn = self._conn, None
        if conn is None or conn.session_id is None:
            return
        headers = self._headers(conn)
        with contextlib.suppress(UpstreamError, TimeoutError):
            async with asyncio.timeout(_CLOSE_SECONDS), self._open("DELETE", headers, None):
                pass

    async def _handshake(self) -> Connection:
        if self.config.modern and self._speaks_modern is not False:
            conn = await self._discover()
            if conn is not None:
                self._speaks_modern = True
                return conn
            self._speaks_modern = False
        try:
            return await self._initialize()
        except (BadAnswer, McpError):
            if self.config.modern:
                raise
            # Handshake preferred (to be sent requests), but a server that speaks only 2026-07-28 still serves calls.
            conn = await self._discover()
            if conn is None:
                raise
            return conn

    async def _discover(self) -> Connection | None:
        probe = Connection(MODERN_VERSION, None, {}, {})
        try:
            result = await self._call(probe, "server/discover", {}, None, None)
        except McpError:
            return None
        except BadAnswer:  # it answered, just not this wire
            return None
        versions = result.get("supportedVersions")
        if not isinstance(versions, list) or MODERN_VERSION not in versions:
            return None
        meta = result.get("_meta") if isinstance(result.get("_meta"), dict) else {}
        return Connection(
            MODERN_VERSION,
            None,
            result.get("capabilities") or {},
            (meta or {}).get(SERVER_INFO_KEY) or {},
            result.get("instructions"),
        )

    async def _initialize(self) -> Connection:
        params = {
            "protocolVersion": HANDSHAKE_VERSIONS[0],
            "capabilities": self.config.capabilities,
            "clientInfo": self.config.client_info,
        }
        blank = Connection(HANDSHAKE_VERSIONS[0], None, {}, {})
        session: list[str] = []
        result = await self._call(blank, "initialize", params, None, None, session_out=session)
        version = result.get("protocolVersion")
        if version not in HANDSHAKE_VERSIONS:
            raise BadAnswer(
                "The MCP server speaks no protocol version the gateway supports.", detail=f"it answered {version!r}"
            )
        conn = Connection(
            version,
            session[0] if session else None,
            result.get("capabilities") or {},
            result.get("serverInfo") or {},
            result.get("instructions"),
        )
        await self.notify("notifications/initialized", conn=conn)
        if self.config.log_level and "logging" in conn.capabilities:
            with contextlib.suppress(McpError):
                await self._call(conn, "logging/setLevel", {"level": self.config.log_level}, None, None)
        return conn

    # -- requests -----------------------------------------------------------------------------------
    async def request(
        self,
        method: str,
        params: JSON | None = None,
        *,
        on_message: OnMessage | None = None,
        headers: dict[str, str] | None = None,
    ) -> JSON:
        """The result of ``method``; raises McpError (an error answer) or UpstreamError (no usable answer)."""
        for attempt in (1, 2):
            conn = await self.connect()
            try:
                return await self._call(conn, method, params or {}, on_message, headers)
            except _Expired:
                self._forget(conn)
                if attempt == 2:
                    raise BadAnswer("The MCP server refused a new session right after creating it.") from None
            except BadAnswer:
                raise
            except ConnectError as exc:  # the server went away: what a failed handshake would say
                self._forget(conn, unreachable=True)
                raise Unreachable(exc.message, detail=exc.detail) from None
            except UpstreamError:
                self._forget(conn, unreachable=True)
                raise
        raise AssertionError("unreachable")

    async def notify(self, method: str, params: JSON | None = None, *, conn: Connection | None = None) -> None:
        conn = conn or await self.connect()
        body = orjson.dumps({"jsonrpc": "2.0", "method": method, "params": self._params(conn, params or {})})
        async with self._open("POST", self._headers(conn, method), body) as response:
            await response.read()
            if not 200 <= response.status < 300:
                raise BadAnswer(f"The MCP server refused {method}.", status=response.status)

    def _params(self, conn: Connection, params: JSON) -> JSON:
        if not conn.modern:
            return params
        meta = params.get("_meta") if isinstance(params.get("_meta"), dict) else {}
        envelope: JSON = {
            **(meta or {}),
            VERSION_KEY: MODERN_VERSION,
            CAPABILITIES_KEY: self.config.capabilities,
            CLIENT_INFO_KEY: self.config.client_info,
        }
        if self.config.log_level:
            envelope[LOG_LEVEL_KEY] = self.config.log_level
        return {**params, "_meta": envelope}

    def _headers(self, conn: Connection, method: str | None = None, params: JSON | None = None) -> dict[str, str]:
        headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
        if conn.session_id is not None:
            headers["Mcp-Session-Id"] = conn.session_id
        if method != "initialize":
            headers["MCP-Protocol-Version"] = conn.version
        if conn.modern and method is not None:
            headers["Mcp-Method"] = method
            name = (params or {}).get(_NAMED.get(method, ""))
            if isinstance(name, str):
                headers["Mcp-Name"] = _header_value(name)
        return headers

    async def _call(
        self,
        conn: Connection,
        method: str,
        params: JSON,
        on_message: OnMessage | None,
        extra: dict[str, str] | None,
        *,
        session_out: list[str] | None = None,
    ) -> JSON:
        msg_id = next(self._ids)
        body = orjson.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": self._params(conn, params)})
        headers = {**(extra or {}), **self._headers(conn, method, params)}
        async with self._open("POST", headers, body) as response:
            if session_out is not None and response.headers.get("Mcp-Session-Id"):
                session_out.append(response.headers["Mcp-Session-Id"])
            if response.content_type == "text/event-stream" and 200 <= response.status < 300:
                result = await self._stream(conn, response, msg_id, on_message)
            else:
                raw = await response.read()
                if (
                    conn.session_id is not None
                    and response.status in (400, 404)
                    and _refuses_session(response.status, raw)
                ):
                    raise _Expired
                result = _answer(raw, response.status, method)
        if not conn.modern:
            return result
        if result.get("resultType") == "input_required":  # MRTR (SEP-2322): not relayed
            raise BadAnswer(f"The MCP server asked for more input to {method}, which the gateway does not relay.")
        return _strip_modern(result)

    @contextlib.asynccontextmanager
    async def _open(self, method: str, headers: dict[str, str], body: bytes | None) -> AsyncIterator[StreamedResponse]:
        """One HTTP exchange with credentials applied; after a 401 they are refreshed and the request sent again."""
        auth = await self._credentials() if self._credentials is not None else None
        for attempt in (1, 2):
            request = OutboundRequest(method, self.config.endpoint, dict(headers), body)
            if auth is not None:
                await auth.apply(request, None)
            async with self._http.stream(request, seconds=self.config.timeout) as response:
                if response.status == 401 and attempt == 1 and auth is not None and await auth.refresh(request):
                    continue
                yield response
                return

    # -- streams ------------------------------------------------------------------------------------
    async def _stream(
        self, conn: Connection, response: StreamedResponse, msg_id: int, on_message: OnMessage | None
    ) -> JSON:
        """Read SSE events until the answer to ``msg_id``; resume with GET + Last-Event-ID if the stream ends."""
        reader = SseReader(max_bytes=self._http.max_response_bytes)
        found = await self._events(conn, reader, response, msg_id, on_message)
        resumes = 0
        while found is None:
            last_id = reader.last_id
            if last_id is None or resumes >= MAX_RESUMES:
                raise BadAnswer("The MCP server closed the stream before answering.")
            resumes += 1
            await asyncio.sleep(min(reader.retry or 0, 5000) / 1000)
            headers = {**self._headers(conn), "Accept": "text/event-stream", "Last-Event-ID": last_id}
            headers.pop("Content-Type")
            async with self._open("GET", headers, None) as resumed:
                if resumed.status != 200 or resumed.content_type != "text/event-stream":
                    raise BadAnswer(f"The MCP server refused to resume the stream (HTTP {resumed.status}).")
                found = await self._events(conn, reader, resumed, msg_id, on_message)
        return found

    async def _events(
        self,
        conn: Connection,
        reader: SseReader,
        response: StreamedResponse,
        msg_id: int,
        on_message: OnMessage | None,
    ) -> JSON | None:
        try:
            async for chunk in response.chunks():
                for event in reader.feed(chunk):
                    if not event.data or event.event != "message":
                        continue
                    try:
                        message = orjson.loads(event.data)
                    except orjson.JSONDecodeError:
                        raise BadAnswer("The MCP server sent an event that is not JSON.") from None
                    if not isinstance(message, dict):
                        continue
                    if "method" not in message and message.get("id") == msg_id:
                        return _result(message)
                    await self._incoming(conn, message, on_message)
        except EventTooLarge as exc:
            raise BadAnswer("The MCP server sent an event that is too large.", detail=str(exc)) from None
        return None

    async def _incoming(self, conn: Connection, message: JSON, on_message: OnMessage | None) -> None:
        method = message.get("method")
        if not isinstance(method, str):
            return
        if "id" not in message:
            if on_message is not None:
                await on_message(message)
            return
        reply: JSON = {"jsonrpc": "2.0", "id": message["id"]}
        try:
            result = {} if method == "ping" else (await on_message(message) if on_message is not None else None)
            if result is None:
                raise McpError(METHOD_NOT_FOUND, "Method not found", method)
            reply["result"] = result
        except McpError as exc:
            error: JSON = {"code": exc.code, "message": exc.message}
            if exc.data is not None:
                error["data"] = exc.data
            reply["error"] = error
        async with self._open("POST", self._headers(conn), orjson.dumps(reply)) as answered:
            await answered.read()


def _result(message: JSON) -> JSON:
    error = message.get("error")
    if isinstance(error, dict):
        raise McpError(int(error.get("code", -32603)), str(error.get("message", "")), error.get("data"))
    result = message.get("result")
    if not isinstance(result, dict):
        raise BadAnswer("The MCP server answered without a result object.")
    return result


def _answer(raw: bytes, status: int, method: str) -> JSON:
    try:
        message = orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError:
        message = None
    if isinstance(message, dict) and isinstance(message.get("error"), dict):
        return _result(message)
    if status in (401, 403):
        raise BadAnswer(f"The MCP server refused the gateway's credentials (HTTP {status}).", status=status)
    if not 200 <= status < 300:
        detail = raw[:2048].decode("utf-8", "replace") or None
        raise BadAnswer(f"The MCP server answered {method} with HTTP {status}.", detail=detail, status=status)
    if not isinstance(message, dict):
        raise BadAnswer(f"The MCP server answered {method} with something that is not JSON-RPC.")
    return _result(message)


def _header_value(value: str) -> str:
    """A name for ``Mcp-Name``: as is when plain printable ASCII, else ``=?base64?...?=`` (2026-07-28)."""
    if value.isascii() and value.isprintable() and value == value.strip():
        return value
    return "=?base64?" + base64.b64encode(value.encode()).decode() + "?="
