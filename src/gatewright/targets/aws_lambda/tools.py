"""A Lambda target's tools: ``toolSchema`` as a list of AgentCore ``ToolDefinition`` objects.

``inlinePayload`` is the list itself; an S3 document holds the same list as JSON (an object with a
``tools`` list is accepted too). Each definition has ``name``, ``description``, ``inputSchema`` (type
``object``) and optionally ``outputSchema``; the schemas are JSON Schema and are passed on as written.
Names are never changed, since the function receives the prefixed name and may dispatch on it: a name with
characters MCP does not allow, or a duplicate, fails the target; a name that makes ``<target>___<name>``
longer than 64 characters is kept with a note.
"""

from __future__ import annotations

from typing import Any

import orjson

from gatewright.targets.base import BuildError, ToolSpec
from gatewright.targets.names import MAX_MCP_NAME, MAX_NAME, VALID

JSON = dict[str, Any]


def _definitions(raw: bytes) -> list[Any]:
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BuildError([f"the tool schema is not valid JSON: {exc}"]) from None
    if isinstance(doc, dict) and isinstance(doc.get("tools"), list):
        doc = doc["tools"]
    if not isinstance(doc, list):
        raise BuildError(["the tool schema must be a JSON list of tool definitions"])
    return doc


def _schema(where: str, value: Any, problems: list[str]) -> JSON | None:
    if not isinstance(value, dict):
        problems.append(f"{where} must be a JSON Schema object")
        return None
    if value.get("type") != "object":
        problems.append(f"{where}.type must be 'object'")
        return None
    return value


def parse_tools(raw: bytes, *, target_name: str, max_tools: int) -> tuple[list[ToolSpec], list[str]]:
    problems: list[str] = []
    notes: list[str] = []
    tools: list[ToolSpec] = []
    seen: set[str] = set()
    for i, item in enumerate(_definitions(raw)):
        where = f"toolSchema[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where} must be an object")
            continue
        name = item.get("name")
        if not isinstance(name, str) or not VALID.match(name):
            problems.append(f"{where}.name must be 1-{MAX_MCP_NAME} letters, digits, '_', '-' or '.'")
            continue
        if name in seen:
            problems.append(f"{where}.name {name} is used by another tool")
            continue
        seen.add(name)
        description = item.get("description")
        if not isinstance(description, str):
            problems.append(f"{where}.description must be a string")
            continue
        input_schema = _schema(f"{where}.inputSchema", item.get("inputSchema"), problems)
        output_schema = None
        if item.get("outputSchema") is not None:
            output_schema = _schema(f"{where}.outputSchema", item["outputSchema"], problems)
        if input_schema is None:
            continue
        if len(tools) >= max_tools:
            notes.append(f"{name} skipped: over the limit of {max_tools} tools (GATEWRIGHT_MAX_TOOLS_PER_TARGET)")
            continue
        exposed = len(target_name) + 3 + len(name)
        if exposed > MAX_NAME:
            notes.append(f"{target_name}___{name} is {exposed} characters long; some MCP clients refuse over 64")
        tools.append(ToolSpec(name, description, input_schema, output_schema))
    if problems:
        raise BuildError(problems)
    if not tools:
        raise BuildError(["the tool schema defines no tools"])
    return tools, notes
