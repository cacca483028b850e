"""Swagger 2.0 to OpenAPI 3.0, up front, so the rest of the importer knows one model.

* ``host`` + ``basePath`` + ``schemes`` (https preferred) become ``servers``;
* ``definitions`` become ``components/schemas`` (every ``#/definitions/`` reference is rewritten);
* ``in: body`` becomes a ``requestBody`` with one content entry per ``consumes`` type (default JSON);
* ``in: formData`` parameters become one object schema sent as ``multipart/form-data`` when a part is a
  file or ``consumes`` asks for it, else ``application/x-www-form-urlencoded``;
* other parameters get a ``schema`` from their inline type fields, and ``collectionFormat`` becomes
  ``style``/``explode`` (csv: form or simple, not exploded; ssv; pipes; multi: exploded form);
* ``produces`` becomes the content types of the responses.

The input is not modified; parameter references (``#/parameters/...``) are inlined.
"""

from __future__ import annotations

from typing import Any

from gatewright.targets.rest.refs import RefError, resolve_pointer

JSON = dict[str, Any]
_SCHEMA_FIELDS = (
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
)
_COLLECTION = {"ssv": ("spaceDelimited", False), "pipes": ("pipeDelimited", False), "multi": ("form", True)}
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/definitions/"):
                out[key] = "#/components/schemas/" + value[len("#/definitions/") :]
            else:
                out[key] = _rewrite_refs(value)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v) for v in node]
    return node


def _servers(doc: JSON) -> list[JSON]:
    host = doc.get("host")
    if not isinstance(host, str) or not host:
        return []
    schemes = [s for s in (doc.get("schemes") or []) if s in ("https", "http")]
    scheme = "https" if not schemes or "https" in schemes else schemes[0]
    base = doc.get("basePath") if isinstance(doc.get("basePath"), str) else ""
    return [{"url": f"{scheme}://{host}{base}".rstrip("/")}]


def _item_schema(item: Any) -> Any:
    """An ``items`` object (2.0 inline type fields) as a schema."""
    if not isinstance(item, dict):
        return {}
    if "$ref" in item:
        return item
    schema = {k: item[k] for k in _SCHEMA_FIELDS if k in item}
    if "items" in schema:
        schema["items"] = _item_schema(schema["items"])
    return schema


def _param_schema(param: JSON) -> JSON:
    schema: JSON = _item_schema(param)
    if isinstance(param.get("description"), str):
        schema["description"] = param["description"]
    return schema


class _Converter:
    def __init__(self, doc: JSON) -> None:
        self.doc = doc
        self.consumes = _strings(doc.get("consumes")) or ["application/json"]
        self.produces = _strings(doc.get("produces")) or ["application/json"]

    def resolve(self, node: Any) -> Any:
        for _ in range(16):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                break
            try:
                node = resolve_pointer(self.doc, node["$ref"])
            except RefError:
                return None
        return node

    def operation(self, op: JSON, shared: list[Any]) -> JSON:
        out = {k: v for k, v in op.items() if k not in ("parameters", "consumes", "produces", "responses")}
        merged: dict[tuple[str, str], JSON] = {}
        for raw in [*shared, *(op.get("parameters") or [])]:
            param = self.resolve(raw)
            if isinstance(param, dict) and isinstance(param.get("name"), str):
                merged[(str(param.get("in")), param["name"])] = param
        consumes = _strings(op.get("consumes")) or self.consumes
        produces = _strings(op.get("produces")) or self.produces
        params, form = [], []
        for param in merged.values():
            where = param.get("in")
            if where == "body":
                out["requestBody"] = self._body(param, consumes)
            elif where == "formData":
                form.append(param)
            else:
                params.append(self._parameter(param))
        if form:
            out["requestBody"] = self._form(form, consumes)
        if params:
            out["parameters"] = params
        out["responses"] = self._responses(op.get("responses"), produces)
        return out

    def _parameter(self, param: JSON) -> JSON:
        out: JSON = {k: param[k] for k in ("name", "in", "description", "required", "deprecated") if k in param}
        out["schema"] = _param_schema({k: v for k, v in param.items() if k != "description"})
        fmt = param.get("collectionFormat", "csv")
        if param.get("type") == "array":
            if param.get("in") == "query" and fmt in _COLLECTION:
                out["style"], out["explode"] = _COLLECTION[fmt]
            elif param.get("in") in ("query", "cookie"):
                out["style"], out["explode"] = "form", False
            else:
                out["style"], out["explode"] = "simple", False
        return out

    def _body(self, param: JSON, consumes: list[str]) -> JSON:
        schema = param.get("schema", {})
        body: JSON = {"content": {m: {"schema": schema} for m in consumes}, "required": bool(param.get("required"))}
        if isinstance(param.get("description"), str):
            body["description"] = param["description"]
        return body

    def _form(self, params: list[JSON], consumes: list[str]) -> JSON:
        properties: JSON = {}
        required = []
        encoding: JSON = {}
        has_file = False
        for param in params:
            properties[param["name"]] = _param_schema(param)
            has_file = has_file or param.get("type") == "file"
            if param.get("required"):
                required.append(param["name"])
            fmt = param.get("collectionFormat", "csv")
            if param.get("type") == "array":
                style, explode = _COLLECTION.get(fmt, ("form", False))
                encoding[param["name"]] = {"style": style, "explode": explode}
        schema: JSON = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        multipart = has_file or (
            "multipart/form-data" in consumes and "application/x-www-form-urlencoded" not in consumes
        )
        media = "multipart/form-data" if multipart else "application/x-www-form-urlencoded"
        entry: JSON = {"schema": schema}
        if encoding:
            entry["encoding"] = encoding
        return {"content": {media: entry}, "required": bool(required)}

    def _responses(self, responses: Any, produces: list[str]) -> JSON:
        out: JSON = {}
        for code, raw in (responses if isinstance(responses, dict) else {}).items():
            resp = self.resolve(raw)
            if not isinstance(resp, dict):
                continue
            entry: JSON = {"description": str(resp.get("description", ""))}
            if "schema" in resp:
                entry["content"] = {m: {"schema": resp["schema"]} for m in produces}
            out[str(code)] = entry
        return out or {"default": {"description": ""}}


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def convert_swagger2(doc: JSON) -> JSON:
    """An OpenAPI 3.0.3 document equivalent to the Swagger 2.0 ``doc``."""
    converter = _Converter(doc)
    paths: JSON = {}
    raw_paths = doc.get("paths")
    for path, raw_item in (raw_paths if isinstance(raw_paths, dict) else {}).items():
        item = converter.resolve(raw_item)
        if not isinstance(item, dict):
            continue
        shared = item["parameters"] if isinstance(item.get("parameters"), list) else []
        new_item: JSON = {k: v for k, v in item.items() if k not in (*_METHODS, "parameters")}
        for method in _METHODS:
            if isinstance(item.get(method), dict):
                new_item[method] = converter.operation(item[method], shared)
        paths[path] = new_item
    out: JSON = {
        "openapi": "3.0.3",
        "info": doc.get("info") if isinstance(doc.get("info"), dict) else {"title": "", "version": ""},
        "servers": _servers(doc),
        "paths": paths,
        "components": {"schemas": doc.get("definitions") if isinstance(doc.get("definitions"), dict) else {}},
    }
    out = dict(_rewrite_refs(out))
    if "x-gatewright-external" in doc:  # embedded external documents (external.py) keep their own refs
        out["x-gatewright-external"] = doc["x-gatewright-external"]
    return out
