"""An OpenAPI 3.0 document for the selected methods of a stage, built from API Gateway's resource model.

* paths and methods: the selected ones; ``operationId`` is the operation name or the override's name;
* parameters: the method's ``requestParameters`` (``method.request.{path|querystring|header}.NAME`` with
  their required flags; the ``multivalue*`` forms become string arrays) plus every ``{var}`` of the path
  (always required); all are strings, as API Gateway passes them;
* ``requestBody``: the method's request model (``application/json`` first), the model's JSON schema
  (draft 4) under ``components/schemas``, required when the model lists required properties (so they stay
  required in the tool's schema); references between models
  (``https://apigateway.amazonaws.com/restapis/ID/models/NAME``) and a model's own ``#/definitions/...``
  become local references;
* descriptions: an override's, else the stage export's ``summary``/``description`` (and parameter
  descriptions) when the export has them, else none (the tool description is then its name).

The document never carries credentials, security schemes or the ``basePath`` server variable: the server
URL is the stage's invoke URL, set when the target is loaded.
"""

from __future__ import annotations

import json
import re
from typing import Any

from gatewright.targets.apigateway.reader import RestApi
from gatewright.targets.apigateway.select import Selected, Selection

JSON = dict[str, Any]
_LOCATIONS = {
    "path": ("path", False),
    "querystring": ("query", False),
    "multivaluequerystring": ("query", True),
    "header": ("header", False),
    "multivalueheader": ("header", True),
}
_MODEL_REF = re.compile(r"^https?://apigateway\.[^/]+/restapis/[^/]+/models/([^/#]+)(#.*)?$")
_TEMPLATE = re.compile(r"\{([^{}+]+)\}")
COMPONENTS = "#/components/schemas/"


def _pointer(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _rewrite(node: Any, model: str, used: set[str]) -> Any:
    """``node`` with model references made local; the names of the models it refers to go into ``used``."""
    if isinstance(node, list):
        return [_rewrite(v, model, used) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _rewrite(v, model, used) for k, v in node.items() if k != "$ref"}
    ref = node.get("$ref")
    if isinstance(ref, str):
        found = _MODEL_REF.match(ref)
        if found:
            used.add(found[1])
            out["$ref"] = COMPONENTS + _pointer(found[1]) + (found[2] or "#")[1:]
        elif ref.startswith("#/"):
            out["$ref"] = COMPONENTS + _pointer(model) + ref[1:]
        else:
            out["$ref"] = ref
    return out


def _models(api: RestApi, roots: set[str], notes: list[str]) -> JSON:
    """Every model reachable from ``roots``, with local references."""
    schemas: JSON = {}
    pending = sorted(roots, reverse=True)
    while pending:
        name = pending.pop()
        if name in schemas:
            continue
        text = api.models.get(name)
        parsed: Any = None
        if text is None:
            notes.append(f"model {name} does not exist in REST API {api.id}; its body is not described")
        else:
            try:
                parsed = json.loads(text)
            except ValueError:
                notes.append(f"model {name} is not valid JSON; its body is not described")
        used: set[str] = set()
        schemas[name] = _rewrite(parsed, name, used) if isinstance(parsed, dict) else {}
        pending.extend(sorted(used - set(schemas), reverse=True))
    return schemas


def _export_operation(api: RestApi, op: Selected) -> JSON:
    paths = (api.export or {}).get("paths")
    item = paths.get(op.path) if isinstance(paths, dict) else None
    if not isinstance(item, dict):
        return {}
    found = item.get(op.method.lower()) or item.get(op.method)
    return found if isinstance(found, dict) else {}


def _parameters(op: Selected, exported: JSON) -> list[JSON]:
    described = {
        (p.get("in"), p.get("name")): p["description"]
        for p in exported.get("parameters") or []
        if isinstance(p, dict) and isinstance(p.get("description"), str)
    }
    params: dict[tuple[str, str], JSON] = {}
    for var in _TEMPLATE.findall(op.path):
        params[("path", var)] = {"name": var, "in": "path", "required": True, "schema": {"type": "string"}}
    for key, required in op.source.request_parameters.items():
        parts = key.split(".", 3)
        if len(parts) != 4 or parts[:2] != ["method", "request"] or parts[2] not in _LOCATIONS:
            continue
        where, multi = _LOCATIONS[parts[2]]
        name = parts[3]
        if where == "path" and ("path", name) not in params:
            continue  # not in the resource path: API Gateway would never fill it
        param: JSON = {"name": name, "in": where, "required": required or where == "path"}
        param["schema"] = {"type": "array", "items": {"type": "string"}} if multi else {"type": "string"}
        if multi and where == "query":
            param |= {"style": "form", "explode": True}
        params[(where, name)] = param
    for (where, name), param in params.items():
        if (where, name) in described:
            param["description"] = described[(where, name)]
    return list(params.values())


def _body(api: RestApi, op: Selected) -> tuple[JSON | None, str | None]:
    models = op.source.request_models
    if not models:
        return None, None
    media = "application/json" if "application/json" in models else next(iter(models))
    name = models[media]
    content_type = "application/json" if media == "$default" else media
    body: JSON = {"content": {content_type: {"schema": {"$ref": COMPONENTS + _pointer(name)}}}}
    if _declares_required(api.models.get(name)):
        body["required"] = True  # the model's required properties stay required in the tool's schema
    return body, name


def _declares_required(text: str | None) -> bool:
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        return False
    return isinstance(parsed, dict) and bool(parsed.get("required"))


def _operation(api: RestApi, op: Selected, roots: set[str]) -> JSON:
    exported = _export_operation(api, op)
    out: JSON = {"operationId": op.name}
    if op.description is not None:
        out["description"] = op.description
    else:
        for key in ("summary", "description"):
            if isinstance(exported.get(key), str) and exported[key].strip():
                out[key] = exported[key]
    params = _parameters(op, exported)
    if params:
        out["parameters"] = params
    body, model = _body(api, op)
    if body is not None and model is not None:
        out["requestBody"] = body
        roots.add(model)
    out["responses"] = {"200": {"description": "the stage's response"}}
    return out


def openapi_document(api: RestApi, selection: Selection, notes: list[str]) -> JSON:
    """The OpenAPI 3.0 document of ``selection``; anything left out is explained in ``notes``."""
    paths: JSON = {}
    roots: set[str] = set()
    for op in selection.operations:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(api, op, roots)
    doc: JSON = {
        "openapi": "3.0.1",
        "info": {"title": api.name or api.id, "version": api.stage},
        "paths": paths,
    }
    schemas = _models(api, roots, notes)
    if schemas:
        doc["components"] = {"schemas": schemas}
    return doc
