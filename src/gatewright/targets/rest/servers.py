"""The base URL an operation is sent to: the first server of the operation, its path, or the document,
with server variables set to their defaults.

Server variables are not exposed as tool arguments (AgentCore exposes ``basePath``): letting a caller
rewrite the base path would let it reach other stages or paths of the host than the operator chose.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

JSON = dict[str, Any]
_VARIABLE = re.compile(r"\{([^}]+)\}")


class ServerError(Exception):
    pass


def _substitute(server: JSON) -> str:
    url = str(server.get("url", ""))
    variables = server.get("variables") or {}

    def value(found: re.Match[str]) -> str:
        var = variables.get(found[1])
        if not isinstance(var, dict) or "default" not in var:
            raise ServerError(f"server variable {{{found[1]}}} in {url} has no default")
        return str(var["default"])

    return _VARIABLE.sub(value, url)


def _absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def server_url(doc: JSON, path_item: JSON, op: JSON, override: str | None = None) -> str:
    """The absolute http(s) base URL for ``op``: ``override`` (from the target) when given, else the first
    absolute entry of the operation's, path's or document's ``servers``."""
    if override:
        if not _absolute(override):
            raise ServerError(f"server URL {override!r} must be an absolute http or https URL")
        return override.rstrip("/")
    servers = op.get("servers") or path_item.get("servers") or doc.get("servers") or []
    entries = [s for s in servers if isinstance(s, dict)] if isinstance(servers, list) else []
    if not entries:
        raise ServerError("the description has no servers entry: add an absolute https URL")
    for server in entries:
        url = _substitute(server)
        if _absolute(url):
            return url.rstrip("/")
    raise ServerError(f"server URL {_substitute(entries[0])!r} must be an absolute http or https URL")
