"""Build the HTTP request for one call from an operation's binding and the caller's arguments.

Parameter serialisation follows OpenAPI's ``style``/``explode`` rules (path: simple, label, matrix;
query: form, spaceDelimited, pipeDelimited, deepObject; header: simple; cookie: form). Path values are
percent-encoded so that a value can never change the path (``../admin`` stays one segment).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import orjson

JSON = dict[str, Any]


@dataclass
class HttpRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return str(value)


def _enc(value: Any, safe: str = "") -> str:
    return quote(_scalar(value), safe=safe)


def _path_value(name: str, value: Any, style: str, explode: bool) -> str:
    if isinstance(value, list):
        return _path_list(name, [_enc(v) for v in value], style, explode)
    if isinstance(value, dict):
        return _path_object(name, [(_enc(k), _enc(v)) for k, v in value.items()], style, explode)
    if style == "label":
        return "." + _enc(value)
    if style == "matrix":
        return f";{name}={_enc(value)}"
    return _enc(value)


def _path_list(name: str, items: list[str], style: str, explode: bool) -> str:
    if style == "label":
        return "." + ".".join(items)
    if style == "matrix":
        return "".join(f";{name}={i}" for i in items) if explode else f";{name}=" + ",".join(items)
    return ",".join(items)


def _path_object(name: str, pairs: list[tuple[str, str]], style: str, explode: bool) -> str:
    joined = ",".join(f"{k}={v}" for k, v in pairs) if explode else ",".join(f"{k},{v}" for k, v in pairs)
    if style == "label":
        return "." + (joined.replace(",", ".") if explode else joined)
    if style == "matrix":
        return "".join(f";{k}={v}" for k, v in pairs) if explode else f";{name}=" + joined
    return joined


def _query_pairs(name: str, value: Any, style: str, explode: bool) -> list[tuple[str, str]]:
    if isinstance(value, list):
        if explode and style == "form":
            return [(name, _scalar(v)) for v in value]
        sep = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")
        return [(name, sep.join(_scalar(v) for v in value))]
    if isinstance(value, dict):
        if style == "deepObject":
            return [(f"{name}[{k}]", _scalar(v)) for k, v in value.items()]
        if explode:
            return [(str(k), _scalar(v)) for k, v in value.items()]
        return [(name, ",".join(f"{k},{_scalar(v)}" for k, v in value.items()))]
    return [(name, _scalar(value))]


def _header_value(value: Any, explode: bool) -> str:
    if isinstance(value, list):
        return ",".join(_scalar(v) for v in value)
    if isinstance(value, dict):
        sep = "=" if explode else ","
        return ",".join(f"{k}{sep}{_scalar(v)}" for k, v in value.items())
    return _scalar(value)


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
        if where == "path":
            path = path.replace("{" + name + "}", _path_value(name, value, style, explode))
        elif where == "query":
            query.extend(_query_pairs(name, value, style, explode))
        elif where == "header":
            headers[name] = _header_value(value, explode)
        else:
            cookies.extend(f"{k}={quote(v, safe='')}" for k, v in _query_pairs(name, value, "form", explode))
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    url = base_url + path
    if query:
        url += "?" + "&".join(f"{quote(k, safe='[]')}={quote(v, safe='')}" for k, v in query)
    body = _body(binding.get("body"), arguments, headers)
    return HttpRequest(binding["method"], url, headers, body)


def _body(spec: JSON | None, arguments: JSON, headers: dict[str, str]) -> bytes | None:
    if spec is None:
        return None
    if spec["mode"] == "whole":
        if spec["prop"] not in arguments:
            return None
        payload: Any = arguments[spec["prop"]]
    else:
        payload = {wire: arguments[prop] for prop, wire in spec["props"].items() if prop in arguments}
        if not payload and not spec.get("required"):
            return None
    headers["Content-Type"] = spec["media"]
    return orjson.dumps(payload)
