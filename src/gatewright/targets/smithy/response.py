"""A service response as a tool result.

Success: the body as text content, unchanged (as AgentCore returns REST-style results), and
``structuredContent`` when it is a JSON object. The protocols' bodies are JSON whatever the Content-Type
says; only a blob or string ``@httpPayload`` is returned by its media type (as an image, text or a blob).
In restJson1, output members bound to response headers or to the status code are added to the structured
content (Lambda's ``Invoke`` reports ``FunctionError`` in a header, for example).

Failure (any non-2xx status): an ``isError`` result that names the service's error code, read as the AWS
SDKs read it (``X-Amzn-ErrorType`` header, else the body's ``__type`` / ``code``, namespace and URL parts
removed). The service's own message is a detail, shown only to DEBUG gateways.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from gatewright.targets.base import TargetError, ToolResult
from gatewright.targets.http_result import to_tool_result
from gatewright.upstream.http import UpstreamResponse

JSON = dict[str, Any]


def _body_json(body: bytes) -> Any:
    try:
        return orjson.loads(body) if body else None
    except orjson.JSONDecodeError:
        return None


def error_code(headers: Mapping[str, str], parsed: Any) -> str | None:
    raw = headers.get("X-Amzn-ErrorType") or headers.get("x-amzn-errortype")
    if not raw and isinstance(parsed, dict):
        raw = parsed.get("__type") or parsed.get("code") or parsed.get("Code")
    if not isinstance(raw, str) or not raw:
        return None
    return raw.split(":", 1)[0].rsplit("#", 1)[-1].strip() or None


def service_error(service: str, response: UpstreamResponse) -> TargetError:
    parsed = _body_json(response.body)
    code = error_code(response.headers, parsed)
    message = None
    if isinstance(parsed, dict):
        message = parsed.get("message") or parsed.get("Message") or parsed.get("errorMessage")
    detail = message if isinstance(message, str) else response.body[:4096].decode("utf-8", "replace")
    named = f"{service} returned {code}" if code else f"{service} returned an error"
    return TargetError(f"{named} (HTTP {response.status}).", detail=f"{code or 'Error'}: {detail}" if detail else None)


def _typed(kind: str, text: str) -> Any:
    try:
        if kind == "i":
            return int(text)
        if kind == "f":
            return float(text)
    except ValueError:
        return text
    if kind == "b":
        return text.strip().lower() == "true"
    if kind.startswith("list:"):
        return [_typed(kind[5:], part.strip()) for part in text.split(",")]
    return text


def output_extras(out: JSON, response: UpstreamResponse) -> JSON:
    extras: JSON = {}
    for name, header, kind in out["headers"]:
        value = response.headers.get(header)
        if value is not None:
            extras[name] = _typed(kind, value)
    for name, prefix in out["prefix_headers"]:
        lowered = prefix.lower()
        found = {k[len(prefix) :]: v for k, v in response.headers.items() if k.lower().startswith(lowered)}
        if found:
            extras[name] = found
    if out["code"]:
        extras[out["code"]] = response.status
    return extras


def to_result(service: str, response: UpstreamResponse, out: JSON | None, resource_uri: str) -> ToolResult:
    if not 200 <= response.status < 300:
        raise service_error(service, response)
    if not out or out.get("payload") not in ("blob", "string", "enum"):  # a JSON body, whatever its Content-Type
        result = ToolResult.text(response.body.decode("utf-8", "replace"))
        parsed = _body_json(response.body)
        if isinstance(parsed, dict):
            result.structured = parsed
    else:
        result = to_tool_result(response, resource_uri=resource_uri)
    extras = output_extras(out, response) if out else {}
    if extras:
        result.structured = {**(result.structured or {}), **extras}
    return result
