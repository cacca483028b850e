"""An operation's input structure as the tool's JSON Schema.

* structures are objects (``required`` from ``@required``, no extra properties); unions are objects with
  exactly one property set; lists are arrays (``uniqueItems`` for sets); maps are objects whose values
  follow the map's value shape;
* ``enum`` shapes and the 1.0 ``@enum`` trait become ``enum`` lists of their values, ``intEnum`` integer
  enums; blobs are base64 strings; timestamps are ``date-time`` strings; documents accept any JSON;
* ``@documentation`` (HTML) becomes plain-text descriptions; ``@length``, ``@range``, ``@pattern``,
  ``@default`` and ``@deprecated`` carry over; ``@idempotencyToken`` members are optional (the gateway
  fills them in, as the AWS SDKs do);
* recursion is bounded: a shape that can contain itself (DynamoDB's ``AttributeValue``) is described once
  per tool under ``$defs`` and referenced with ``$ref``; every other shape is inlined. Nesting deeper than
  ``MAX_DEPTH`` becomes a plain object or array whose description names the shape.
"""

from __future__ import annotations

from typing import Any

from gatewright.targets.smithy.docs import describe
from gatewright.targets.smithy.model import Model, short_name

JSON = dict[str, Any]
DESCRIPTION_LIMIT = 1024
MAX_DEPTH = 32
INTEGERS = frozenset({"byte", "short", "integer", "long", "bigInteger"})
NUMBERS = frozenset({"float", "double", "bigDecimal"})
AGGREGATES = frozenset({"structure", "union", "list", "set", "map"})
_REQUIRED = "smithy.api#required"
_DOC = "smithy.api#documentation"


def _json_type(kind: str) -> str | None:
    if kind in ("structure", "union", "map"):
        return "object"
    if kind in ("list", "set"):
        return "array"
    if kind in INTEGERS or kind == "intEnum":
        return "integer"
    if kind in NUMBERS:
        return "number"
    if kind == "boolean":
        return "boolean"
    if kind in ("string", "enum", "blob", "timestamp"):
        return "string"
    return None


def is_required(traits: JSON) -> bool:
    return _REQUIRED in traits and "smithy.api#idempotencyToken" not in traits


