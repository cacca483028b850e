"""MCP methods, for both wires: the handshake versions (2025-03-26 to 2025-11-25) and 2026-07-28.

This module knows the protocol and nothing else: what it serves comes from a :class:`Backend` (a gateway's
catalog), and how bytes arrive is the transport's business (``transport.py``). It does not know stores,
targets or the control plane.

Differences between the wires handled here:

* handshake wire: ``initialize``, ``ping`` and ``logging/setLevel`` exist; errors for a request ride in a
  200 response;
* 2026-07-28: ``server/discover`` instead of ``initialize``; every result carries ``resultType`` and
  ``_meta["io.modelcontextprotocol/serverInfo"]``; list and read results carry ``ttlMs``/``cacheScope``;
  removed methods are 404 -32601; errors map to HTTP statuses (400/404).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson

from gatewright.mcp.jsonrpc import INVALID_PARAMS, METHOD_NOT_FOUND, JsonRpcError, Message, encode_result
from gatewright.mcp.versions import modern_supported, negotiate

JSON = dict[str, Any]
SERVER_INFO_KEY = "io.modelcontextprotocol/serverInfo"
LOG_LEVELS = ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")
_CACHEABLE = {
    "tools/list",
    "prompts/list",
    "resources/list",
    "resources/templates/list",
    "resources/read",
    "server/discover",
}
_MODERN_STATUS = {-32700: 400, -32600: 400, -32602: 400, -32020: 400, -32021: 400, -32022: 400, -32601: 404}


@dataclass(frozen=True)
class RequestInfo:
    """What one request carries into the backend."""

    version: str
    modern: bool
    request_id: str
    jsonrpc_id: Any
    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    principal: Any = None
    progress_token: Any = None
    # Filled by the backend: upstream headers to return to the caller (metadataConfiguration).
    response_headers: dict[str, str] = field(default_factory=dict)


class Backend(Protocol):
    """A gateway as the protocol sees it."""

    server_name: str
    server_version: str

    @property
    def supported_versions(self) -> tuple[str, ...]: ...

    @property
    def instructions(self) -> str | None: ...

    def list_tools(self, cursor: Any, info: RequestInfo) -> tuple[bytes, str | None]:
        """A page of tools as a JSON array, and the next cursor; raise JsonRpcError for a bad cursor."""
        ...

    async def call_tool(self, name: str, arguments: JSON, info: RequestInfo) -> JSON:
        """A CallToolResult; raise JsonRpcError(-32602) for an unknown tool."""
        ...


@dataclass
class Raw:
    """A result with one member already serialised (the page of tools), and its other members."""

    key: str
    value: bytes
    fields: JSON

    def encode(self) -> bytes:
        head = b'{"' + self.key.encode() + b'":' + self.value
        if not self.fields:
            return head + b"}"
        return head + b"," + orjson.dumps(self.fields)[1:]


def http_status(error: JsonRpcError, modern: bool) -> int:
    if modern:
        return _MODERN_STATUS.get(error.code, 200)
    return error.http_status


def _capabilities(modern: bool) -> JSON:
    """What the gateway declares.

    Handshake wire: ``tools.listChanged`` as AgentCore declares it, and ``logging`` (``logging/setLevel``).
    2026-07-28: list-changed notifications travel only on a ``subscriptions/listen`` stream, which the
    gateway does not serve, so nothing is declared as changing; there is no ``logging/setLevel`` either.
    """
    capabilities: JSON = {
        "tools": {"listChanged": not modern},
        "prompts": {"listChanged": False},
        "resources": {"subscribe": False, "listChanged": False},
    }
    if not modern:
        capabilities["logging"] = {}
    return capabilities


class McpServer:
    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self._server_info = {"name": backend.server_name, "version": backend.server_version}

    async def handle(self, msg: Message, info: RequestInfo) -> bytes:
        """The encoded response to request ``msg`` (raises JsonRpcError)."""
        method = msg.method or ""
        handler: Handler | None = (_MODERN if info.modern else _LEGACY).get(method)
        if handler is None:
            raise JsonRpcError(METHOD_NOT_FOUND, "Method not found", data=method)
        result = await handler(self, msg.params, info)
        fields: JSON = result.fields if isinstance(result, Raw) else result
        if info.modern:
            fields["resultType"] = "complete"
            if method in _CACHEABLE:
                fields.setdefault("ttlMs", 0)
                fields.setdefault("cacheScope", "private")
            fields["_meta"] = {**(fields.get("_meta") or {}), SERVER_INFO_KEY: self._server_info}
        if isinstance(result, Raw):
            return encode_result(info.jsonrpc_id, result.encode())
        return encode_result(info.jsonrpc_id, orjson.dumps(result))

    # -- methods ----------------------------------------------------------------------------------
    async def initialize(self, params: JSON, info: RequestInfo) -> JSON:
        version = negotiate(params.get("protocolVersion"), self._backend.supported_versions)
        result: JSON = {
            "protocolVersion": version,
            "capabilities": _capabilities(modern=False),
            "serverInfo": self._server_info,
        }
        if self._backend.instructions:
            result["instructions"] = self._backend.instructions
        return result

    async def discover(self, params: JSON, info: RequestInfo) -> JSON:
        versions = modern_supported(self._backend.supported_versions)
        result: JSON = {"supportedVersions": versions, "capabilities": _capabilities(modern=True)}
        if self._backend.instructions:
            result["instructions"] = self._backend.instructions
        return result

    async def empty(self, params: JSON, info: RequestInfo) -> JSON:
        return {}

    async def set_level(self, params: JSON, info: RequestInfo) -> JSON:
        if params.get("level") not in LOG_LEVELS:
            raise JsonRpcError(INVALID_PARAMS, f"level must be one of {', '.join(LOG_LEVELS)}")
        return {}

    async def list_tools(self, params: JSON, info: RequestInfo) -> Raw:
        tools, cursor = self._backend.list_tools(params.get("cursor"), info)
        return Raw("tools", tools, {"nextCursor": cursor} if cursor is not None else {})

    async def call_tool(self, params: JSON, info: RequestInfo) -> JSON:
        name = params.get("name")
        if not isinstance(name, str) or not name:
            raise JsonRpcError(INVALID_PARAMS, "Invalid params: name must be a non-empty string")
        arguments = params.get("arguments")
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, dict):
            raise JsonRpcError(INVALID_PARAMS, "Invalid params: arguments must be an object")
        return await self._backend.call_tool(name, arguments, info)

    async def list_prompts(self, params: JSON, info: RequestInfo) -> JSON:
        return {"prompts": []}

    async def list_resources(self, params: JSON, info: RequestInfo) -> JSON:
        return {"resources": []}

    async def list_templates(self, params: JSON, info: RequestInfo) -> JSON:
        return {"resourceTemplates": []}

    async def read_resource(self, params: JSON, info: RequestInfo) -> JSON:
        uri = params.get("uri")
        raise JsonRpcError(INVALID_PARAMS, f"Unknown resource: {uri}", data={"uri": uri})

    async def get_prompt(self, params: JSON, info: RequestInfo) -> JSON:
        raise JsonRpcError(INVALID_PARAMS, f"Unknown prompt: {params.get('name')}")


Handler = Callable[[McpServer, JSON, RequestInfo], Awaitable[JSON | Raw]]
_COMMON: dict[str, Handler] = {
    "tools/list": McpServer.list_tools,
    "tools/call": McpServer.call_tool,
    "prompts/list": McpServer.list_prompts,
    "prompts/get": McpServer.get_prompt,
    "resources/list": McpServer.list_resources,
    "resources/templates/list": McpServer.list_templates,
    "resources/read": McpServer.read_resource,
}
_LEGACY: dict[str, Handler] = {
    **_COMMON,
    "initialize": McpServer.initialize,
    "ping": McpServer.empty,
    "logging/setLevel": McpServer.set_level,
}
_MODERN: dict[str, Handler] = {**_COMMON, "server/discover": McpServer.discover}
