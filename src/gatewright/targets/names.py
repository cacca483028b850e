"""Tool names that MCP clients accept, for any target kind.

MCP allows 1-128 characters of ``[A-Za-z0-9_.-]``; many clients (and AgentCore's own names) stay within 64,
and the gateway adds ``<target>___`` in front. A name that has to be cut keeps a short hash of the original,
so two long names that share a prefix still differ and the same input always yields the same name.
"""

from __future__ import annotations

import hashlib
import re

MAX_NAME = 64
MAX_MCP_NAME = 128
_BAD = re.compile(r"[^A-Za-z0-9_-]+")
VALID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


def room_for(target_name: str, limit: int = MAX_NAME) -> int:
    """Characters left for a tool name once ``<target>___`` is in front (at least 16)."""
    return max(16, limit - len(target_name) - 3)


def shorten(name: str, original: str, limit: int) -> str:
    """``name`` itself when it fits in ``limit``, else cut with a hash of ``original`` appended."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha1(original.encode(), usedforsecurity=False).hexdigest()[:8]
    return name[: max(1, limit - 9)].rstrip("_-") + "_" + digest


def fit(name: str, limit: int) -> str:
    """``name`` with invalid characters replaced, cut to ``limit`` with a hash suffix when too long."""
    return shorten(_BAD.sub("_", name).strip("_") or "tool", name, limit)
