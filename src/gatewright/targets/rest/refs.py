"""Local JSON references inside one API description (``#/components/schemas/Pet``).

Pointer tokens are unescaped per RFC 6901 (``~1`` is ``/``, ``~0`` is ``~``) after percent-decoding
(``#/paths/~1companies~1%7BcompanyId%7D`` is a valid, common form). Only local references are followed:
an external reference is reported, never fetched.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote


class RefError(Exception):
    """A reference that cannot be followed; the message names it."""


def pointer_tokens(ref: str) -> list[str]:
    if not ref.startswith("#"):
        raise RefError(f"external reference {ref} is not followed (see GATEWRIGHT_OPENAPI_REF_BASE_URLS)")
    fragment = unquote(ref[1:])
    if fragment in ("", "/"):
        return []
    if not fragment.startswith("/"):
        raise RefError(f"reference {ref} is not a JSON pointer")
    return [t.replace("~1", "/").replace("~0", "~") for t in fragment[1:].split("/")]


def resolve_pointer(doc: Any, ref: str) -> Any:
    node = doc
    for token in pointer_tokens(ref):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise RefError(f"reference {ref} points to nothing")
    return node


def deref(doc: Any, node: Any, *, limit: int = 32) -> Any:
    """Follow ``$ref`` chains (not schemas: parameters, request bodies, responses) to the target object."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        seen += 1
        if seen > limit:
            raise RefError(f"reference chain through {node['$ref']} is circular")
        node = resolve_pointer(doc, node["$ref"])
    return node
