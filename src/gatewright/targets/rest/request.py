"""Build the HTTP request for one call from an operation's binding and the caller's arguments.

Parameters are serialised per their ``style``/``explode`` (``styles.py``), bodies per their media type
(``body_wire.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import orjson

from gatewright.targets.base import TargetError
from gatewright.targets.rest.body_wire import encode_body
from gatewright.targets.rest.styles import header_value, path_value, query_pairs

JSON = dict[str, Any]


@dataclass
class HttpRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None


def _param_value(p: JSON, value: Any) -> str | None:
    """``content`` parameters are sent as their JSON text (OpenAPI ``content`` instead of ``schema``)."""
    return orjson.dumps(value).decode() if p["style"] == "content" else None


def _header_safe(prop: str, value: str) -> str:
    if any(c in value for c in "\r\n\0"):
        raise TargetError(f"Invalid argument '{prop}': a header value cannot contain line breaks")
    return value


def build_request(binding: JSON, base_url: str, arguments: JSON) -> HttpRequest:
    path: str = binding["path"]
    query: list[tuple[str, str]] = []
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for p in binding["params"]:
        if p["prop"] not in arguments:
            continue
        value = arguments[p["prop"]]
        where, name, style, explode = p["in"], p["name"], p["style"], p["explode"]
        raw = _param_value(p, value)
        if where == "path":
            encoded = quote(raw, safe="") if raw is not None else path_value(name, value, style, explode)
            path = path.replace("{" + name + "}", encoded)
        elif where == "query":
            query.extend(
                [(quote(name, safe="[]"), quote(raw, safe=""))]
                if raw is not None
                else query_pairs(name, value, style, explode)
            )
        elif where == "header":
            headers[name] = _header_safe(p["prop"], raw if raw is not None else header_value(value, explode))
        else:
            pairs = [(name, quote(raw, safe=""))] if raw is not None else query_pairs(name, value, "form", explode)
            cookies.extend(f"{k}={v}" for k, v in pairs)
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    url = base_url + path
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query)
    body = encode_body(binding.get("body"), arguments, headers)
    return HttpRequest(binding["method"], url, headers, body)


__all__ = ["HttpRequest", "build_request"]
