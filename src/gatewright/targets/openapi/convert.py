"""OpenAPI operations to tools: one inputSchema per operation, and the binding that maps arguments back
to the HTTP request.

The inputSchema is an object whose properties are the operation's parameters (path, query, header,
cookie) and, for a JSON object body, the body's top-level properties (as AgentCore flattens them). A
body that is not a plain object (an array, a primitive, a oneOf) is one ``body`` argument. When two
inputs share a name, the first in the order path, query, header, cookie, body keeps it and the later
one gets a suffix naming its location (``id_body``). Every argument keeps its exact wire name in the
binding (``$filter``, ``page[size]``), whatever name the schema shows.

Each operation is converted on its own: one that cannot become a tool is skipped with its reason in the
import report, and the others still import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gatewright.targets.base import ToolSpec
from gatewright.targets.openapi.naming import argument_name, tool_name, unique
from gatewright.targets.openapi.refs import RefError, deref
from gatewright.targets.openapi.schema import ToolSchemas
from gatewright.targets.openapi.servers import ServerError, server_url

JSON = dict[str, Any]
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_LOCATIONS = ("path", "query", "header", "cookie")
_DEFAULT_STYLE = {"path": "simple", "query": "form", "header": "simple", "cookie": "form"}
_READ_ONLY = {"GET", "HEAD", "OPTIONS"}


class SkipOperation(Exception):
    pass


@dataclass
class Converted:
    tool: ToolSpec
    binding: JSON
    notes: list[str] = field(default_factory=list)


def _json_media(content: JSON) -> str | None:
    for media in content:
        base = media.split(";", 1)[0].strip().lower()
        if base == "application/json" or base.endswith("+json"):
            return media
    return None


def _description(op: JSON, name: str) -> str:
    parts = [p.strip() for p in (op.get("summary"), op.get("description")) if isinstance(p, str) and p.strip()]
    if len(parts) == 2 and parts[1].startswith(parts[0]):
        parts = parts[1:]
    return "\n\n".join(parts) or name


def _annotations(method: str) -> JSON:
    if method in _READ_ONLY:
        return {"readOnlyHint": True}
    return {"readOnlyHint": False, "destructiveHint": method == "DELETE", "idempotentHint": method in ("PUT", "DELETE")}


class OperationConverter:
    def __init__(self, doc: JSON, *, openapi30: bool, target_name: str) -> None:
        self._doc = doc
        self._openapi30 = openapi30
        # Keep exposed names (target___tool) within 64 characters where the target name allows it.
        self._name_limit = max(16, 64 - len(target_name) - 3)

    def parameters(self, path_item: JSON, op: JSON) -> list[JSON]:
        merged: dict[tuple[str, str], JSON] = {}
        for raw in [*(path_item.get("parameters") or []), *(op.get("parameters") or [])]:
            param = deref(self._doc, raw)
            if not isinstance(param, dict) or "name" not in param or "in" not in param:
                raise SkipOperation("a parameter has no name or location")
            merged[(param["in"], param["name"])] = param
        return list(merged.values())

    def convert(self, method: str, path: str, path_item: JSON, op: JSON, server: str | None) -> Converted:
        try:
            return self._convert(method.upper(), path, path_item, op, server)
        except (RefError, ServerError) as exc:
            raise SkipOperation(str(exc)) from None

    def _convert(self, method: str, path: str, path_item: JSON, op: JSON, server: str | None) -> Converted:
        schemas = ToolSchemas(self._doc, openapi30=self._openapi30)
        params = self.parameters(path_item, op)
        body, media, body_schema, notes = self._request_body(op)
        for p in params:
            schemas.scan(p.get("schema", {}))
        if body_schema is not None:
            schemas.scan(body_schema)
        inputs = _Inputs()
        for location in _LOCATIONS:
            for p in (q for q in params if q["in"] == location):
                inputs.add_parameter(schemas, p, location)
        body_binding = None
        if media is not None and body_schema is not None:
            body_binding = inputs.add_body(
                schemas, deref(self._doc, body_schema), media, required=bool(body.get("required"))
            )
        name = tool_name(op.get("operationId"), method, path, self._name_limit)
        if op.get("operationId") and name != op["operationId"]:
            notes.append(f"renamed from operationId {op['operationId']!r}")
        elif not op.get("operationId"):
            notes.append("named from method and path (no operationId)")
        tool = ToolSpec(
            name=name,
            description=_description(op, name),
            input_schema=inputs.schema(schemas.defs),
            annotations=_annotations(method),
        )
        binding = {"method": method, "path": path, "server": server, "params": inputs.bindings, "body": body_binding}
        return Converted(tool, binding, notes)

    def _request_body(self, op: JSON) -> tuple[JSON, str | None, Any, list[str]]:
        """(request body, chosen media type, its schema, notes) for the JSON bodies handled today."""
        body = deref(self._doc, op.get("requestBody")) if op.get("requestBody") else None
        if not isinstance(body, dict):
            return {}, None, None, []
        content = body.get("content") or {}
        media = _json_media(content)
        if media is None and content:
            kinds = ", ".join(content)
            if body.get("required"):
                raise SkipOperation(f"request body media type {kinds} is not supported yet")
            return body, None, None, [f"optional request body ({kinds}) is not exposed"]
        if media is None:
            return body, None, None, []
        return body, media, (content[media] or {}).get("schema", {}), []


@dataclass
class _Inputs:
    """The tool's input properties as they are collected, with the names already taken."""

    properties: JSON = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)
    bindings: list[JSON] = field(default_factory=list)

    def _name(self, wire: str, location: str) -> str:
        prop = unique(argument_name(wire), self.taken, location)
        self.taken.add(prop)
        return prop

    def add_parameter(self, schemas: ToolSchemas, p: JSON, location: str) -> None:
        prop = self._name(p["name"], location)
        schema = schemas.convert(p.get("schema", {}))
        if isinstance(schema, dict) and p.get("description") and "description" not in schema:
            schema = {**schema, "description": p["description"]}
        self.properties[prop] = schema
        if p.get("required") or location == "path":
            self.required.append(prop)
        style = p.get("style", _DEFAULT_STYLE[location])
        self.bindings.append(
            {
                "prop": prop,
                "in": location,
                "name": p["name"],
                "style": style,
                "explode": p.get("explode", style == "form"),
            }
        )

    def add_body(self, schemas: ToolSchemas, schema: Any, media: str, *, required: bool) -> JSON:
        converted = schemas.convert(schema)
        if _flattenable(converted):
            wire_names: JSON = {}
            for wire, sub in converted["properties"].items():
                prop = self._name(wire, "body")
                self.properties[prop] = sub
                wire_names[prop] = wire
                if required and wire in (converted.get("required") or []):
                    self.required.append(prop)
            return {"mode": "flat", "media": media, "props": wire_names, "required": required}
        prop = unique("body", self.taken, "request")
        self.taken.add(prop)
        self.properties[prop] = converted
        if required:
            self.required.append(prop)
        return {"mode": "whole", "media": media, "prop": prop, "required": required}

    def schema(self, defs: JSON) -> JSON:
        out: JSON = {"type": "object", "properties": self.properties}
        if self.required:
            out["required"] = self.required
        if defs:
            out["$defs"] = defs
        return out


def _flattenable(schema: Any) -> bool:
    """A body whose top-level properties can become arguments: a plain object with named properties."""
    return (
        isinstance(schema, dict)
        and schema.get("type") in ("object", None)
        and isinstance(schema.get("properties"), dict)
        and bool(schema["properties"])
        and not any(k in schema for k in ("oneOf", "anyOf", "allOf", "$ref"))
        and schema.get("additionalProperties") in (None, False)
    )


def operations(doc: JSON) -> list[tuple[str, str, JSON, JSON]]:
    """Every (method, path, path item, operation) in document order."""
    out = []
    for path, item in (doc.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                out.append((method, path, item, op))
    return out


__all__ = ["Converted", "OperationConverter", "SkipOperation", "operations", "server_url"]
