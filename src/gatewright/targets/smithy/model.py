"""A Smithy JSON AST model, read once: its service, its operations, and shapes with their traits.

Smithy 2.0 and 1.0 ASTs are read. ``apply`` statements are merged into their targets and mixins are
flattened (members and traits of the mixins first), so the rest of the kind sees plain shapes. Prelude
shapes (``smithy.api#String``, ``smithy.api#Unit``, ...) are known without being in the model. A member's
own traits win over the traits of the shape it targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gatewright.targets.base import BuildError

JSON = dict[str, Any]
UNIT = "smithy.api#Unit"
_PRELUDE_TYPES = {
    "String": "string",
    "Blob": "blob",
    "Boolean": "boolean",
    "Byte": "byte",
    "Short": "short",
    "Integer": "integer",
    "Long": "long",
    "Float": "float",
    "Double": "double",
    "BigInteger": "bigInteger",
    "BigDecimal": "bigDecimal",
    "Timestamp": "timestamp",
    "Document": "document",
}
PRELUDE: dict[str, JSON] = {f"smithy.api#{name}": {"type": kind} for name, kind in _PRELUDE_TYPES.items()}
_PRIMITIVES = ("Boolean", "Byte", "Short", "Integer", "Long", "Float", "Double")
PRELUDE.update({f"smithy.api#Primitive{name}": {"type": _PRELUDE_TYPES[name]} for name in _PRIMITIVES})
PRELUDE[UNIT] = {"type": "structure", "members": {}, "traits": {"smithy.api#unitType": {}}}
PROTOCOLS = ("aws.protocols#restJson1", "aws.protocols#awsJson1_0", "aws.protocols#awsJson1_1")
_RESOURCE_OPS = ("create", "put", "read", "update", "delete", "list")


def short_name(shape_id: str) -> str:
    return shape_id.split("#", 1)[-1].split("$", 1)[0]


@dataclass(frozen=True)
class Service:
    shape_id: str
    traits: JSON

    @property
    def name(self) -> str:
        return short_name(self.shape_id)

    @property
    def aws(self) -> JSON:
        value = self.traits.get("aws.api#service")
        return value if isinstance(value, dict) else {}

    @property
    def sdk_id(self) -> str:
        return str(self.aws.get("sdkId") or self.name)

    @property
    def endpoint_prefix(self) -> str | None:
        prefix = self.aws.get("endpointPrefix")
        return prefix if isinstance(prefix, str) and prefix else None

    @property
    def signing_name(self) -> str | None:
        sigv4 = self.traits.get("aws.auth#sigv4")
        name = sigv4.get("name") if isinstance(sigv4, dict) else None
        return name if isinstance(name, str) and name else None

    @property
    def protocol(self) -> str | None:
        return next((p.split("#", 1)[1] for p in PROTOCOLS if p in self.traits), None)


class Model:
    def __init__(self, doc: JSON) -> None:
        shapes = doc.get("shapes")
        if not isinstance(shapes, dict) or not shapes:
            raise BuildError(["the Smithy model has no shapes (a JSON AST model has a top-level 'shapes' object)"])
        version = str(doc.get("smithy", ""))
        if not version.startswith(("1", "2")):
            raise BuildError([f"the Smithy model version {version or '(missing)'} is not supported; use 1.0 or 2.0"])
        self._raw: dict[str, JSON] = {k: v for k, v in shapes.items() if isinstance(v, dict)}
        self._applied: dict[str, JSON] = {}
        for shape_id, shape in self._raw.items():
            if shape.get("type") == "apply":
                self._applied.setdefault(shape_id, {}).update(shape.get("traits") or {})
        self._flat: dict[str, JSON] = {}
        services = [k for k, v in self._raw.items() if v.get("type") == "service"]
        if len(services) != 1:
            found = ", ".join(services) if services else "none"
            raise BuildError([f"the Smithy model must define exactly one service shape (found: {found})"])
        self.service = Service(services[0], self.shape(services[0]).get("traits", {}))

    def shape(self, shape_id: str) -> JSON:
        """The shape with mixins flattened and ``apply`` traits merged; prelude shapes included."""
        flat = self._flat.get(shape_id)
        if flat is not None:
            return flat
        raw = self._raw.get(shape_id)
        if raw is None:
            member_of, _, member = shape_id.partition("$")
            if member:
                found = self.shape(member_of).get("members", {}).get(member)
                if isinstance(found, dict):
                    return found
            prelude = PRELUDE.get(shape_id)
            if prelude is None:
                raise KeyError(shape_id)
            return prelude
        self._flat[shape_id] = raw  # a cycle through mixins stops here
        traits: JSON = {}
        members: JSON = {}
        for mixin in raw.get("mixins") or []:
            base = self.shape(mixin["target"])
            traits.update({k: v for k, v in (base.get("traits") or {}).items() if k != "smithy.api#mixin"})
            members.update(base.get("members") or {})
        traits.update(raw.get("traits") or {})
        traits.update(self._applied.get(shape_id) or {})
        for name, member in (raw.get("members") or {}).items():
            applied = self._applied.get(f"{shape_id}${name}")
            members[name] = member | {"traits": {**member.get("traits", {}), **applied}} if applied else member
        flat = dict(raw)
        if traits:
            flat["traits"] = traits
        if members or "members" in raw:
            flat["members"] = members
        self._flat[shape_id] = flat
        return flat

    def has(self, shape_id: str) -> bool:
        return shape_id in self._raw or shape_id in PRELUDE

    def traits_of(self, member: JSON) -> JSON:
        """A member's effective traits: its target's, overridden by its own."""
        target = member.get("target", "")
        base = self.shape(target).get("traits", {}) if self.has(target) else {}
        return {**base, **(member.get("traits") or {})}

    def operations(self) -> list[str]:
        """The service's operations, including those bound through resources, in shape-id order."""
        found: set[str] = set()
        seen: set[str] = set()

        def walk(shape_id: str) -> None:
            if shape_id in seen or shape_id not in self._raw:
                return
            seen.add(shape_id)
            shape = self.shape(shape_id)
            if shape.get("type") == "operation":
                found.add(shape_id)
                return
            refs = [*(shape.get("operations") or []), *(shape.get("collectionOperations") or [])]
            refs += [*(shape.get("resources") or [])]
            refs += [shape[key] for key in _RESOURCE_OPS if isinstance(shape.get(key), dict)]
            for ref in refs:
                if isinstance(ref, dict) and isinstance(ref.get("target"), str):
                    walk(ref["target"])

        walk(self.service.shape_id)
        return sorted(found, key=lambda s: (short_name(s), s))

    def children(self, shape_id: str) -> list[str]:
        """The shapes an aggregate shape's members target."""
        if not self.has(shape_id):
            return []
        shape = self.shape(shape_id)
        kind = shape.get("type")
        if kind in ("list", "set"):
            refs = [shape.get("member") or {}]
        elif kind == "map":
            refs = [shape.get("value") or {}]
        elif kind in ("structure", "union"):
            refs = list((shape.get("members") or {}).values())
        else:
            return []
        return [r["target"] for r in refs if isinstance(r.get("target"), str)]

    def recursive_shapes(self) -> set[str]:
        """Shapes that can contain themselves: members of a cycle (Tarjan's algorithm, iteratively)."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        found: set[str] = set()
        for root in self._raw:
            if root not in index:
                self._components(root, index, low, stack, found)
        return found

    def _components(
        self, root: str, index: dict[str, int], low: dict[str, int], stack: list[str], found: set[str]
    ) -> None:
        on_stack = set(stack)
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            children = self.children(node)
            if i < len(children):
                work.append((node, i + 1))
                child = children[i]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                component = stack[stack.index(node) :]
                del stack[stack.index(node) :]
                on_stack.difference_update(component)
                if len(component) > 1 or node in children:
                    found.update(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
