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
from typing import Any, Protocol, runtime_checkable

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
Page = tuple[bytes, str | None]
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
    # The caller's log level: set with logging/setLevel on its session, or the 2026-07-28 request's logLevel.
    log_level: str | None = None
    # Names of the capabilities the caller declared (sampling, elicitation, roots, ...), when known.
    client_capabilities: frozenset[str] = frozenset()
    # The caller's session (handshake wire, gateways with sessions), where logging/setLevel keeps the level.
    session: Any = None
    # Set by the transport when the answer can be a stream: a notification to the caller before the answer.
    notify: Callable[[str, JSON], Awaitable[None]] | None = None
    # Set by the transport when the caller can answer requests (sessions and a stream): asks and waits.
    ask: Callable[[str, JSON], Awaitable[JSON]] | None = None


class Backend(Protocol):
    """A gateway as the protocol sees it."""

    server_name: str
    server_version: str

    @property
    def supported_versions(self) -> tuple[str, ...]: ...

    @property
    def instructions(self) -> str | None: ...

    def list_tools(self, cursor: Any, info: RequestInfo) -> Page | Awaitable[Page]:
        """A page of tools as a JSON array, and the next cursor; raise JsonRpcError for a bad cursor.

        A page in memory is returned as is (the hot path); one that needs upstreams (DYNAMIC listing) is awaited.
        """
        ...

    async def call_tool(self, name: str, arguments: JSON, info: RequestInfo) -> JSON:
        """A CallToolResult; raise JsonRpcError(-32602) for an unknown tool."""
        ...


@runtime_checkable
class Features(Protocol):
    """What a backend serves besides tools; a backend without it answers empty lists (a tools-only gateway).

    Each method returns the result object (``prompts``/``resources``/``resourceTemplates`` lists, a
    GetPromptResult, a ReadResourceResult, a CompleteResult) or raises JsonRpcError.
    """

    async def list_prompts(self, cursor: Any, info: RequestInfo) -> JSON: ...

    async def get_prompt(self, name: str, arguments: JSON, info: RequestInfo) -> JSON: ...

    async def list_resources(self, cursor: Any, info: RequestInfo) -> JSON: ...

    async def list_resource_templates(self, cursor: Any, info: RequestInfo) -> JSON: ...

    async def read_resource(self, uri: str, info: RequestInfo) -> JSON: ...

    async def complete(self, params: JSON, info: RequestInfo) -> JSON: ...


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


def _capabilities(modern: bool, completions: bool) -> JSON:
    """What the gateway declares.

    Handshake wire: ``tools.listChanged`` as AgentCore declares it, and ``logging`` (``logging/setLevel``).
    2026-07-28: list-changed notifications travel only on a ``subscriptions/listen`` stream, which the
    gateway does not serve, so nothing is declared as changing; there is no ``logging/setLevel`` either.
    ``completions`` when the backend serves more than tools (prompts and resource templates to complete).
    """
    capabilities: JSON = {
        "tools": {"listChanged": not modern},
        "prompts": {"listChanged": False},
        "resources": {"subscribe": False, "listChanged": False},
    }
    if completions:
        capabilities["completions"] = {}
    if not modern:
        capabilities["logging"] = {}
    return capabilities


