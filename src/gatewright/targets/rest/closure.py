"""One tool's inputSchema from the document's shared definitions: self-contained, bounded, no dangling ``$ref``.

The definitions a tool needs are collected breadth-first from its arguments, nearest first, while their
serialised size stays within the per-tool budget (``GATEWRIGHT_OPENAPI_MAX_SCHEMA_BYTES``). A definition
that does not fit is replaced by a short stand-in that accepts any value of its type and says so: the
schema stays valid and bounded, the tool stays callable (the upstream validates the rest), and the
import report records the tool as degraded. A definition used once (and not recursive) is inlined where
it is used; the others go to ``$defs`` once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from gatewright.targets.rest.schema import DEFS, SCHEMA_LISTS, SCHEMA_MAPS, SCHEMA_ONE, Definition, DocSchemas

JSON = dict[str, Any]
DEFAULT_BUDGET = 48 * 1024


class Closure:
    """The definitions of one tool, chosen within a byte budget."""

    def __init__(self, schemas: DocSchemas, roots: Iterable[str], budget: int) -> None:
        self._schemas = schemas
        self.kept: dict[str, Definition] = {}
        self.stubbed: list[str] = []
        self.notes: list[str] = []
        self.uses: Counter[str] = Counter()
        queue = list(roots)
        self.uses.update(queue)
        used = 0
        seen = set(queue)
        i = 0
        while i < len(queue):
            found = schemas.defs[queue[i]]
            i += 1
            if used + found.size > budget:
                self.stubbed.append(found.name)
                continue
            used += found.size
            self.kept[found.name] = found
            if found.note:
                self.notes.append(found.note)
            self.uses.update(found.refs)
            for ref in found.refs:
                if ref not in seen:
                    seen.add(ref)
                    queue.append(ref)

    def emit(self, node: Any) -> Any:
        """``node`` (a converted schema) with single-use definitions inlined; fills ``self.defs``."""
        return _Emitter(self).walk(node)


class _Emitter:
    def __init__(self, closure: Closure) -> None:
        self._closure = closure
        self.defs: JSON = {}
        self._inlining: set[str] = set()

    def walk(self, node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(DEFS):
            return self._ref(node, ref[len(DEFS) :])
        out: JSON = {}
        for key, value in node.items():
            if key in SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {k: self.walk(v) for k, v in value.items()}
            elif key in SCHEMA_LISTS and isinstance(value, list):
                out[key] = [self.walk(v) for v in value]
            elif key in SCHEMA_ONE:
                out[key] = self.walk(value)
            else:
                out[key] = value
        return out

    def _ref(self, node: JSON, name: str) -> Any:
        closure = self._closure
        found = closure.kept.get(name)
        if found is None:
            return self._with_siblings(node, _stub(closure._schemas.defs[name]))
        if closure.uses[name] == 1 and name not in self._inlining:
            self._inlining.add(name)
            try:
                return self._with_siblings(node, self.walk(found.schema))
            finally:
                self._inlining.discard(name)
        if name not in self.defs:
            self.defs[name] = {}  # placeholder first: a recursive reference inside finds it
            self.defs[name] = self.walk(found.schema)
        return self.walk({k: v for k, v in node.items() if k != "$ref"}) | {"$ref": node["$ref"]}

    def _with_siblings(self, node: JSON, schema: Any) -> Any:
        if len(node) == 1:
            return schema
        siblings = self.walk({k: v for k, v in node.items() if k != "$ref"})
        return {"allOf": [schema], **siblings}


def _stub(found: Definition) -> JSON:
    out: JSON = {"description": f"{found.name} (not expanded: the tool's schema size limit)"}
    kind = found.schema.get("type") if isinstance(found.schema, dict) else None
    if isinstance(kind, str):
        out["type"] = kind
    return out


def assemble(schemas: DocSchemas, roots: list[Any], refs: list[str], budget: int) -> tuple[list[Any], JSON, list[str]]:
    """Emit ``roots`` (converted argument schemas) for one tool: (schemas, ``$defs``, notes)."""
    closure = Closure(schemas, refs, budget)
    emitter = _Emitter(closure)
    out = [emitter.walk(r) for r in roots]
    notes = list(dict.fromkeys(closure.notes))
    if closure.stubbed:
        shown = ", ".join(closure.stubbed[:5]) + (", ..." if len(closure.stubbed) > 5 else "")
        notes.append(
            f"schema size limit: {len(closure.stubbed)} nested schema(s) not expanded ({shown}); "
            "they accept any value of their type"
        )
    return out, emitter.defs, notes
