"""One call of an imported operation: the request from its binding, sent with the target's credentials, and the
answer as a tool result (with the upstream headers, for metadataConfiguration)."""

from __future__ import annotations

from typing import Any

from gatewright.targets.base import CallContext, TargetConfig, TargetEnv, ToolResult
from gatewright.targets.http_call import call_http
from gatewright.targets.http_result import to_tool_result
from gatewright.targets.rest.request import build_request
from gatewright.upstream.http import OutboundRequest

JSON = dict[str, Any]


async def call_operation(
    env: TargetEnv,
    target: TargetConfig,
    ctx: CallContext,
    *,
    binding: JSON,
    base_url: str,
    arguments: JSON,
    default_service: str | None = None,
) -> ToolResult:
    request = build_request(binding, base_url, arguments)
    outbound = OutboundRequest(request.method, request.url, request.headers, request.body)
    response = await call_http(env, target, outbound, ctx, default_service=default_service)
    result = to_tool_result(response, resource_uri=f"gatewright://{ctx.gateway_id}/{ctx.tool_name}")
    result.headers = response.headers
    return result