class InputSchemas:
    def __init__(self, model: Model) -> None:
        self._model = model
        # Structures and unions on a cycle go to $defs (every cycle has one: Smithy forbids a cycle of
        # lists and maps alone); lists and maps on a cycle are inlined around their $ref.
        self._recursive = {s for s in model.recursive_shapes() if model.shape(s).get("type") in ("structure", "union")}
        # Converted aggregates: the schema (shared, never changed afterwards) and the $defs it refers to.
        self._bodies: dict[str, tuple[JSON, frozenset[str]]] = {}
        self._def_names: dict[str, str] = {}

    def for_input(self, input_id: str | None) -> JSON:
        if not input_id or not self._model.has(input_id):
            return {"type": "object", "properties": {}, "additionalProperties": False}
        body, refs = self._body(input_id, 0)
        schema = dict(body)
        if refs:
            closure: set[str] = set()
            todo = list(refs)
            while todo:
                ref = todo.pop()
                if ref not in closure:
                    closure.add(ref)
                    todo.extend(self._bodies[ref][1])
            schema["$defs"] = {
                self._def_names[r]: self._bodies[r][0] for r in sorted(closure, key=lambda r: self._def_names[r])
            }
        return schema

    def _def_name(self, shape_id: str) -> str:
        name = self._def_names.get(shape_id)
        if name is None:
            base = name = short_name(shape_id)
            taken = set(self._def_names.values())
            n = 2
            while name in taken:
                name, n = f"{base}_{n}", n + 1
            self._def_names[shape_id] = name
        return name

    def _body(self, shape_id: str, depth: int) -> tuple[JSON, frozenset[str]]:
        cached = self._bodies.get(shape_id)
        if cached is not None:
            return cached
        if shape_id in self._recursive:
            self._bodies[shape_id] = ({}, frozenset())  # placeholder while its members refer back to it
        refs: set[str] = set()
        shape = self._model.shape(shape_id)
        schema = self._aggregate(shape, depth, refs)
        text = describe((shape.get("traits") or {}).get(_DOC), DESCRIPTION_LIMIT)
        if shape_id in self._recursive and text:
            schema = {"description": text, **schema}
        self._bodies[shape_id] = (schema, frozenset(refs))
        return self._bodies[shape_id]

    def _member(self, member: JSON, depth: int, refs: set[str]) -> JSON:
        target = member.get("target", "")
        traits = self._model.traits_of(member)
        out = self._value(target, traits, depth, refs) if self._model.has(target) else {}
        # A $ref'd shape's own documentation is in its $defs entry: only the member's is repeated here.
        doc = (member.get("traits") or {}).get(_DOC) if "$ref" in out else traits.get(_DOC)
        text = describe(doc, DESCRIPTION_LIMIT)
        if "smithy.api#idempotencyToken" in traits:
            text = f"{text} " if text else ""
            text += "Generated by the gateway when omitted."
        if text:
            out["description"] = f"{text} {out['description']}" if out.get("description") else text
        return out

    def _value(self, shape_id: str, traits: JSON, depth: int, refs: set[str]) -> JSON:
        shape = self._model.shape(shape_id)
        kind = shape.get("type", "")
        if kind not in AGGREGATES:
            out = self._scalar(kind, shape, traits)
        elif shape_id in self._recursive:
            self._body(shape_id, depth + 1)
            refs.add(shape_id)
            out = {"$ref": f"#/$defs/{self._def_name(shape_id)}"}
        elif depth >= MAX_DEPTH:
            out = {"type": _json_type(kind), "description": f"A {short_name(shape_id)} (nested too deep to describe)."}
        else:
            body, inner = self._body(shape_id, depth + 1)
            refs.update(inner)
            out = dict(body)
        _constraints(out, kind, traits)
        return out

    def _aggregate(self, shape: JSON, depth: int, refs: set[str]) -> JSON:
        kind = shape["type"]
        if kind in ("list", "set"):
            out: JSON = {"type": "array", "items": self._member(shape.get("member") or {}, depth, refs)}
            if kind == "set" or "smithy.api#uniqueItems" in shape.get("traits", {}):
                out["uniqueItems"] = True
            return out
        if kind == "map":
            return {"type": "object", "additionalProperties": self._member(shape.get("value") or {}, depth, refs)}
        members: JSON = shape.get("members") or {}
        out = {"type": "object", "properties": {n: self._member(m, depth, refs) for n, m in members.items()}}
        if kind == "union":
            out |= {"minProperties": 1, "maxProperties": 1}
        else:
            required = [n for n, m in members.items() if is_required(self._model.traits_of(m))]
            if required:
                out["required"] = required
        out["additionalProperties"] = False
        return out

    @staticmethod
    def _scalar(kind: str, shape: JSON, traits: JSON) -> JSON:
        if kind == "enum":
            values = [
                (m.get("traits") or {}).get("smithy.api#enumValue", name)
                for name, m in (shape.get("members") or {}).items()
            ]
            return {"type": "string", "enum": values}
        if kind == "intEnum":
            members = (shape.get("members") or {}).values()
            values = [(m.get("traits") or {}).get("smithy.api#enumValue") for m in members]
            return {"type": "integer", "enum": [v for v in values if isinstance(v, int)]}
        if kind == "blob":
            return {"type": "string", "contentEncoding": "base64"}
        if kind == "timestamp":
            return {"type": "string", "format": "date-time"}
        json_type = _json_type(kind)
        out: JSON = {"type": json_type} if json_type else {}
        legacy = traits.get("smithy.api#enum")
        if kind == "string" and isinstance(legacy, list):
            out["enum"] = [e["value"] for e in legacy if isinstance(e, dict) and isinstance(e.get("value"), str)]
        return out


def _constraints(out: JSON, kind: str, traits: JSON) -> None:
    length = traits.get("smithy.api#length")
    if isinstance(length, dict):
        keys = {"string": ("minLength", "maxLength"), "list": ("minItems", "maxItems"), "set": ("minItems", "maxItems")}
        keys["map"] = ("minProperties", "maxProperties")
        low, high = keys.get(kind, (None, None))
        if low and isinstance(length.get("min"), int):
            out[low] = length["min"]
        if high and isinstance(length.get("max"), int):
            out[high] = length["max"]
    bounds = traits.get("smithy.api#range")
    if isinstance(bounds, dict) and (kind in INTEGERS or kind in NUMBERS):
        for key, name in (("min", "minimum"), ("max", "maximum")):
            if isinstance(bounds.get(key), int | float):
                out[name] = bounds[key]
    pattern = traits.get("smithy.api#pattern")
    if kind == "string" and isinstance(pattern, str) and "enum" not in out:
        out["pattern"] = pattern
    default = traits.get("smithy.api#default")
    if default is not None and kind not in ("blob", "timestamp", "document") and not isinstance(default, dict | list):
        out["default"] = default
    if "smithy.api#deprecated" in traits:
        out["deprecated"] = True
