"""OpenAPI operations to tools: one inputSchema per operation, and the binding that maps arguments back
to the HTTP request.

The inputSchema is an object whose properties are the operation's parameters (path, query, header,
cookie) and the request body (flattened into its top-level properties when it is a plain object, else one
``body`` argument; see ``bodies.py``). Argument names are made valid for clients (``naming.py``); when two
inputs share a name, the first in the order path, query, header, cookie, body keeps it and the later one
gets a suffix naming its location (``id_body``, then ``id_body2``...). Every argument keeps its exact wire
name in the binding (``$filter``, ``page[size]``, ``_links``), whatever name the schema shows.

Each operation is converted on its own: one that cannot become a tool raises :class:`SkipOperation` with
the reason, and the others still import. Anything kept in a lesser form is a *degraded* note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from gatewright.targets.base import ToolSpec
from gatewright.targets.rest.bodies import (
    FILE_SCHEMA,
    choose_media,
    encodings,
    flattenable,
    is_file,
    whole_schema,
)
from gatewright.targets.rest.closure import assemble
from gatewright.targets.rest.naming import argument_name, tool_name, unique
from gatewright.targets.rest.refs import RefError, resolve_pointer
from gatewright.targets.rest.schema import DEFS, DocSchemas

JSON = dict[str, Any]
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_LOCATIONS = ("path", "query", "header", "cookie")
_DEFAULT_STYLE = {"path": "simple", "query": "form", "header": "simple", "cookie": "form"}
_RESERVED_HEADERS = {"accept", "content-type", "authorization"}
_READ_ONLY = {"GET", "HEAD", "OPTIONS"}
_TEMPLATE = re.compile(r"\{([^{}]+)\}")
MAX_DESCRIPTION = 4096


class SkipOperation(Exception):
    pass


@dataclass
class Converted:
    tool: ToolSpec
    binding: JSON
    renamed: bool = False
    notes: list[str] = field(default_factory=list)  # how the operation was named
    degraded: list[str] = field(default_factory=list)  # what was kept in a lesser form


def _description(op: JSON, name: str) -> str:
    parts = [p.strip() for p in (op.get("summary"), op.get("description")) if isinstance(p, str) and p.strip()]
    if len(parts) == 2 and parts[1].startswith(parts[0]):
        parts = parts[1:]
    text = "\n\n".join(parts) or name
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 3] + "..."


def _annotations(method: str) -> JSON:
    if method in _READ_ONLY:
        return {"readOnlyHint": True}
    return {"readOnlyHint": False, "destructiveHint": method == "DELETE", "idempotentHint": method in ("PUT", "DELETE")}


@dataclass
class _Inputs:
    """The tool's input properties as they are collected, with the names already taken."""

    schemas: DocSchemas
    properties: JSON = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)
    refs: list[str] = field(default_factory=list)
    bindings: list[JSON] = field(default_factory=list)

    def name(self, wire: str, location: str) -> str:
        prop = unique(argument_name(wire), self.taken, location)
        self.taken.add(prop)
        return prop

    def add(self, prop: str, schema: Any, refs: list[str], *, required: bool) -> None:
        self.properties[prop] = schema
        self.refs.extend(refs)
        if required:
            self.required.append(prop)


