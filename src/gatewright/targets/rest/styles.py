"""Parameter serialisation per OpenAPI ``style``/``explode`` (path: simple, label, matrix; query and cookie:
form, spaceDelimited, pipeDelimited, deepObject; header: simple). Path values are percent-encoded so that a
value can never change the path (``../admin`` stays one segment).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import orjson


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return str(value)


def _enc(value: Any, safe: str = "") -> str:
    return quote(scalar(value), safe=safe)


def path_value(name: str, value: Any, style: str, explode: bool) -> str:
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
        return "." + (".".join(items) if explode else ",".join(items))
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


_SEPARATORS = {"spaceDelimited": "%20", "pipeDelimited": "%7C"}


def query_pairs(name: str, value: Any, style: str, explode: bool) -> list[tuple[str, str]]:
    """Percent-encoded ``(name, value)`` pairs; delimiters stay as the OpenAPI examples show them."""
    key = quote(name, safe="[]")
    if isinstance(value, list):
        if explode and style == "form":
            return [(key, _enc(v)) for v in value]
        return [(key, _SEPARATORS.get(style, ",").join(_enc(v) for v in value))]
    if isinstance(value, dict):
        if style == "deepObject":
            return [(f"{key}[{quote(str(k), safe='')}]", _enc(v)) for k, v in value.items()]
        if explode and style == "form":
            return [(quote(str(k), safe=""), _enc(v)) for k, v in value.items()]
        sep = _SEPARATORS.get(style, ",")
        return [(key, sep.join(f"{_enc(k)}{sep}{_enc(v)}" for k, v in value.items()))]
    return [(key, _enc(value))]


def header_value(value: Any, explode: bool) -> str:
    if isinstance(value, list):
        return ",".join(scalar(v) for v in value)
    if isinstance(value, dict):
        sep = "=" if explode else ","
        return ",".join(f"{k}{sep}{scalar(v)}" for k, v in value.items())
    return scalar(value)
