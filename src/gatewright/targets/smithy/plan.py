"""What a call needs from the model, computed once at build time and stored with the target.

* ``shapes``: for each input shape whose JSON needs changing on the wire (a timestamp somewhere inside,
  or, in restJson1, a ``@jsonName``), a small descriptor; every other value is sent as the caller gave
  it (blobs are already base64, the JSON protocols' blob form);
* per operation, its binding: awsJson's ``X-Amz-Target``; restJson1's ``@http`` method and URI and where
  each input member goes (label, query, header, prefix headers, payload or body), and which output members
  come from response headers or the status code.
"""

from __future__ import annotations

from typing import Any

from gatewright.targets.base import BuildError
from gatewright.targets.smithy.model import Model, short_name
from gatewright.targets.smithy.schema import INTEGERS, NUMBERS

JSON = dict[str, Any]
_TS = "smithy.api#timestampFormat"


def scalar_kind(model: Model, target: str) -> str:
    """How a value of ``target`` is written in a label, query string or header."""
    shape = model.shape(target) if model.has(target) else {}
    kind = shape.get("type", "string")
    if kind in ("list", "set"):
        return "list:" + scalar_kind(model, (shape.get("member") or {}).get("target", ""))
    if kind in INTEGERS or kind == "intEnum":
        return "i"
    if kind in NUMBERS:
        return "f"
    return {"boolean": "b", "timestamp": "t", "blob": "blob"}.get(kind, "s")


