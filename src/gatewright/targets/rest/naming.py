"""Names clients accept: tools and arguments limited to ``[A-Za-z0-9_-]`` (tools) and
``[A-Za-z0-9_.-]`` (arguments), at most 64 characters, deterministic and collision-free.

A name that has to be cut keeps a short hash of the original, so two long operationIds that share a
prefix still get different names, and the same spec always yields the same names.
"""

from __future__ import annotations

import re

from gatewright.targets.names import MAX_NAME, shorten

_TOOL_BAD = re.compile(r"[^A-Za-z0-9_-]+")
_ARG_BAD = re.compile(r"[^A-Za-z0-9_.-]+")


def tool_name(operation_id: str | None, method: str, path: str, limit: int = MAX_NAME) -> str:
    """The tool name for an operation: its operationId made valid, else one built from method and path."""
    if operation_id:
        base = _TOOL_BAD.sub("_", operation_id).strip("_") or "operation"
        return shorten(base, operation_id, limit)
    words = [method.lower()]
    for segment in path.split("/"):
        if not segment:
            continue
        words.append("by_" + segment.strip("{}") if segment.startswith("{") else segment)
    base = _TOOL_BAD.sub("_", "_".join(words)).strip("_") or method.lower()
    return shorten(base, f"{method} {path}", limit)


def with_suffix(name: str, suffix: str, limit: int = MAX_NAME) -> str:
    """``name`` + ``suffix``, cutting ``name`` so the result stays within ``limit``."""
    return name[: max(1, limit - len(suffix))] + suffix


def argument_name(wire: str) -> str:
    """An argument name clients accept for a parameter or body property named ``wire`` on the wire."""
    base = _ARG_BAD.sub("_", wire).strip("_") or "value"
    return shorten(base, wire, MAX_NAME)


def unique(name: str, taken: set[str], suffix: str) -> str:
    """``name``, or ``name_<suffix>``, ``name_<suffix>2``... whichever is free first."""
    if name not in taken:
        return name
    candidate = f"{name}_{suffix}"
    n = 2
    while candidate in taken:
        candidate = f"{name}_{suffix}{n}"
        n += 1
    return candidate
