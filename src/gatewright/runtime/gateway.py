"""One live gateway: its configuration, inbound authorizer and catalog, and the tools/call pipeline.

This is the MCP layer's backend (``mcp.server.Backend`` and ``Features``): the protocol code asks it to list
and call tools, prompts and resources and never sees targets, stores or the control plane. Prompts,
resources, completions and DYNAMIC listing are ``runtime/features.py``.

The call pipeline: look the tool up, validate the arguments against its inputSchema, call the target,
and turn any failure into an ``isError`` result. Failure details (upstream bodies, exception text) are
shown only when the gateway's ``exceptionLevel`` is DEBUG, both in the text and in ``_meta.debug``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from gatewright import __version__
from gatewright.auth.inbound.principal import ANONYMOUS
from gatewright.catalog.catalog import Catalog, InvalidCursor
from gatewright.catalog.search.tool import SEARCH_TOOL
from gatewright.catalog.validation import ArgumentError
from gatewright.mcp.jsonrpc import INVALID_PARAMS, JsonRpcError
from gatewright.mcp.server import McpServer, Page, RequestInfo
from gatewright.mcp.versions import SUPPORTED_VERSIONS
from gatewright.runtime.features import GatewayFeatures
from gatewright.runtime.forwarding import NOTHING, Forwarding
from gatewright.targets.base import CallContext, TargetError, ToolResult
from gatewright.targets.features import RemoteError

log = logging.getLogger("gatewright.calls")
JSON = dict[str, Any]
GENERIC_ERROR = "An internal error occurred. Please retry later."


@dataclass(frozen=True)
class GatewayConfig:
    gateway_id: str
    name: str
    debug: bool
    supported_versions: tuple[str, ...]
    instructions: str | None
    paginate: bool
    session_timeout: int | None
    authorizer_type: str
    # gatewright extension (PUT /gatewright/gateways/{id}/options): names unprefixed when there is one target.
    unprefixed: bool = False

    @classmethod
    def from_doc(cls, gateway_id: str, doc: JSON) -> GatewayConfig:
        mcp = (doc.get("protocolConfiguration") or {}).get("mcp") or {}
        sessions = mcp.get("sessionConfiguration")
        return cls(
            gateway_id=gateway_id,
            name=doc["name"],
            debug=doc.get("exceptionLevel") == "DEBUG",
            supported_versions=tuple(mcp.get("supportedVersions") or SUPPORTED_VERSIONS),
            instructions=mcp.get("instructions"),
            paginate=not mcp.get("disableMcpListToolsPagination", False),
            session_timeout=(sessions or {}).get("sessionTimeoutInSeconds", 3600) if sessions is not None else None,
            authorizer_type=doc.get("authorizerType", "NONE"),
            unprefixed=bool((doc.get("gatewrightOptions") or {}).get("unprefixedNames")),
        )


def _failure(message: str, detail: str | None, debug: bool) -> ToolResult:
    if not debug:
        return ToolResult.text(message, is_error=True)
    text = f"{message} {detail}" if detail else message
    result = ToolResult.text(text, is_error=True)
    result.meta = {"debug": {"type": "text", "text": text}}
    return result


def _asking(ask: Callable[[str, JSON], Awaitable[JSON]]) -> Callable[[str, JSON], Awaitable[JSON]]:
    """The caller's ``ask`` for targets: its JSON-RPC error answer becomes a RemoteError (targets know no mcp/)."""

    async def asking(method: str, params: JSON) -> JSON:
        try:
            return await ask(method, params)
        except JsonRpcError as exc:
            raise RemoteError(exc.code, exc.message, exc.data) from None

    return asking


