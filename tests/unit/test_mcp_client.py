"""The upstream MCP client (``gatewright.upstream.mcp_client``) against a scripted MCP server on 127.0.0.1.

The server is a real aiohttp app in the test's event loop that plays the parts real servers play: a
handshake-only server with sessions that it forgets (404, or TypeScript SDK 1.x's 400), a 2026-07-28
server, SSE answers with notifications and server-to-client requests, a stream closed before its answer
(resumed with Last-Event-ID), bearer tokens that expire (401).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from gatewright.upstream.http import HttpClient, OutboundRequest
from gatewright.upstream.mcp_client import (
    MODERN_VERSION,
    BadAnswer,
    ClientConfig,
    Connection,
    McpClient,
    McpError,
    Unreachable,
)
from support.net import free_port

INFO = {"name": "test", "version": "1"}
BIG = 3_000_000


@dataclass
class Fake:
    """What the scripted server does and what it saw."""

    modern: bool = False
    forget_status: int = 404
    token: str = "t1"
    sessions: set[str] = field(default_factory=set)
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    replies: list[dict[str, Any]] = field(default_factory=list)
    initializes: int = 0
    deleted: list[str] = field(default_factory=list)
    slow_initialize: float = 0.0
    refuse_initialize: bool = False

    def new_session(self) -> str:
        self.initializes += 1
        session = f"s{self.initializes}"
        self.sessions.add(session)
        return session


def _json(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(body, status=status, headers=headers)


def _error(code: int, message: str, msg_id: Any = None) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}


def _events(*messages: tuple[str | None, dict[str, Any]]) -> bytes:
    out = b"retry: 10\n\n"
    for event_id, message in messages:
        out += (f"id: {event_id}\n" if event_id else "").encode() + b"data: " + json.dumps(message).encode() + b"\n\n"
    return out


async def _sse(request: web.Request, body: bytes) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    await response.write(body)
    await response.write_eof()
    return response


def app_for(fake: Fake) -> web.Application:
    async def delete(request: web.Request) -> web.StreamResponse:
        fake.deleted.append(request.headers.get("mcp-session-id", ""))
        return web.Response(status=200)

    async def resume(request: web.Request) -> web.StreamResponse:  # the GET that resumes "early"
        headers = {k.lower(): v for k, v in request.headers.items()}
        fake.seen.append(("GET", headers))
        resumed = {"jsonrpc": "2.0", "id": int(headers["last-event-id"].split("-")[0]), "result": {"resumed": True}}
        return await _sse(request, _events(("9-2", resumed)))

    async def post(request: web.Request) -> web.StreamResponse:
        headers = {k.lower(): v for k, v in request.headers.items()}
        if headers.get("authorization", "Bearer t1") != f"Bearer {fake.token}":
            return web.Response(status=401)
        body = await request.json()
        method = body.get("method")
        fake.seen.append((method or "reply", headers))
        if method is None:
            fake.replies.append(body)
            return web.Response(status=202)
        if method in ("server/discover", "initialize"):
            return await handshake(body, fake)
        if "id" not in body:
            return web.Response(status=202)
        if not fake.modern and headers.get("mcp-session-id") not in fake.sessions:
            return _json(_error(-32000, "Bad Request: No valid session ID provided"), fake.forget_status)
        return await answer(request, body, fake)

    app = web.Application()
    app.router.add_post("/mcp", post)
    app.router.add_get("/mcp", resume)
    app.router.add_delete("/mcp", delete)
    return app


async def handshake(body: dict[str, Any], fake: Fake) -> web.Response:
    if body["method"] == "server/discover":
        if not fake.modern:
            return _json(_error(-32000, "No valid session ID"), 400)
        result = {"supportedVersions": [MODERN_VERSION], "capabilities": {"tools": {}}, "resultType": "complete"}
        return _json({"jsonrpc": "2.0", "id": body["id"], "result": result})
    if fake.refuse_initialize:  # a 2026-07-28-only server
        return _json(_error(-32601, "Method not found", body["id"]), 404)
    await asyncio.sleep(fake.slow_initialize)
    result = {"protocolVersion": "2025-06-18", "capabilities": {"tools": {}}, "serverInfo": INFO}
    session = {"Mcp-Session-Id": fake.new_session()}
    return _json({"jsonrpc": "2.0", "id": body["id"], "result": result}, headers=session)


async def answer(request: web.Request, body: dict[str, Any], fake: Fake) -> web.StreamResponse:
    msg_id, params = body["id"], body.get("params") or {}
    name = params.get("name")
    if name == "stream":
        progress = {"jsonrpc": "2.0", "method": "notifications/progress", "params": {"progress": 1}}
        ping = {"jsonrpc": "2.0", "id": "srv-1", "method": "ping"}
        sample = {"jsonrpc": "2.0", "id": "srv-2", "method": "sampling/createMessage", "params": {"q": 1}}
        done = {"jsonrpc": "2.0", "id": msg_id, "result": {"content": [], "done": True}}
        return await _sse(request, _events((None, progress), (None, ping), (None, sample), (None, done)))
    if name == "early":
        note = {"jsonrpc": "2.0", "method": "notifications/message", "params": {"data": "before"}}
        return await _sse(request, _events((f"{msg_id}-1", note)))
    if name == "fail":
        return _json({"jsonrpc": "2.0", "id": msg_id, "error": {"code": -32602, "message": "nope", "data": {"x": 1}}})
    if name == "input":
        return _json({"jsonrpc": "2.0", "id": msg_id, "result": {"resultType": "input_required", "inputRequests": {}}})
    if name == "broken":
        return web.Response(status=500, text="stack trace")
    if name == "big":  # more than one read's worth (aiohttp hands out what has arrived, ~128 KiB)
        return _json({"jsonrpc": "2.0", "id": msg_id, "result": {"content": [{"type": "text", "text": "x" * BIG}]}})
    meta = {"io.modelcontextprotocol/serverInfo": INFO}
    result = {"params": params, "resultType": "complete", "ttlMs": 0, "_meta": meta}
    return _json({"jsonrpc": "2.0", "id": msg_id, "result": result})


@pytest.fixture
async def http() -> AsyncIterator[HttpClient]:
    client = HttpClient(timeout=10)
    yield client
    await client.aclose()


@pytest.fixture
async def fake() -> AsyncIterator[tuple[Fake, str]]:
    state = Fake()
    runner = web.AppRunner(app_for(state), access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield state, f"http://127.0.0.1:{port}/mcp"
    await runner.cleanup()


def _client(http: HttpClient, url: str, **config: Any) -> McpClient:
    return McpClient(http, ClientConfig(endpoint=url, client_info=INFO, **config))


async def test_falls_back_to_the_handshake_and_keeps_the_session(http: HttpClient, fake: tuple[Fake, str]) -> None:
    state, url = fake
    client = _client(http, url)
    result = await client.request("tools/call", {"name": "echo"})
    assert result["params"] == {"name": "echo"}
    assert isinstance(client.connection, Connection)
    assert (client.connection.version, client.connection.session_id) == ("2025-06-18", "s1")
    methods = [m for m, _ in state.seen]
    assert methods == ["server/discover", "initialize", "notifications/initialized", "tools/call"]
    call_headers = state.seen[-1][1]
    assert call_headers["mcp-session-id"] == "s1"
    assert call_headers["mcp-protocol-version"] == "2025-06-18"
    assert "mcp-protocol-version" not in state.seen[1][1]  # initialize carries no version header
    await client.aclose()
    assert state.deleted == ["s1"]


@pytest.mark.parametrize("forget_status", [404, 400])
async def test_a_forgotten_session_is_renewed_and_the_request_retried_once(
    http: HttpClient, fake: tuple[Fake, str], forget_status: int
) -> None:
    state, url = fake
    state.forget_status = forget_status
    client = _client(http, url, modern=False)
    await client.request("tools/call", {"name": "echo"})
    state.sessions.clear()  # the server restarted
    renewed = await client.request("tools/call", {"name": "echo", "arguments": {"n": 2}})
    assert renewed["params"]["arguments"] == {"n": 2}
    assert state.initializes == 2
    assert client.connection is not None
    assert client.connection.session_id == "s2"


async def test_concurrent_first_requests_share_one_handshake(http: HttpClient, fake: tuple[Fake, str]) -> None:
    state, url = fake
    state.slow_initialize = 0.2
    client = _client(http, url, modern=False)
    results = await asyncio.gather(*(client.request("tools/call", {"name": "echo", "n": i}) for i in range(5)))
    assert [r["params"]["n"] for r in results] == list(range(5))
    assert state.initializes == 1


async def test_modern_servers_are_spoken_to_statelessly(http: HttpClient, fake: tuple[Fake, str]) -> None:
    state, url = fake
    state.modern = True
    client = _client(http, url, capabilities={"sampling": {}}, log_level="info")
    result = await client.request("tools/call", {"name": "hé llo", "arguments": {}, "_meta": {"progressToken": 3}})
    assert "resultType" not in result
    assert "ttlMs" not in result
    assert "_meta" not in result  # the server info is the gateway's business
    meta = result["params"]["_meta"]
    assert meta["progressToken"] == 3
    assert meta["io.modelcontextprotocol/protocolVersion"] == MODERN_VERSION
    assert meta["io.modelcontextprotocol/clientCapabilities"] == {"sampling": {}}
    assert meta["io.modelcontextprotocol/logLevel"] == "info"
    headers = state.seen[-1][1]
    assert headers["mcp-method"] == "tools/call"
    assert headers["mcp-name"] == "=?base64?aMOpIGxsbw==?="
    assert "mcp-session-id" not in headers
    assert [m for m, _ in state.seen] == ["server/discover", "tools/call"]
    with pytest.raises(BadAnswer, match="more input"):
        await client.request("tools/call", {"name": "input"})


async def test_stream_messages_go_to_the_caller_and_server_requests_are_answered(
    http: HttpClient, fake: tuple[Fake, str]
) -> None:
    state, url = fake
    client = _client(http, url, modern=False)
    received: list[dict[str, Any]] = []

    async def on_message(message: dict[str, Any]) -> dict[str, Any] | None:
        received.append(message)
        return {"sampled": message["params"]} if message.get("method") == "sampling/createMessage" else None

    result = await client.request("tools/call", {"name": "stream"}, on_message=on_message)
    assert result == {"content": [], "done": True}
    assert [m["method"] for m in received] == ["notifications/progress", "sampling/createMessage"]
    assert state.replies == [
        {"jsonrpc": "2.0", "id": "srv-1", "result": {}},  # ping is answered by the client itself
        {"jsonrpc": "2.0", "id": "srv-2", "result": {"sampled": {"q": 1}}},
    ]
    await client.request("tools/call", {"name": "stream"})  # no on_message: server requests are refused
    assert state.replies[-1]["error"]["code"] == -32601


async def test_a_stream_closed_before_its_answer_is_resumed(http: HttpClient, fake: tuple[Fake, str]) -> None:
    state, url = fake
    client = _client(http, url, modern=False)
    notes: list[dict[str, Any]] = []

    async def on_message(message: dict[str, Any]) -> None:
        notes.append(message)

    assert await client.request("tools/call", {"name": "early"}, on_message=on_message) == {"resumed": True}
    assert notes[0]["params"] == {"data": "before"}
    resumed = state.seen[-1]
    assert resumed[0] == "GET"
    assert resumed[1]["last-event-id"].endswith("-1")
    assert resumed[1]["mcp-session-id"] == "s1"


async def test_errors(http: HttpClient, fake: tuple[Fake, str]) -> None:
    _, url = fake
    client = _client(http, url, modern=False)
    with pytest.raises(McpError) as error:
        await client.request("tools/call", {"name": "fail"})
    assert (error.value.code, error.value.message, error.value.data) == (-32602, "nope", {"x": 1})
    with pytest.raises(BadAnswer, match="HTTP 500") as bad:
        await client.request("tools/call", {"name": "broken"})
    assert bad.value.detail == "stack trace"
    unreachable = _client(http, f"http://127.0.0.1:{free_port()}/mcp")
    with pytest.raises(Unreachable):
        await unreachable.request("tools/list")


async def test_credentials_are_refreshed_once_after_a_401(http: HttpClient, fake: tuple[Fake, str]) -> None:
    state, url = fake

    class Rotating:
        def __init__(self) -> None:
            self.current = "t1"
            self.refreshed = 0

        async def apply(self, request: OutboundRequest, caller_token: str | None) -> None:
            request.headers["Authorization"] = f"Bearer {self.current}"

        async def refresh(self, rejected: OutboundRequest) -> bool:
            self.refreshed += 1
            self.current = state.token
            return True

    auth = Rotating()

    async def credentials() -> Rotating:
        return auth

    client = McpClient(http, ClientConfig(endpoint=url, client_info=INFO, modern=False), credentials)
    await client.request("tools/call", {"name": "echo"})
    state.token = "t2"  # the token expired upstream
    await client.request("tools/call", {"name": "echo"})
    assert auth.refreshed == 1
    assert state.seen[-1][1]["authorization"] == "Bearer t2"


async def test_a_large_answer_arrives_whole(http: HttpClient, fake: tuple[Fake, str]) -> None:
    _, url = fake
    result = await _client(http, url, modern=False).request("tools/call", {"name": "big"})
    assert len(result["content"][0]["text"]) == BIG


async def test_a_client_that_prefers_the_handshake_still_reaches_a_modern_only_server(
    http: HttpClient, fake: tuple[Fake, str]
) -> None:
    state, url = fake
    state.modern = True
    state.refuse_initialize = True
    client = _client(http, url, modern=False, capabilities={"sampling": {}})
    assert (await client.request("tools/call", {"name": "echo"}))["params"]["name"] == "echo"
    assert client.connection is not None
    assert client.connection.version == MODERN_VERSION
    assert [m for m, _ in state.seen] == ["initialize", "server/discover", "tools/call"]
