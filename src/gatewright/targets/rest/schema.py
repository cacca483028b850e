"""OpenAPI schema objects as JSON Schema 2020-12, converted once per document.

:class:`DocSchemas` converts every referenced schema (``#/components/schemas/Pet``, or any other local
pointer, percent-encoded or not) at most once per document and caches it as a *definition*: its
converted schema, in which references to other non-tiny schemas are ``{"$ref": "#/$defs/<name>"}``,
the names it refers to, and its serialised size. Tools are assembled from these shared definitions by
``closure.py``, so a 22,000-operation document converts each component once, not once per operation.

The OpenAPI dialect is translated: 3.0 ``nullable``, boolean ``exclusiveMinimum``/``Maximum``,
Swagger's ``type: file``, ``example``; vendor extensions, ``xml``, ``discriminator.mapping`` (its
targets become ``$defs`` or are inlined; the ``oneOf`` branches carry the same information) and
draft-2019 keywords are dropped; ``readOnly`` properties are removed from request schemas. Keyword
values that the 2020-12 metaschema would refuse (``required: true`` on a property, ``type: "date"``,
``examples`` given as a map, a negative ``minLength``) are dropped, so every tool's schema is valid.
Patterns are kept as written even when Python's ``re`` cannot compile them (ECMA-262 ``\\p{L}``):
clients use them; the gateway's own validator skips them (``catalog/validation.py``).

References that cannot be followed (dangling, external and not allowed, into a non-schema) become an
unconstrained definition with a note, which makes the tool *degraded* in the import report.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass
from typing import Any

import orjson

from gatewright.targets.rest.refs import RefError, pointer_tokens, resolve_pointer

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
    "$vocabulary",
    "definitions",
    "dependencies",
    "$defs",
    "id",
    "nullable",
    "readOnly",
    "writeOnly",
}
SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_ONE = (
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
)
_TYPES = frozenset({"array", "boolean", "integer", "null", "number", "object", "string"})
_NON_NEGATIVE = frozenset(
    {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "minContains", "maxContains"}
)
_NUMBERS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})
_STRINGS = frozenset({"title", "description", "pattern", "format", "contentEncoding", "contentMediaType"})
_BOOLS = frozenset({"uniqueItems", "deprecated"})
TINY = 160  # bytes of converted schema below which a referenced schema without references is inlined
MAX_DEPTH = 64  # nesting inside one schema object (references restart the count)
DEFS = "#/$defs/"


@dataclass
class Definition:
    """One converted, referenced schema, shared by every tool that uses it."""

    name: str
    schema: Any
    refs: tuple[str, ...]  # names of the definitions it refers to, once per place
    size: int
    note: str | None = None  # set when the reference could not be followed


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _valid_type(value: Any) -> Any:
    if isinstance(value, str):
        return value if value in _TYPES else None
    if isinstance(value, list):
        kept = list(dict.fromkeys(v for v in value if isinstance(v, str) and v in _TYPES))
        return kept or None
    return None


def _keep(key: str, value: Any) -> bool:
    """Whether the 2020-12 metaschema accepts ``value`` for ``key`` (unknown keywords are annotations)."""
    if key in _NON_NEGATIVE:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if key in _NUMBERS:
        return _is_number(value)
    if key == "multipleOf":
        return _is_number(value) and value > 0
    if key in _STRINGS:
        return isinstance(value, str)
    if key in _BOOLS:
        return isinstance(value, bool)
    if key in ("enum", "examples"):
        return isinstance(value, list)
    if key == "dependentRequired":
        return isinstance(value, dict) and all(
            isinstance(v, list) and all(isinstance(s, str) for s in v) for v in value.values()
        )
    return True


class DocSchemas:
    """Converts the schemas of one document; definitions are cached by reference."""

    def __init__(self, doc: JSON, *, openapi30: bool) -> None:
        self._doc = doc
        self._openapi30 = openapi30
        self.defs: dict[str, Definition] = {}
        self._by_ref: dict[str, str] = {}
        self._busy: set[str] = set()
        self._refs: list[str] = []  # collects references while one schema is converted

    # -- public -----------------------------------------------------------------------------------
    def root(self, node: Any) -> tuple[Any, list[str]]:
        """Convert a schema used directly by an operation: (schema, names of definitions it refers to)."""
        saved, self._refs = self._refs, []
        try:
            out = self._convert(node, 0)
            return out, self._refs
        finally:
            self._refs = saved

    def definition(self, ref: str) -> Definition:
        """The definition for ``ref``, converting it on first use."""
        name = self._by_ref.get(ref)
        if name is not None:
            return self.defs[name]
        name = self._name(ref)
        self._by_ref[ref] = name
        self._busy.add(name)
        saved, self._refs = self._refs, []
        note = None
        try:
            target = resolve_pointer(self._doc, ref)
            schema = self._convert(target, 0) if isinstance(target, dict | bool) else {}
            if not isinstance(target, dict | bool):
                note = f"reference {ref} is not a schema"
        except RefError as exc:
            schema, note = {}, str(exc)
        finally:
            refs, self._refs = self._refs, saved
            self._busy.discard(name)
        if note is not None:
            schema = {"description": f"Any value ({note})"}
        size = len(orjson.dumps(schema))
        self.defs[name] = Definition(name, schema, tuple(refs), size, note)
        return self.defs[name]

    def resolve(self, node: Any) -> Any:
        """``node`` with a top-level ``$ref`` chain followed (for parameters and bodies)."""
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 32:
            try:
                node = resolve_pointer(self._doc, node["$ref"])
            except RefError:
                return {}
            seen += 1
        return node

    # -- conversion -------------------------------------------------------------------------------
    def _name(self, ref: str) -> str:
        try:
            tokens = pointer_tokens(ref)
        except RefError:
            tokens = [ref.rsplit("/", 1)[-1]]
        base = re.sub(r"[^A-Za-z0-9_.-]", "_", tokens[-1] if tokens else "root")[:80] or "schema"
        name, n = base, 2
        while name in self.defs or name in self._busy:
            name, n = f"{base}_{n}", n + 1
        self.defs[name] = Definition(name, {}, (), 0)  # reserve the name
        return name

    def _convert(self, node: Any, depth: int) -> Any:
        if isinstance(node, bool):
            return node
        if not isinstance(node, dict) or depth > MAX_DEPTH:
            return {}
        ref = node.get("$ref")
        if isinstance(ref, str):
            return self._convert_ref(node, ref, depth)
        return self._keywords(node, depth)

    def _convert_ref(self, node: JSON, ref: str, depth: int) -> Any:
        name = self._by_ref.get(ref)
        if name is None or name not in self._busy:
            found = self.definition(ref)
            name = found.name
            if not found.refs and found.note is None and found.size <= TINY and not self._has_siblings(node):
                return found.schema
        self._refs.append(name)
        out: JSON = {"$ref": DEFS + name}
        if self._has_siblings(node):
            out.update(self._keywords({k: v for k, v in node.items() if k != "$ref"}, depth))
        return out

    def _has_siblings(self, node: JSON) -> bool:
        return not self._openapi30 and len(node) > 1

    def _keywords(self, node: JSON, depth: int) -> JSON:
        out: JSON = {}
        for key, value in node.items():
            if key in _DROP or key.startswith("x-") or self._subschemas(node, key, depth, out):
                continue
            self._keyword(node, key, value, out)
        if node.get("nullable") is True:
            _add_null(out)
        return out

    def _keyword(self, node: JSON, key: str, value: Any, out: JSON) -> None:
        """Translate one keyword that holds no subschema into ``out``."""
        if key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if value and _is_number(node.get(bound)):
                out[key] = node[bound]
        elif key in ("minimum", "maximum") and node.get("exclusive" + key.title()) is True:
            return
        elif key == "required":
            if kept := self._required(node, value):
                out[key] = kept
        elif key == "type":
            if value == "file":
                out["type"], out["format"] = "string", "binary"
            elif (kind := _valid_type(value)) is not None:
                out["type"] = kind
        elif key == "discriminator":
            if isinstance(value, dict) and isinstance(value.get("propertyName"), str):
                out[key] = {"propertyName": value["propertyName"]}
        elif _keep(key, value):
            out[key] = _json_safe(value)

    def _required(self, node: JSON, value: Any) -> list[str]:
        """``required`` without duplicates and without readOnly properties (they are never sent)."""
        if not isinstance(value, list):
            return []
        props = node["properties"] if isinstance(node.get("properties"), dict) else {}
        kept = [r for r in value if isinstance(r, str) and not _read_only(self.resolve(props.get(r)))]
        return list(dict.fromkeys(kept))

    def _subschemas(self, node: JSON, key: str, depth: int, out: JSON) -> bool:
        """Convert a keyword whose value holds schemas; False when ``key`` is not one."""
        value = node[key]
        if key in SCHEMA_MAPS:
            if isinstance(value, dict):
                out[key] = {
                    str(k): self._convert(v, depth + 1)
                    for k, v in value.items()
                    if not (key == "properties" and _read_only(self.resolve(v)))
                }
        elif key in SCHEMA_LISTS:
            if isinstance(value, list) and value:
                out[key] = [self._convert(v, depth + 1) for v in value]
        elif key == "items" and isinstance(value, list):  # draft-04 tuple form
            out["prefixItems"] = [self._convert(v, depth + 1) for v in value]
        elif key == "additionalItems":  # draft-04: the items after a tuple
            if isinstance(value, dict | bool) and isinstance(node.get("items"), list):
                out["items"] = self._convert(value, depth + 1)
        elif key in SCHEMA_ONE:
            if isinstance(value, dict | bool):
                out[key] = self._convert(value, depth + 1)
        else:
            return False
        return True


_INT_RANGE = (-(2**63), 2**64 - 1)


def _json_safe(value: Any) -> Any:
    """``value`` with integers beyond 64 bits as floats (JSON allows them; orjson and most clients do not)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if _INT_RANGE[0] <= value <= _INT_RANGE[1]:
            return value
        return float(value) if abs(value) < 2**1023 else math.copysign(sys.float_info.max, value)
    if isinstance(value, list):
        return [_json_safe(v) for v in value] if any(isinstance(v, list | dict | int) for v in value) else value
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value


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