class GatewayRuntime:
    server_name = "gatewright"
    server_version = __version__

    def __init__(
        self,
        config: GatewayConfig,
        catalog: Catalog,
        authorizer: Any = None,
        forwarding: dict[str, Forwarding] | None = None,
        features: GatewayFeatures | None = None,
    ) -> None:
        self.config = config
        self.catalog = catalog
        self.authorizer = authorizer
        self.forwarding = forwarding or {}
        self.features = features or GatewayFeatures([], [], prefix=True, page_size=None)
        self.server = McpServer(self)

    async def authenticate(self, scope: Any, headers: dict[str, str], body: bytes) -> Any:
        if self.authorizer is None:
            return ANONYMOUS
        return await self.authorizer.authenticate(scope, headers, body)

    @property
    def supported_versions(self) -> tuple[str, ...]:
        return self.config.supported_versions

    @property
    def instructions(self) -> str | None:
        return self.config.instructions

    @property
    def session_timeout(self) -> int | None:
        return self.config.session_timeout

    def list_tools(self, cursor: Any, info: RequestInfo) -> Page | Awaitable[Page]:
        if self.features.dynamic:
            return self._list_live(cursor)
        try:
            return self.catalog.page(cursor)
        except InvalidCursor as exc:
            raise JsonRpcError(INVALID_PARAMS, str(exc)) from None

    async def _list_live(self, cursor: Any) -> Page:
        try:
            return await self.features.tools_page(cursor)
        except InvalidCursor as exc:
            raise JsonRpcError(INVALID_PARAMS, str(exc)) from None

    def _context(self, target_id: str, name: str, info: RequestInfo) -> CallContext:
        forwarding = self.forwarding.get(target_id, NOTHING)
        return CallContext(
            gateway_id=self.config.gateway_id,
            target_id=target_id,
            tool_name=name,
            request_id=info.request_id,
            jsonrpc_id=info.jsonrpc_id,
            debug=self.config.debug,
            headers=forwarding.headers(info.headers),
            query=forwarding.query(info.query),
            caller_token=getattr(info.principal, "token", None) if forwarding.passthrough else None,
            progress_token=info.progress_token,
            log_level=info.log_level,
            notify=info.notify,
            ask=_asking(info.ask) if info.ask is not None else None,
            client_capabilities=info.client_capabilities,
        )

    # -- prompts, resources, completions (runtime/features.py) ------------------------------------
    async def list_prompts(self, cursor: Any, info: RequestInfo) -> JSON:
        return await self.features.list_prompts()

    async def get_prompt(self, name: str, arguments: JSON, info: RequestInfo) -> JSON:
        return await self.features.get_prompt(name, arguments, lambda target, n: self._context(target, n, info))

    async def list_resources(self, cursor: Any, info: RequestInfo) -> JSON:
        return await self.features.list_resources()

    async def list_resource_templates(self, cursor: Any, info: RequestInfo) -> JSON:
        return await self.features.list_resource_templates()

    async def read_resource(self, uri: str, info: RequestInfo) -> JSON:
        return await self.features.read_resource(uri, lambda target, n: self._context(target, n, info))

    async def complete(self, params: JSON, info: RequestInfo) -> JSON:
        return await self.features.complete(params, lambda target, n: self._context(target, n, info))

    async def call_tool(self, name: str, arguments: JSON, info: RequestInfo) -> JSON:
        if name == SEARCH_TOOL and self.catalog.search is not None:
            # The built-in search of SEMANTIC gateways; a per-caller tool filter (policy) goes in allow=.
            return self.catalog.search.call(arguments, allow=None)
        entry = self.catalog.lookup(name)
        if entry is None and self.features.dynamic:
            entry = self.features.tool_entry(name)
        if entry is None:
            raise JsonRpcError(INVALID_PARAMS, f"Unknown tool: {name}")
        try:
            entry.validator(arguments)
        except ArgumentError as exc:
            return ToolResult.text(str(exc), is_error=True).to_mcp()
        forwarding = self.forwarding.get(entry.target_id, NOTHING)
        ctx = self._context(entry.target_id, name, info)
        try:
            result = await entry.target.call_tool(entry.tool.name, arguments, ctx)
        except RemoteError as exc:  # an MCP server's own JSON-RPC error, relayed
            raise JsonRpcError(exc.code, exc.message, data=exc.data) from None
        except TargetError as exc:
            result = _failure(exc.message or GENERIC_ERROR, exc.detail, self.config.debug)
        except Exception as exc:  # a bug in a target must not take the endpoint down
            log.exception("tool %s of gateway %s failed", name, self.config.gateway_id)
            result = _failure(GENERIC_ERROR, f"{type(exc).__name__}: {exc}", self.config.debug)
        returned = forwarding.returned(result.headers)
        if returned:
            info.response_headers.update(returned)
        return result.to_mcp()
