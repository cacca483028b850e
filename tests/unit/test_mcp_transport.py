"""The streamable HTTP transport, driven through ASGI: sessions (DELETE, notifications) and the 2026 wire's
non-request bodies.

The gateway behind the transport is a minimal backend written against ``mcp.server.Backend`` (the seam
the protocol layer defines), so these tests exercise only ``gatewright.mcp``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest

from gatewright.mcp.server import JSON, McpServer, RequestInfo
from gatewright.mcp.transport import McpTransport
from gatewright.mcp.versions import SUPPORTED_VERSIONS
from gatewright.web.hosts import LOOPBACK, HostPolicy

MODERN = "2026-07-28"
META = {"io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {}}


@dataclass(frozen=True)
class Caller:
    key: str


class Gateway:
    """A backend and endpoint with no tools; the caller is named by the ``x-caller`` header."""

    server_name = "test"
    server_version = "1"

    def __init__(self, session_timeout: int | None = None, versions: tuple[str, ...] = SUPPORTED_VERSIONS) -> None:
        self.session_timeout = session_timeout
        self.supported_versions = versions
        self.instructions = None
        self.server = McpServer(self)

    async def authenticate(self, scope: Any, headers: dict[str, str], body: bytes) -> Caller:
        return Caller(headers.get("x-caller", "anonymous"))

    def list_tools(self, cursor: Any, info: RequestInfo) -> tuple[bytes, str | None]:
        return b"[]", None

    async def call_tool(self, name: str, arguments: JSON, info: RequestInfo) -> JSON:
        return {"content": [{"type": "text", "text": name}]}


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        return orjson.loads(self.body)


class Client:
    def __init__(self, gateways: dict[str, Gateway]) -> None:
        self.transport = McpTransport(gateways.get, HostPolicy(LOOPBACK, frozenset()), 1 << 20)

    async def request(
        self, gateway_id: str, method: str = "POST", body: Any = None, headers: dict[str, str] | None = None
    ) -> Answer:
        raw = b"" if body is None else orjson.dumps(body)
        hdrs = {"host": "127.0.0.1:8080", "content-type": "application/json", **(headers or {})}
        scope = {
            "type": "http",
            "method": method,
            "path": f"/gw/{gateway_id}/mcp",
            "headers": [(k.encode(), v.encode()) for k, v in hdrs.items()],
        }
        inbox = [{"type": "http.request", "body": raw, "more_body": False}]
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return inbox.pop(0) if inbox else {"type": "http.disconnect"}

        async def send(message: Any) -> None:
            sent.append(message)

        await self.transport(scope, receive, send, gateway_id)
        start = sent[0]
        headers_out = {k.decode(): v.decode() for k, v in start["headers"]}
        return Answer(start["status"], headers_out, b"".join(m.get("body", b"") for m in sent[1:]))

    async def initialize(self, gateway_id: str, caller: str = "alice") -> str:
        params = {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}
        answer = await self.request(
            gateway_id,
            body={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params},
            headers={"x-caller": caller},
        )
        assert answer.status == 200
        return answer.headers["mcp-session-id"]


def _modern_headers(method: str, version: str = MODERN) -> dict[str, str]:
    return {"mcp-protocol-version": version, "mcp-method": method}


@pytest.fixture
def client() -> Client:
    return Client({"a": Gateway(session_timeout=900), "b": Gateway(session_timeout=900), "plain": Gateway()})


async def test_delete_ends_the_callers_own_session(client: Client) -> None:
    session = await client.initialize("a")
    gone = await client.request("a", "DELETE", headers={"mcp-session-id": session, "x-caller": "alice"})
    assert gone.status == 200
    listed = await client.request(
        "a",
        body={"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        headers={"mcp-session-id": session, "x-caller": "alice"},
    )
    assert listed.status == 404


async def test_delete_of_another_callers_or_gateways_session_is_404(client: Client) -> None:
    session = await client.initialize("a")
    other_caller = await client.request("a", "DELETE", headers={"mcp-session-id": session, "x-caller": "mallory"})
    other_gateway = await client.request("b", "DELETE", headers={"mcp-session-id": session, "x-caller": "alice"})
    assert (other_caller.status, other_gateway.status) == (404, 404)
    assert other_caller.json()["error"]["code"] == -32600
    still = await client.request(
        "a",
        body={"jsonrpc": "2.0", "id": 2, "method": "ping"},
        headers={"mcp-session-id": session, "x-caller": "alice"},
    )
    assert still.status == 200


async def test_delete_without_a_session_id_is_400_and_without_sessions_405(client: Client) -> None:
    assert (await client.request("a", "DELETE")).status == 400
    plain = await client.request("plain", "DELETE")
    assert (plain.status, plain.headers["allow"]) == (405, "POST")
    modern = await client.request("a", "DELETE", headers={"mcp-protocol-version": MODERN})
    assert (modern.status, modern.headers["allow"]) == (405, "POST")
    assert (await client.request("a", "GET")).headers["allow"] == "POST, DELETE"


async def test_notifications_need_the_session_like_requests(client: Client) -> None:
    note = {"jsonrpc": "2.0", "method": "notifications/initialized"}
    assert (await client.request("a", body=note)).status == 400
    assert (await client.request("a", body=note, headers={"mcp-session-id": "nope"})).status == 404
    session = await client.initialize("a")
    accepted = await client.request("a", body=note, headers={"mcp-session-id": session, "x-caller": "alice"})
    assert (accepted.status, accepted.body) == (202, b"")
    assert (await client.request("plain", body=note)).status == 202


async def test_modern_notification_is_acknowledged_only_at_a_supported_version(client: Client) -> None:
    note = {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"_meta": META}}
    assert (await client.request("plain", body=note, headers=_modern_headers("notifications/cancelled"))).status == 202
    refused = await client.request("plain", body=note, headers=_modern_headers("notifications/cancelled", "2099-01-01"))
    assert refused.status == 400
    assert refused.json()["error"]["code"] == -32022
    assert refused.json()["error"]["data"] == {"supported": [MODERN], "requested": "2099-01-01"}


async def test_modern_wire_refuses_a_response_body(client: Client) -> None:
    answer = await client.request("plain", body={"jsonrpc": "2.0", "id": 7, "result": {}}, headers=_modern_headers("x"))
    assert answer.status == 400
    assert answer.json()["error"]["code"] == -32600


async def test_unsupported_version_names_only_what_discover_lists(client: Client) -> None:
    meta = {**META, "io.modelcontextprotocol/protocolVersion": "v999.0.0"}
    body = {"jsonrpc": "2.0", "id": 3, "method": "server/discover", "params": {"_meta": meta}}
    refused = await client.request("plain", body=body, headers=_modern_headers("server/discover", "v999.0.0"))
    discover = {"jsonrpc": "2.0", "id": 4, "method": "server/discover", "params": {"_meta": META}}
    found = await client.request("plain", body=discover, headers=_modern_headers("server/discover"))
    assert refused.status == 400
    assert refused.json()["id"] == 3
    supported = refused.json()["error"]["data"]["supported"]
    assert supported == found.json()["result"]["supportedVersions"] == [MODERN]


async def test_a_gateway_without_the_modern_wire_points_clients_to_initialize() -> None:
    client = Client({"old": Gateway(versions=("2025-06-18", "2025-11-25"))})
    body = {"jsonrpc": "2.0", "id": 3, "method": "server/discover", "params": {"_meta": META}}
    refused = await client.request("old", body=body, headers=_modern_headers("server/discover"))
    assert refused.status == 400
    assert refused.json()["error"]["data"] == {"supported": ["2025-06-18", "2025-11-25"], "requested": MODERN}


async def test_capabilities_declared_per_wire(client: Client) -> None:
    discover = {"jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": {"_meta": META}}
    modern = (await client.request("plain", body=discover, headers=_modern_headers("server/discover"))).json()
    params = {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}
    legacy = (
        await client.request("plain", body={"jsonrpc": "2.0", "id": 2, "method": "initialize", "params": params})
    ).json()
    # 2026-07-28: list changes travel only on subscriptions/listen, which the gateway does not serve.
    assert modern["result"]["capabilities"] == {
        "tools": {"listChanged": False},
        "prompts": {"listChanged": False},
        "resources": {"subscribe": False, "listChanged": False},
    }
    assert legacy["result"]["capabilities"]["tools"] == {"listChanged": True}
    assert legacy["result"]["capabilities"]["logging"] == {}
