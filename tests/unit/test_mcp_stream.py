"""Answers that stream (``gatewright.mcp.stream``), driven through the transport's ASGI interface.

The backend is a minimal one written against ``mcp.server.Backend``: its ``tools/call`` sends what the
tool name says (progress, a log message, a request to the client) through ``RequestInfo.notify``/``ask``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from gatewright.mcp.server import JSON, McpServer, RequestInfo
from gatewright.mcp.transport import McpTransport
from gatewright.mcp.versions import SUPPORTED_VERSIONS
from gatewright.web.hosts import LOOPBACK, HostPolicy

BOTH = "application/json, text/event-stream"


class Caller:
    key = "alice"


class Gateway:
    server_name = "test"
    server_version = "1"
    supported_versions = SUPPORTED_VERSIONS
    instructions = None

    def __init__(self, session_timeout: int | None = 900) -> None:
        self.session_timeout = session_timeout
        self.server = McpServer(self)
        self.seen: list[RequestInfo] = []

    async def authenticate(self, scope: Any, headers: dict[str, str], body: bytes) -> Caller:
        return Caller()

    def list_tools(self, cursor: Any, info: RequestInfo) -> tuple[bytes, str | None]:
        return b"[]", None

    async def call_tool(self, name: str, arguments: JSON, info: RequestInfo) -> JSON:
        self.seen.append(info)
        if name == "progress" and info.notify is not None:
            await info.notify("notifications/progress", {"progressToken": info.progress_token, "progress": 1})
        if name == "log" and info.notify is not None and info.log_level is not None:
            await info.notify("notifications/message", {"level": "info", "data": info.log_level})
        if name == "ask" and info.ask is not None:
            answer = await info.ask("elicitation/create", {"message": "ok?"})
            return {"content": [{"type": "text", "text": str(answer)}]}
        return {"content": [{"type": "text", "text": name}]}


class Driver:
    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.transport = McpTransport({"g": gateway}.get, HostPolicy(LOOPBACK, frozenset()), 1 << 20)
        self.session: str | None = None

    async def post(self, body: Any, headers: dict[str, str] | None = None, sent: list[Any] | None = None) -> list[Any]:
        hdrs = {"host": "127.0.0.1:8080", "content-type": "application/json", "accept": BOTH, **(headers or {})}
        if self.session:
            hdrs["mcp-session-id"] = self.session
        scope = {
            "type": "http",
            "method": "POST",
            "path": "/gw/g/mcp",
            "headers": [(k.encode(), v.encode()) for k, v in hdrs.items()],
        }
        inbox = [{"type": "http.request", "body": orjson.dumps(body), "more_body": False}]
        out: list[Any] = [] if sent is None else sent

        async def receive() -> dict[str, Any]:
            if inbox:
                return inbox.pop(0)
            await asyncio.Event().wait()  # the client stays connected
            raise AssertionError("unreachable")

        async def send(message: Any) -> None:
            out.append(message)

        await self.transport(scope, receive, send, "g")
        return out

    async def initialize(self, capabilities: JSON) -> None:
        params = {"protocolVersion": "2025-11-25", "capabilities": capabilities, "clientInfo": {"name": "t"}}
        sent = await self.post({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": params})
        self.session = dict(sent[0]["headers"])[b"mcp-session-id"].decode()


def _events(sent: list[Any]) -> list[Any]:
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return [orjson.loads(line[6:]) for line in body.split(b"\n") if line.startswith(b"data: ")]


def _call(name: str, meta: JSON | None = None, id: int = 1) -> JSON:
    params: JSON = {"name": name, "arguments": {}}
    if meta is not None:
        params["_meta"] = meta
    return {"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params}


async def test_an_answer_streams_only_once_something_is_sent() -> None:
    driver = Driver(Gateway())
    await driver.initialize({})
    sent = await driver.post(_call("progress", {"progressToken": "tok"}))
    assert dict(sent[0]["headers"])[b"content-type"] == b"text/event-stream"
    assert [m.get("more_body") for m in sent[1:]] == [True, False]
    events = _events(sent)
    assert events[0]["method"] == "notifications/progress"
    assert events[0]["params"] == {"progressToken": "tok", "progress": 1}
    assert events[1]["result"]["content"][0]["text"] == "progress"
    # A token, but nothing sent during the call: one JSON answer, as without a token.
    quiet = await driver.post(_call("quiet", {"progressToken": "tok"}))
    assert dict(quiet[0]["headers"])[b"content-type"] == b"application/json"
    # No SSE in Accept: nothing can be streamed, so the backend gets no notify.
    await driver.post(_call("progress", {"progressToken": "tok"}), headers={"accept": "application/json"})
    assert driver.gateway.seen[-1].notify is None


async def test_a_log_level_is_kept_on_the_session() -> None:
    driver = Driver(Gateway())
    await driver.initialize({})
    await driver.post(_call("log"))
    assert driver.gateway.seen[-1].log_level is None
    await driver.post({"jsonrpc": "2.0", "id": 2, "method": "logging/setLevel", "params": {"level": "warning"}})
    events = _events(await driver.post(_call("log", id=3)))
    assert events[0]["params"] == {"level": "info", "data": "warning"}


async def test_requests_to_the_client_are_answered_by_a_post_on_the_session() -> None:
    driver = Driver(Gateway())
    await driver.initialize({"elicitation": {}})
    sent: list[Any] = []
    call = asyncio.ensure_future(driver.post(_call("ask"), sent=sent))
    async with asyncio.timeout(5):
        while not sent:
            await asyncio.sleep(0.01)
    request = _events(sent)[0]
    assert request["method"] == "elicitation/create"
    assert request["params"] == {"message": "ok?"}
    answered = await driver.post({"jsonrpc": "2.0", "id": request["id"], "result": {"action": "accept"}})
    assert answered[0]["status"] == 202
    async with asyncio.timeout(5):
        await call
    assert _events(sent)[-1]["result"]["content"][0]["text"] == "{'action': 'accept'}"


async def test_no_requests_to_callers_that_cannot_answer() -> None:
    stateless = Driver(Gateway(session_timeout=None))
    await stateless.post(_call("ask"))
    assert stateless.gateway.seen[-1].ask is None
    undeclared = Driver(Gateway())
    await undeclared.initialize({"roots": {}})
    await undeclared.post(_call("ask"))
    assert undeclared.gateway.seen[-1].ask is None
    assert undeclared.gateway.seen[-1].client_capabilities == frozenset({"roots"})