class OperationConverter:
    def __init__(self, doc: JSON, schemas: DocSchemas, *, target_name: str, budget: int) -> None:
        self._doc = doc
        self._schemas = schemas
        self._budget = budget
        # Keep exposed names (target___tool) within 64 characters where the target name allows it.
        self._name_limit = max(16, 64 - len(target_name) - 3)

    def parameters(self, path_item: JSON, op: JSON, degraded: list[str]) -> list[JSON]:
        merged: dict[tuple[str, str], JSON] = {}
        raw = [*_list(path_item.get("parameters")), *_list(op.get("parameters"))]
        for item in raw:
            param = self._schemas.resolve(item)
            if not isinstance(param, dict) or not isinstance(param.get("name"), str) or "in" not in param:
                degraded.append("a parameter without a name or location was left out")
                continue
            where = param["in"]
            if where not in _LOCATIONS:
                degraded.append(f"parameter {param['name']!r} in {where!r} was left out (not an OpenAPI 3 location)")
                continue
            if where == "header" and param["name"].lower() in _RESERVED_HEADERS:
                continue  # OpenAPI: such header parameters SHALL be ignored (the gateway sets them)
            key = param["name"].lower() if where == "header" else param["name"]
            merged[(where, key)] = param
        return list(merged.values())

    def convert(self, method: str, path: str, path_item: JSON, op: JSON, server: str | None) -> Converted:
        method = method.upper()
        degraded: list[str] = []
        inputs = _Inputs(self._schemas)
        params = self.parameters(path_item, op, degraded)
        self._path_params(path, params, degraded)
        for location in _LOCATIONS:
            for p in (q for q in params if q["in"] == location):
                self._add_parameter(inputs, p, location)
        body = self._body(inputs, op, degraded)
        roots = list(inputs.properties.values())
        emitted, defs, notes = assemble(self._schemas, roots, inputs.refs, self._budget)
        degraded.extend(notes)
        schema: JSON = {"type": "object", "properties": dict(zip(inputs.properties, emitted, strict=True))}
        if inputs.required:
            schema["required"] = list(dict.fromkeys(inputs.required))
        if defs:
            schema["$defs"] = defs
        op_id = op.get("operationId")
        op_id = str(op_id) if isinstance(op_id, str | int) and str(op_id).strip() else None
        name = tool_name(op_id, method, path, self._name_limit)
        naming = []
        if op_id and name != op_id:
            naming.append(f"renamed from operationId {op_id!r}")
        elif not op_id:
            naming.append("named from method and path (no operationId)")
        tool = ToolSpec(
            name=name, description=_description(op, name), input_schema=schema, annotations=_annotations(method)
        )
        binding = {"method": method, "path": path, "server": server, "params": inputs.bindings, "body": body}
        return Converted(tool, binding, bool(op_id and name != op_id), naming, degraded)

    def _path_params(self, path: str, params: list[JSON], degraded: list[str]) -> None:
        declared = {p["name"] for p in params if p["in"] == "path"}
        for var in _TEMPLATE.findall(path):
            if var not in declared:
                params.append({"name": var, "in": "path", "required": True, "schema": {"type": "string"}})
                degraded.append(f"path parameter {{{var}}} is not declared; exposed as a string")
        for p in [p for p in params if p["in"] == "path" and "{" + p["name"] + "}" not in path]:
            params.remove(p)
            degraded.append(f"path parameter {p['name']!r} is not in the path template and was left out")

    def _add_parameter(self, inputs: _Inputs, p: JSON, location: str) -> None:
        style = p.get("style") if isinstance(p.get("style"), str) else _DEFAULT_STYLE[location]
        raw_schema = p.get("schema")
        content = p.get("content")
        if raw_schema is None and isinstance(content, dict) and content:
            media = next(iter(content))
            raw_schema = (content[media] or {}).get("schema") if isinstance(content[media], dict) else None
            style = "content"
        schema, refs = self._schemas.root(raw_schema if raw_schema is not None else {})
        if isinstance(schema, dict) and isinstance(p.get("description"), str) and "description" not in schema:
            schema = {**schema, "description": p["description"]}
        if p.get("deprecated") is True and isinstance(schema, dict):
            schema = {**schema, "deprecated": True}
        prop = inputs.name(p["name"], location)
        inputs.add(prop, schema, refs, required=bool(p.get("required")) or location == "path")
        explode = p.get("explode")
        inputs.bindings.append(
            {
                "prop": prop,
                "in": location,
                "name": p["name"],
                "style": style,
                "explode": explode if isinstance(explode, bool) else style == "form",
            }
        )

    def _body(self, inputs: _Inputs, op: JSON, degraded: list[str]) -> JSON | None:
        body = self._schemas.resolve(op.get("requestBody")) if op.get("requestBody") else None
        if not isinstance(body, dict) or not isinstance(body.get("content"), dict):
            return None
        chosen = choose_media(body["content"])
        if chosen is None:
            return None
        media, kind = chosen
        if len(body["content"]) > 1:
            others = [m for m in body["content"] if m != media]
            if others and kind != "json":
                degraded.append(f"request body sent as {media} (also accepts {', '.join(others[:3])})")
        media_object = body["content"].get(media) or body["content"][next(iter(body["content"]))]
        media_object = media_object if isinstance(media_object, dict) else {}
        required = body.get("required") is True
        converted, refs = self._schemas.root(media_object.get("schema", {}))
        if isinstance(converted, dict) and set(converted) == {"$ref"} and converted["$ref"].startswith(DEFS):
            found = self._schemas.defs[converted["$ref"][len(DEFS) :]]
            if flattenable(found.schema):
                converted, refs = found.schema, list(found.refs)
        spec: JSON = {"kind": kind, "media": media, "required": required}
        if kind in ("json", "form", "multipart") and flattenable(converted):
            return self._flat(inputs, spec, converted, refs, media_object)
        prop = inputs.name("body", "request")
        schema = whole_schema(kind, converted)
        inputs.add(prop, schema, refs if schema is converted else [], required=required)
        return spec | {"mode": "whole", "prop": prop}

    def _flat(self, inputs: _Inputs, spec: JSON, converted: JSON, refs: list[str], media_object: JSON) -> JSON:
        wire_names: JSON = {}
        files: list[str] = []
        required_wire = set(converted.get("required") or [])
        inputs.refs.extend(refs)
        for wire, sub in converted["properties"].items():
            prop = inputs.name(wire, "body")
            file = spec["kind"] == "multipart" and (is_file(sub) or _is_file_ref(self._schemas, sub))
            if file:
                files.append(wire)
            inputs.add(prop, FILE_SCHEMA if file else sub, [], required=spec["required"] and wire in required_wire)
            wire_names[prop] = wire
        out = spec | {"mode": "flat", "props": wire_names}
        if files:
            out["files"] = files
        if spec["kind"] in ("form", "multipart") and (enc := encodings(media_object)):
            out["encoding"] = enc
        return out


def _is_file_ref(schemas: DocSchemas, sub: Any) -> bool:
    if isinstance(sub, dict) and isinstance(sub.get("$ref"), str) and sub["$ref"].startswith(DEFS):
        found = schemas.defs.get(sub["$ref"][len(DEFS) :])
        return found is not None and is_file(found.schema)
    return False


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def operations(doc: JSON) -> list[tuple[str, str, JSON, JSON]]:
    """Every (method, path, path item, operation) in document order."""
    out = []
    paths = doc.get("paths")
    for path, raw in (paths if isinstance(paths, dict) else {}).items():
        item = raw
        if isinstance(raw, dict) and isinstance(raw.get("$ref"), str):
            try:
                item = {**resolve_pointer(doc, raw["$ref"]), **{k: v for k, v in raw.items() if k != "$ref"}}
            except (RefError, TypeError):
                item = None
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                out.append((method, str(path), item, op))
    return out