class Planner:
    def __init__(self, model: Model, *, json_names: bool) -> None:
        self._model = model
        self._json_names = json_names
        self.shapes: JSON = {}
        self._plain: dict[str, bool] = {}

    # -- value descriptors ------------------------------------------------------------------------
    def add_shapes(self, roots: list[str]) -> None:
        """Descriptors for every shape reachable from ``roots`` that is not sent as given."""
        reachable: dict[str, JSON] = {}
        todo = [r for r in roots if self._model.has(r)]
        while todo:
            shape_id = todo.pop()
            if shape_id in reachable or shape_id in self._plain:
                continue
            shape = self._model.shape(shape_id)
            reachable[shape_id] = shape
            todo.extend(t for t in self._children(shape) if self._model.has(t))
        changed = {s for s, shape in reachable.items() if shape.get("type") == "timestamp" or self._renames(shape)}
        grew = True
        while grew:
            grew = False
            for shape_id, shape in reachable.items():
                children = self._children(shape)
                if shape_id not in changed and any(t in changed or self._plain.get(t) is False for t in children):
                    changed.add(shape_id)
                    grew = True
        for shape_id in reachable:
            self._plain[shape_id] = shape_id not in changed
        for shape_id, shape in reachable.items():
            if shape_id in changed:
                self.shapes[shape_id] = self._descriptor(shape)

    def _children(self, shape: JSON) -> list[str]:
        kind = shape.get("type")
        if kind in ("list", "set"):
            return [(shape.get("member") or {}).get("target", "")]
        if kind == "map":
            return [(shape.get("value") or {}).get("target", "")]
        if kind in ("structure", "union"):
            return [m.get("target", "") for m in (shape.get("members") or {}).values()]
        return []

    def _renames(self, shape: JSON) -> bool:
        return self._json_names and any(
            "smithy.api#jsonName" in (m.get("traits") or {}) for m in (shape.get("members") or {}).values()
        )

    def member_entry(self, name: str, member: JSON) -> list[Any]:
        """``[wire name, target if it needs changing else None, timestamp format or None]``."""
        traits = member.get("traits") or {}
        wire = traits.get("smithy.api#jsonName", name) if self._json_names else name
        target = member.get("target", "")
        fmt = self._model.traits_of(member).get(_TS)
        return [wire, None if self._plain.get(target, True) else target, fmt]

    def _descriptor(self, shape: JSON) -> JSON:
        kind = shape.get("type")
        if kind == "timestamp":
            return {"k": "ts", "f": (shape.get("traits") or {}).get(_TS)}
        if kind in ("list", "set", "map"):
            member = shape.get("value" if kind == "map" else "member") or {}
            return {"k": "map" if kind == "map" else "list", "m": self.member_entry("", member)}
        members = shape.get("members") or {}
        return {"k": "struct", "m": {n: self.member_entry(n, m) for n, m in members.items()}}

    # -- operations -------------------------------------------------------------------------------
    def aws_json(self, op_id: str, input_id: str | None) -> JSON:
        if input_id:
            self.add_shapes([input_id])
        return {"target": f"{self._model.service.name}.{short_name(op_id)}", "input": input_id}

    def rest_json(self, op_id: str, op: JSON, input_id: str | None, output_id: str | None) -> JSON:
        http = (op.get("traits") or {}).get("smithy.api#http")
        if not isinstance(http, dict) or not http.get("method") or not http.get("uri"):
            raise BuildError([f"{short_name(op_id)} has no @http trait"])
        path, _, literal = str(http["uri"]).partition("?")
        binding: JSON = {"method": str(http["method"]).upper(), "path": path, "literal_query": literal}
        binding |= {"labels": [], "query": [], "query_map": None, "headers": [], "prefix_headers": []}
        binding |= {"payload": None, "body": {}}
        members = self._model.shape(input_id).get("members", {}) if input_id and self._model.has(input_id) else {}
        self.add_shapes([m.get("target", "") for m in members.values()])
        for name, member in members.items():
            self._bind_input(binding, name, member)
        binding["out"] = self._outputs(output_id)
        return binding

    def _bind_input(self, binding: JSON, name: str, member: JSON) -> None:
        traits = member.get("traits") or {}
        target = member.get("target", "")
        fmt = self._model.traits_of(member).get(_TS)
        if "smithy.api#httpLabel" in traits:
            greedy = "{" + name + "+}" in binding["path"]
            binding["labels"].append([name, greedy, scalar_kind(self._model, target), fmt])
        elif "smithy.api#httpQuery" in traits:
            binding["query"].append([name, traits["smithy.api#httpQuery"], scalar_kind(self._model, target), fmt])
        elif "smithy.api#httpQueryParams" in traits:
            binding["query_map"] = name
        elif "smithy.api#httpHeader" in traits:
            kind = scalar_kind(self._model, target)
            if kind == "s" and "smithy.api#mediaType" in self._model.traits_of(member):
                kind = "s64"  # a media-typed string header is base64 (e.g. a JSON value)
            binding["headers"].append([name, traits["smithy.api#httpHeader"], kind, fmt])
        elif "smithy.api#httpPrefixHeaders" in traits:
            binding["prefix_headers"].append([name, traits["smithy.api#httpPrefixHeaders"]])
        elif "smithy.api#httpPayload" in traits:
            shape = self._model.shape(target) if self._model.has(target) else {"type": "document"}
            media = self._model.traits_of(member).get("smithy.api#mediaType")
            entry = self.member_entry(name, member)
            binding["payload"] = [name, shape.get("type", "document"), media, entry[1]]
        elif "smithy.api#httpResponseCode" not in traits:
            binding["body"][name] = self.member_entry(name, member)

    def _outputs(self, output_id: str | None) -> JSON:
        out: JSON = {"headers": [], "prefix_headers": [], "code": None, "payload": None}
        if not output_id or not self._model.has(output_id):
            return out
        for name, member in (self._model.shape(output_id).get("members") or {}).items():
            traits = member.get("traits") or {}
            if "smithy.api#httpHeader" in traits:
                kind = scalar_kind(self._model, member.get("target", ""))
                out["headers"].append([name, traits["smithy.api#httpHeader"], kind])
            elif "smithy.api#httpPrefixHeaders" in traits:
                out["prefix_headers"].append([name, traits["smithy.api#httpPrefixHeaders"]])
            elif "smithy.api#httpResponseCode" in traits:
                out["code"] = name
            elif "smithy.api#httpPayload" in traits:
                target = member.get("target", "")
                out["payload"] = self._model.shape(target).get("type") if self._model.has(target) else None
        return out
