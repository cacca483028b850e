"""An MCP server target's configuration: endpoint rules, the static tool list, tools as ``ToolSpec``.

* ``endpoint``: ``https://`` (AgentCore's rule), or ``http://`` on a loopback host (127.0.0.0/8, ``::1``,
  ``localhost``), for a server running beside the gateway.
* ``mcpToolSchema`` (inline or S3): a JSON array of MCP ``Tool`` objects, or an object with ``tools``; it
  replaces synchronisation (AgentCore), so the target lists exactly these tools and no prompts or
  resources; it cannot be combined with ``listingMode: DYNAMIC``.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlparse

import orjson
import yaml

from gatewright.errors import ValidationError
from gatewright.targets.base import BuildError, ToolSpec

JSON = dict[str, Any]
FIELD = "targetConfiguration.mcp.mcpServer"
# Tool members kept in ToolSpec's own fields; the rest is passed through in ToolSpec.extra.
_OWN = ("name", "description", "inputSchema", "outputSchema", "annotations", "title")


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_endpoint(endpoint: str) -> None:
    url = urlparse(endpoint)
    if url.scheme == "https" and url.hostname:
        return
    if url.scheme == "http" and url.hostname and is_loopback(url.hostname):
        return
    raise ValidationError.for_field(
        f"{FIELD}.endpoint",
        "endpoint must be an https:// URL (or http:// on a loopback host: 127.0.0.1, ::1, localhost)",
    )


def validate(config: JSON) -> None:
    check_endpoint(str(config.get("endpoint", "")))
    schema = config.get("mcpToolSchema")
    if schema is None:
        return
    if config.get("listingMode") == "DYNAMIC":
        raise ValidationError.for_field(
            f"{FIELD}.listingMode", "listingMode DYNAMIC cannot be combined with mcpToolSchema (a static tool list)"
        )
    payload = schema.get("inlinePayload")
    if "inlinePayload" in schema and (not isinstance(payload, str) or not payload.strip()):
        raise ValidationError.for_field(f"{FIELD}.mcpToolSchema.inlinePayload", "inlinePayload must not be empty")


def tool_spec(tool: Any) -> ToolSpec | str:
    """A ToolSpec for an MCP ``Tool`` object, or why it cannot be served."""
    if not isinstance(tool, dict) or not isinstance(tool.get("name"), str) or not tool["name"]:
        return "a tool without a name was skipped"
    name = tool["name"]
    schema = tool.get("inputSchema")
    if not isinstance(schema, dict):
        return f"tool {name} was skipped: its inputSchema is not an object"
    output = tool.get("outputSchema")
    extra = {k: v for k, v in tool.items() if k not in _OWN}
    return ToolSpec(
        name=name,
        description=tool["description"] if isinstance(tool.get("description"), str) else "",
        input_schema=schema,
        output_schema=output if isinstance(output, dict) else None,
        annotations=tool["annotations"] if isinstance(tool.get("annotations"), dict) else None,
        title=tool["title"] if isinstance(tool.get("title"), str) else None,
        extra=extra or None,
    )


def tool_specs(tools: list[Any], limit: int) -> tuple[list[ToolSpec], list[str]]:
    """The servable tools (names unique, at most ``limit``) and notes on what was skipped."""
    specs: list[ToolSpec] = []
    notes: list[str] = []
    seen: set[str] = set()
    for tool in tools:
        spec = tool_spec(tool)
        if isinstance(spec, str):
            notes.append(spec)
        elif spec.name in seen:
            notes.append(f"tool {spec.name} is listed twice; the first one is served")
        else:
            seen.add(spec.name)
            specs.append(spec)
    if len(specs) > limit:
        raise BuildError([f"the MCP server lists {len(specs)} tools; at most {limit} per target are served"])
    return specs, notes


def static_tools(raw: bytes) -> list[Any]:
    """The tools of an ``mcpToolSchema`` document (JSON or YAML)."""
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError:
        try:
            doc = yaml.safe_load(raw)
        except yaml.YAMLError:
            raise BuildError(["mcpToolSchema is neither valid JSON nor valid YAML"]) from None
    if isinstance(doc, dict) and isinstance(doc.get("tools"), list):
        doc = doc["tools"]
    if not isinstance(doc, list):
        raise BuildError(["mcpToolSchema must be a JSON array of MCP Tool objects (or an object with tools)"])
    return doc