class McpServer:
    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self._features = backend if isinstance(backend, Features) else None
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
            "capabilities": _capabilities(modern=False, completions=self._features is not None),
            "serverInfo": self._server_info,
        }
        if self._backend.instructions:
            result["instructions"] = self._backend.instructions
        return result

    async def discover(self, params: JSON, info: RequestInfo) -> JSON:
        versions = modern_supported(self._backend.supported_versions)
        result: JSON = {
            "supportedVersions": versions,
            "capabilities": _capabilities(modern=True, completions=self._features is not None),
        }
        if self._backend.instructions:
            result["instructions"] = self._backend.instructions
        return result

    async def empty(self, params: JSON, info: RequestInfo) -> JSON:
        return {}

    async def set_level(self, params: JSON, info: RequestInfo) -> JSON:
        """Kept on the caller's session: upstream notifications/message are relayed at that level from now on."""
        level = params.get("level")
        if level not in LOG_LEVELS:
            raise JsonRpcError(INVALID_PARAMS, f"level must be one of {', '.join(LOG_LEVELS)}")
        if info.session is not None:
            info.session.log_level = level
        return {}

    async def list_tools(self, params: JSON, info: RequestInfo) -> Raw:
        page = self._backend.list_tools(params.get("cursor"), info)
        tools, cursor = page if isinstance(page, tuple) else await page
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
        if self._features is None:
            return {"prompts": []}
        return await self._features.list_prompts(params.get("cursor"), info)

    async def list_resources(self, params: JSON, info: RequestInfo) -> JSON:
        if self._features is None:
            return {"resources": []}
        return await self._features.list_resources(params.get("cursor"), info)

    async def list_templates(self, params: JSON, info: RequestInfo) -> JSON:
        if self._features is None:
            return {"resourceTemplates": []}
        return await self._features.list_resource_templates(params.get("cursor"), info)

    async def read_resource(self, params: JSON, info: RequestInfo) -> JSON:
        uri = params.get("uri")
        if not isinstance(uri, str) or not uri:
            raise JsonRpcError(INVALID_PARAMS, "Invalid params: uri must be a non-empty string")
        if self._features is None:
            raise JsonRpcError(INVALID_PARAMS, f"Unknown resource: {uri}", data={"uri": uri})
        return await self._features.read_resource(uri, info)

    async def get_prompt(self, params: JSON, info: RequestInfo) -> JSON:
        name = params.get("name")
        if not isinstance(name, str) or not name:
            raise JsonRpcError(INVALID_PARAMS, "Invalid params: name must be a non-empty string")
        arguments = params.get("arguments") or {}
        if not isinstance(arguments, dict):
            raise JsonRpcError(INVALID_PARAMS, "Invalid params: arguments must be an object")
        if self._features is None:
            raise JsonRpcError(INVALID_PARAMS, f"Unknown prompt: {name}")
        return await self._features.get_prompt(name, arguments, info)

    async def complete(self, params: JSON, info: RequestInfo) -> JSON:
        ref, argument = params.get("ref"), params.get("argument")
        if not isinstance(ref, dict) or ref.get("type") not in ("ref/prompt", "ref/resource"):
            raise JsonRpcError(INVALID_PARAMS, "Invalid params: ref must be a ref/prompt or ref/resource object")
        if not isinstance(argument, dict) or not isinstance(argument.get("name"), str):
            raise JsonRpcError(INVALID_PARAMS, "Invalid params: argument must be an object with a name")
        if self._features is None:
            what = ref.get("name") if ref["type"] == "ref/prompt" else ref.get("uri")
            raise JsonRpcError(INVALID_PARAMS, f"Nothing to complete for {what}")
        return await self._features.complete(params, info)


Handler = Callable[[McpServer, JSON, RequestInfo], Awaitable[JSON | Raw]]
_COMMON: dict[str, Handler] = {
    "tools/list": McpServer.list_tools,
    "tools/call": McpServer.call_tool,
    "prompts/list": McpServer.list_prompts,
    "prompts/get": McpServer.get_prompt,
    "resources/list": McpServer.list_resources,
    "resources/templates/list": McpServer.list_templates,
    "resources/read": McpServer.read_resource,
    "completion/complete": McpServer.complete,
}
_LEGACY: dict[str, Handler] = {
    **_COMMON,
    "initialize": McpServer.initialize,
    "ping": McpServer.empty,
    "logging/setLevel": McpServer.set_level,
}
_MODERN: dict[str, Handler] = {**_COMMON, "server/discover": McpServer.discover}
