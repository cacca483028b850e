"""gatewright's own control-plane operations, beside the AgentCore ones: same SigV4 signing, same AWS
error format, JSON in and out. Used for what AgentCore does through other AWS services (the built-in OAuth
issuer instead of Cognito) and for what it does not have (the full import report of a target).

An extension names its route with ``{label}`` segments; the handler receives the labels, the query
parameters and the JSON body merged into one dict (labels win).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from gatewright.control.common import ControlContext
from gatewright.control.wire import json_object

JSON = dict[str, Any]
ExtensionHandler = Callable[[ControlContext, JSON], Awaitable[JSON]]


@dataclass(frozen=True)
class Extension:
    name: str
    method: str
    route: str
    handler: ExtensionHandler
    status: int = 200

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compile(self.route)


def _compile(route: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", route.rstrip("/"))
    body = "".join(f"(?P<{p[1:-1]}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile("^" + body + "/?$")


def match_extension(extensions: list[Extension], method: str, path: str) -> tuple[Extension, JSON] | None:
    for ext in extensions:
        if ext.method != method:
            continue
        found = ext.pattern.match(path)
        if found:
            return ext, {k: unquote(v) for k, v in found.groupdict().items()}
    return None


def extension_params(labels: JSON, query: str, body: bytes) -> JSON:
    params: JSON = dict(parse_qsl(query, keep_blank_values=True))
    if body.strip():
        params.update(json_object(body))
    params.update(labels)
    return params
