"""What AgentCore sends a Lambda function besides the event, and what a function's answer becomes.

The client context is ``{"custom": {...}}`` with the six ``bedrockAgentCore*`` keys (AGENTCORE_SPEC 4.3,
A.3); the tool name in it is the PREFIXED name the caller used (``LambdaTarget___get_order_tool``).

A payload becomes text content holding its compact JSON (``{"statusCode":200,"body":"..."}``, as AgentCore
serialises it), plus ``structuredContent`` when it is a JSON object. A payload that is not JSON is returned
as text unchanged. A function error is an ``isError`` result: the error type and message only for DEBUG
gateways.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from gatewright.targets.base import CallContext, TargetError, ToolResult

JSON = dict[str, Any]
MESSAGE_VERSION = "1.0"


@dataclass
class Invocation:
    """What an invocation returned: the payload (JSON text) or a Lambda-style error object."""

    payload: bytes | None = None
    error: JSON | None = None


def client_context(ctx: CallContext) -> JSON:
    return {
        "custom": {
            "bedrockAgentCoreMessageVersion": MESSAGE_VERSION,
            "bedrockAgentCoreAwsRequestId": ctx.request_id,
            "bedrockAgentCoreMcpMessageId": "" if ctx.jsonrpc_id is None else str(ctx.jsonrpc_id),
            "bedrockAgentCoreGatewayId": ctx.gateway_id,
            "bedrockAgentCoreTargetId": ctx.target_id,
            "bedrockAgentCoreToolName": ctx.tool_name,
        }
    }


def to_tool_result(invocation: Invocation) -> ToolResult:
    if invocation.error is not None or invocation.payload is None:
        error = invocation.error or {}
        kind = error.get("errorType") or "Unhandled"
        message = error.get("errorMessage") or ""
        raise TargetError("The Lambda function returned an error.", detail=f"{kind}: {message}".rstrip(": "))
    payload = invocation.payload
    try:
        value = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return ToolResult.text(payload.decode("utf-8", "replace"))
    result = ToolResult.text(orjson.dumps(value).decode())
    if isinstance(value, dict):
        result.structured = value
    return result
