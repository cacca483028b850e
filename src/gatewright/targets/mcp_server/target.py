"""A live MCP server target: calls and requests through the pooled upstream sessions, notifications relayed.

During a call the upstream may send, on the call's own stream:

* ``notifications/progress`` for the progress token the gateway gave it (its own, so callers sharing a
  session never see each other's): relayed under the caller's token, when the caller asked for progress;
* ``notifications/message``: relayed when the caller set a log level (the upstream session it uses has
  that level);
* ``sampling/createMessage`` / ``elicitation/create``: asked of the caller (``CallContext.ask``) when it
  declared the capability and can answer, refused (-32601) otherwise. Anything else is refused too.

Failures: an upstream that cannot be reached marks this target unavailable (see ``pool.Availability``) and
the call fails with a TargetError (an ``isError`` result); a JSON-RPC error the upstream answers (to
``tools/call``, ``prompts/get``, ``resources/read``, ``completion/complete``) is relayed as it is
(RemoteError), except that an internal error (-32603) keeps its message for DEBUG gateways.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from gatewright.auth.outbound.base import AuthUnavailable
from gatewright.targets.base import Artifact, CallContext, TargetConfig, TargetEnv, TargetError, ToolResult, ToolSpec
from gatewright.targets.features import LISTS, RemoteError
from gatewright.targets.mcp_server.config import tool_specs
from gatewright.targets.mcp_server.pool import Availability, SessionPool
from gatewright.targets.mcp_server.sync import list_all
from gatewright.upstream.http import UpstreamError
from gatewright.upstream.mcp_client import McpClient, McpError, Unreachable

JSON = dict[str, Any]
INTERNAL_ERROR = -32603
METHOD_NOT_FOUND = -32601
# Server-to-client requests the gateway can relay to a caller, by the capability they need.
RELAYED = {"sampling/createMessage": "sampling", "elicitation/create": "elicitation"}
T = TypeVar("T")


class Relay:
    """What one call does with the messages the upstream sends before its answer."""

    def __init__(self, ctx: CallContext) -> None:
        self._ctx = ctx
        self.token = f"gatewright-{ctx.request_id}" if ctx.progress_token is not None else None

    @property
    def capabilities(self) -> frozenset[str]:
        if self._ctx.ask is None:
            return frozenset()
        return self._ctx.client_capabilities & frozenset(RELAYED.values())

    async def __call__(self, message: JSON) -> JSON | None:
        method = message.get("method")
        raw = message.get("params")
        params: JSON = raw if isinstance(raw, dict) else {}
        ctx = self._ctx
        if "id" in message:
            if not isinstance(method, str) or RELAYED.get(method) not in self.capabilities or ctx.ask is None:
                return None
            try:
                return await ctx.ask(method, params)
            except RemoteError as exc:  # the caller's error answer goes back upstream as it is
                raise McpError(exc.code, exc.message, exc.data) from None
        if ctx.notify is None:
            return None
        if method == "notifications/progress" and self.token is not None and params.get("progressToken") == self.token:
            await ctx.notify(method, {**params, "progressToken": ctx.progress_token})
        elif method == "notifications/message" and ctx.log_level is not None:
            await ctx.notify(method, params)
        return None


def _remote(exc: McpError, ctx: CallContext) -> RemoteError:
    """An upstream's JSON-RPC error, relayed as it is; an internal error's message only to DEBUG gateways."""
    if exc.code == INTERNAL_ERROR and not ctx.debug:
        return RemoteError(exc.code, "The MCP server failed to answer.")
    return RemoteError(exc.code, exc.message, exc.data)


class McpServerTarget:
    def __init__(self, config: TargetConfig, artifact: Artifact, env: TargetEnv, listing: frozenset[str]) -> None:
        self._config = config
        self._env = env
        self._tools = artifact.tools
        data = artifact.data
        self._lists: dict[str, list[JSON]] = {key: list(data.get(key) or []) for key in LISTS}
        self.static = bool(data.get("static"))
        self.dynamic = config.config.get("listingMode") == "DYNAMIC" and not self.static
        self.resource_priority = int(config.config.get("resourcePriority", 1000))
        self._pool = SessionPool(config, env, listing)
        self.availability = Availability()

    # -- lists --------------------------------------------------------------------------------------
    def list_tools(self) -> Sequence[ToolSpec]:
        return [] if self.dynamic else self._tools

    def prompts(self) -> Sequence[JSON]:
        return self._lists["prompts"]

    def resources(self) -> Sequence[JSON]:
        return self._lists["resources"]

    def resource_templates(self) -> Sequence[JSON]:
        return self._lists["resourceTemplates"]

    async def fetch_tools(self) -> list[ToolSpec]:
        limit = self._env.settings.max_tools_per_target
        tools = await self._list("tools/list", "tools")
        return tool_specs(tools[:limit], limit)[0]

    async def fetch(self, what: str) -> list[JSON]:
        return [] if self.static else await self._list(LISTS[what], what)

    async def _list(self, method: str, key: str) -> list[JSON]:
        """Every page of a list now; a server without the method lists nothing."""
        limit = self._env.settings.max_tools_per_target
        try:
            return await self._guarded(lambda client: list_all(client, method, key, limit))
        except McpError as exc:
            if exc.code == METHOD_NOT_FOUND:
                return []
            raise TargetError(f"The MCP server answered {method} with error {exc.code}.", detail=exc.message) from None

    # -- calls --------------------------------------------------------------------------------------
    async def call_tool(self, name: str, arguments: JSON, ctx: CallContext) -> ToolResult:
        relay = Relay(ctx)
        params: JSON = {"name": name, "arguments": arguments}
        if relay.token is not None:
            params["_meta"] = {"progressToken": relay.token}
        try:
            result = await self._send("tools/call", params, ctx, relay)
        except McpError as exc:
            raise _remote(exc, ctx) from None
        content = result.get("content")
        meta = result.get("_meta")
        return ToolResult(
            content=content if isinstance(content, list) else [],
            structured=result.get("structuredContent"),
            is_error=result.get("isError") is True,
            meta=meta if isinstance(meta, dict) and meta else None,
        )

    async def request(self, method: str, params: JSON, ctx: CallContext) -> JSON:
        try:
            return await self._send(method, params, ctx, Relay(ctx))
        except McpError as exc:
            raise _remote(exc, ctx) from None

    async def _send(self, method: str, params: JSON, ctx: CallContext, relay: Relay) -> JSON:
        client = self._pool.client(ctx.log_level, relay.capabilities)
        headers = dict(ctx.headers)

        async def send(client: McpClient) -> JSON:
            return await client.request(method, params, on_message=relay, headers=headers)

        return await self._guarded(send, client)

    async def _guarded(self, work: Callable[[McpClient], Awaitable[T]], client: McpClient | None = None) -> T:
        """Run ``work(client)``; transport and credential failures become TargetError (McpError passes)."""
        wait = self.availability.closed_for()
        if wait:
            raise TargetError(
                "The MCP server is unavailable.", detail=f"{self.availability.reason}; retry in {wait:.1f} s"
            )
        try:
            result = await work(client or self._pool.lister())
        except McpError:
            self.availability.succeeded()  # it answered
            raise
        except Unreachable as exc:
            self.availability.failed(exc.detail or exc.message)
            raise TargetError("The MCP server could not be reached.", detail=exc.detail) from None
        except UpstreamError as exc:
            raise TargetError(exc.message, detail=exc.detail) from None
        except AuthUnavailable as exc:
            raise TargetError(exc.message, detail=exc.detail) from None
        self.availability.succeeded()
        return result

    async def aclose(self) -> None:
        await self._pool.aclose()
