"""An upstream HTTP response as an MCP tool result (shared by the HTTP-based target kinds).

* 2xx: the body as text content, unchanged (as AgentCore returns it), plus ``structuredContent`` when the
  body is a JSON object; images and audio become image/audio content; other binary bodies become an
  embedded resource with a base64 blob.
* anything else: an ``isError`` result naming the status; the body only for DEBUG gateways.
"""

from __future__ import annotations

import base64

import orjson

from gatewright.targets.base import TargetError, ToolResult
from gatewright.upstream.http import UpstreamError, UpstreamResponse

_TEXTUAL = (
    "text/",
    "application/json",
    "application/xml",
    "application/javascript",
    "application/yaml",
    "application/x-www-form-urlencoded",
    "application/problem",
)


def _is_text(content_type: str) -> bool:
    return not content_type or content_type.startswith(_TEXTUAL) or content_type.endswith(("+json", "+xml"))


def to_tool_result(response: UpstreamResponse, *, resource_uri: str) -> ToolResult:
    if not 200 <= response.status < 300:
        detail = response.body[:4096].decode("utf-8", "replace")
        raise TargetError(f"The upstream returned HTTP {response.status}.", detail=detail or None)
    ctype = response.content_type
    body = response.body
    if _is_text(ctype):
        text = body.decode("utf-8", "replace")
        result = ToolResult.text(text)
        if ctype in ("application/json", "") or ctype.endswith("+json"):
            try:
                parsed = orjson.loads(body) if body else None
            except orjson.JSONDecodeError:
                parsed = None
            if isinstance(parsed, dict):
                result.structured = parsed
        return result
    data = base64.b64encode(body).decode()
    if ctype.startswith("image/"):
        return ToolResult([{"type": "image", "data": data, "mimeType": ctype}])
    if ctype.startswith("audio/"):
        return ToolResult([{"type": "audio", "data": data, "mimeType": ctype}])
    return ToolResult([{"type": "resource", "resource": {"uri": resource_uri, "mimeType": ctype, "blob": data}}])


def upstream_failure(error: UpstreamError) -> TargetError:
    return TargetError(error.message, detail=error.detail)
