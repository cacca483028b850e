"""Turn OpenAPI schema objects into self-contained JSON Schema 2020-12 for one tool.

Per tool, referenced schemas are inlined, except those that are recursive or used more than once by
the tool (and are not tiny): those go to the tool's ``$defs`` once, so output stays bounded and has no
dangling reference. OpenAPI 3.0 dialect is translated (``nullable``, boolean ``exclusiveMinimum``,
``example``); vendor extensions and keywords that only describe responses are dropped; ``readOnly``
properties are removed from request schemas.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from gatewright.targets.openapi.refs import RefError, pointer_tokens, resolve_pointer

JSON = dict[str, Any]
_DROP = {
    "example",
    "xml",
    "externalDocs",
    "$schema",
    "$id",
    "$anchor",
    "$comment",
    "$dynamicAnchor",
    "$recursiveAnchor",
    "$recursiveRef",
    "$dynamicRef",
    "definitions",
    "$defs",
    "id",
}
_SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_ONE = (
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
)
TINY = 160  # bytes of converted schema below which a shared schema is simply inlined
MAX_DEPTH = 48


def _children(node: Any) -> list[Any]:
    if not isinstance(node, dict):
        return []
    out: list[Any] = []
    for key in _SCHEMA_MAPS:
        value = node.get(key)
        if isinstance(value, dict):
            out.extend(value.values())
    for key in _SCHEMA_LISTS:
        value = node.get(key)
        if isinstance(value, list):
            out.extend(value)
    for key in _SCHEMA_ONE:
        if key in node:
            out.append(node[key])
    return out


class ToolSchemas:
    """Converts the schemas of one tool; collect its ``$defs`` at the end."""

    def __init__(self, doc: JSON, *, openapi30: bool) -> None:
        self._doc = doc
        self._openapi30 = openapi30
        self._counts: dict[str, int] = {}
        self._recursive: set[str] = set()
        self._names: dict[str, str] = {}
        self.defs: JSON = {}

    # -- pass 1: how often each reference is used, and which are recursive ------------------------
    def scan(self, node: Any) -> None:
        self._scan(node, [])

    def _scan(self, node: Any, stack: list[str]) -> None:
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref in stack:
                self._recursive.add(ref)
                return
            self._counts[ref] = self._counts.get(ref, 0) + 1
            if self._counts[ref] == 1:
                self._scan(self._target(ref), [*stack, ref])
            if not self._openapi30:
                self._scan({k: v for k, v in node.items() if k != "$ref"}, stack)
            return
        for child in _children(node):
            self._scan(child, stack)

    def _target(self, ref: str) -> Any:
        return resolve_pointer(self._doc, ref)

    # -- pass 2: emit -----------------------------------------------------------------------------
    def convert(self, node: Any, *, depth: int = 0) -> Any:
        if isinstance(node, bool):
            return node
        if not isinstance(node, dict):
            return {}
        ref = node.get("$ref")
        if isinstance(ref, str):
            return self._convert_ref(node, ref, depth)
        if depth > MAX_DEPTH:
            return {}
        return self._keywords(node, depth)

    def _convert_ref(self, node: JSON, ref: str, depth: int) -> Any:
        target = self._target(ref)
        siblings = {} if self._openapi30 else {k: v for k, v in node.items() if k != "$ref"}
        if self._as_def(ref, target, depth):
            out: JSON = {"$ref": "#/$defs/" + self._def_name(ref).replace("~", "~0").replace("/", "~1")}
        else:
            inlined = self.convert(target, depth=depth + 1)
            out = dict(inlined) if isinstance(inlined, dict) else ({} if inlined else {"not": {}})
        if siblings:
            extra = self._keywords(siblings, depth)
            if "$ref" in out and any(k not in ("description", "title", "default") for k in extra):
                return {"allOf": [out, extra]}
            out.update(extra)
        return out

    def _as_def(self, ref: str, target: Any, depth: int) -> bool:
        if ref in self._recursive or depth >= MAX_DEPTH:
            self._ensure_def(ref, target)
            return True
        if self._counts.get(ref, 0) > 1 and len(orjson.dumps(target)) > TINY:
            self._ensure_def(ref, target)
            return True
        return False

    def _def_name(self, ref: str) -> str:
        name = self._names.get(ref)
        if name is None:
            tokens = pointer_tokens(ref)
            base = re.sub(r"[^A-Za-z0-9_.-]", "_", tokens[-1] if tokens else "root") or "schema"
            name, n = base, 2
            taken = set(self._names.values())
            while name in taken:
                name, n = f"{base}_{n}", n + 1
            self._names[ref] = name
        return name

    def _ensure_def(self, ref: str, target: Any) -> None:
        name = self._def_name(ref)
        if name in self.defs:
            return
        self.defs[name] = {}  # placeholder: a recursive reference inside points here
        self.defs[name] = self.convert(target, depth=1)

    def _keywords(self, node: JSON, depth: int) -> JSON:
        out: JSON = {}
        for key, value in node.items():
            if key in _DROP or key.startswith("x-") or key in ("nullable", "readOnly", "writeOnly"):
                continue
            if self._subschemas(key, value, depth, out):
                continue
            if key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
                bound = "minimum" if key == "exclusiveMinimum" else "maximum"
                if value and bound in node:
                    out[key] = node[bound]
            elif key in ("minimum", "maximum") and node.get("exclusive" + key.title()) is True:
                continue
            elif key == "required" and isinstance(value, list):
                props = node.get("properties") or {}
                kept = [r for r in value if isinstance(r, str) and not _read_only(self._resolve(props.get(r)))]
                if kept:
                    out[key] = list(dict.fromkeys(kept))
            elif key == "type" and value == "file":
                out["type"], out["format"] = "string", "binary"
            else:
                out[key] = value
        if node.get("nullable") is True:
            _add_null(out)
        return out

    def _subschemas(self, key: str, value: Any, depth: int, out: JSON) -> bool:
        """Convert a keyword whose value holds schemas; False when ``key`` is not one."""
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {
                k: self.convert(v, depth=depth + 1)
                for k, v in value.items()
                if not (key == "properties" and _read_only(self._resolve(v)))
            }
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [self.convert(v, depth=depth + 1) for v in value]
        elif key == "items" and isinstance(value, list):  # draft-04 tuple form
            out["prefixItems"] = [self.convert(v, depth=depth + 1) for v in value]
        elif key in _SCHEMA_ONE:
            out[key] = self.convert(value, depth=depth + 1)
        else:
            return False
        return True

    def _resolve(self, node: Any) -> Any:
        try:
            return self._target(node["$ref"]) if isinstance(node, dict) and "$ref" in node else node
        except RefError:
            return node


def _read_only(node: Any) -> bool:
    return isinstance(node, dict) and node.get("readOnly") is True


def _add_null(out: JSON) -> None:
    kind = out.get("type")
    if isinstance(kind, str):
        out["type"] = [kind, "null"]
    elif isinstance(kind, list):
        if "null" not in kind:
            out["type"] = [*kind, "null"]
    elif "enum" not in out:
        inner = dict(out)
        out.clear()
        out["anyOf"] = [inner, {"type": "null"}]
    if isinstance(out.get("enum"), list) and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]
