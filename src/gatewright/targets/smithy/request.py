"""The HTTP request for one call, in the service's protocol.

* awsJson1_0 / awsJson1_1: ``POST /`` with ``X-Amz-Target: <service shape name>.<operation name>``
  (``DynamoDB_20120810.ListTables``) and ``Content-Type: application/x-amz-json-1.0`` (or 1.1); the body
  is the input structure as JSON (``{}`` when there is no input).
* restJson1: the ``@http`` method and URI; ``@httpLabel`` members fill the URI (``{Key+}`` greedy labels
  keep their slashes), ``@httpQuery`` / ``@httpQueryParams`` the query string, ``@httpHeader`` /
  ``@httpPrefixHeaders`` the headers, ``@httpPayload`` the whole body (raw bytes for a blob, text for a
  string, JSON otherwise); the remaining members form a JSON body.

``@idempotencyToken`` members the caller left out get a fresh UUID, as the AWS SDKs do.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

import orjson

from gatewright.targets.base import TargetError
from gatewright.targets.smithy.serialize import (
    decode_blob,
    header_list,
    struct_to_wire,
    text_value,
    to_wire,
)
from gatewright.upstream.http import OutboundRequest

JSON = dict[str, Any]


def with_tokens(arguments: JSON, tokens: list[str]) -> JSON:
    missing = [t for t in tokens if t not in arguments]
    return {**arguments, **{t: str(uuid.uuid4()) for t in missing}} if missing else arguments


def aws_json_request(binding: JSON, shapes: JSON, version: str, endpoint: str, arguments: JSON) -> OutboundRequest:
    input_id = binding.get("input")
    desc = shapes.get(input_id) if input_id else None
    body = struct_to_wire(shapes, desc["m"], arguments) if desc else arguments
    headers = {"Content-Type": f"application/x-amz-json-{version}", "X-Amz-Target": binding["target"]}
    return OutboundRequest("POST", endpoint + "/", headers, orjson.dumps(body))


def _header_safe(name: str, value: str) -> str:
    if any(c in value for c in "\r\n\0"):
        raise TargetError(f"Invalid argument '{name}': a header value cannot contain line breaks")
    return value


def _path(binding: JSON, arguments: JSON) -> str:
    path: str = binding["path"]
    for name, greedy, kind, fmt in binding["labels"]:
        value = arguments.get(name)
        if value is None:
            raise TargetError(f"Missing argument '{name}': it is part of the request path")
        text = text_value(kind, value, fmt, "date-time", name)
        if not text:
            raise TargetError(f"Invalid argument '{name}': it is part of the request path and cannot be empty")
        label = "{" + name + ("+}" if greedy else "}")
        path = path.replace(label, quote(text, safe="/" if greedy else ""))
    return path


def _query(binding: JSON, arguments: JSON) -> list[str]:
    pairs: list[str] = [binding["literal_query"]] if binding["literal_query"] else []
    named: set[str] = set()
    for name, key, kind, fmt in binding["query"]:
        named.add(key)
        value = arguments.get(name)
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        item_kind = kind.removeprefix("list:")
        for item in values:
            text = text_value(item_kind, item, fmt, "date-time", name)
            pairs.append(f"{quote(key, safe='')}={quote(text, safe='')}")
    params = arguments.get(binding["query_map"]) if binding["query_map"] else None
    if isinstance(params, dict):
        for key, value in params.items():
            if key in named:
                continue
            for item in value if isinstance(value, list) else [value]:
                pairs.append(f"{quote(str(key), safe='')}={quote(str(item), safe='')}")
    return pairs


def _headers(binding: JSON, arguments: JSON) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, header, kind, fmt in binding["headers"]:
        value = arguments.get(name)
        if value is None:
            continue
        if kind.startswith("list:"):
            text = header_list(kind.removeprefix("list:"), value if isinstance(value, list) else [value], fmt, name)
        else:
            text = text_value(kind, value, fmt, "http-date", name)
        headers[header] = _header_safe(name, text)
    for name, prefix in binding["prefix_headers"]:
        value = arguments.get(name)
        if isinstance(value, dict):
            for key, item in value.items():
                headers[prefix + str(key)] = _header_safe(name, str(item))
    return headers


def _body(binding: JSON, shapes: JSON, arguments: JSON, headers: dict[str, str]) -> bytes | None:
    payload = binding["payload"]
    if payload is not None:
        name, kind, media, target = payload
        value = arguments.get(name)
        if value is None:
            return None
        if kind == "blob":
            headers.setdefault("Content-Type", media or "application/octet-stream")
            return decode_blob(value, name)
        if kind in ("string", "enum"):
            headers.setdefault("Content-Type", media or "text/plain")
            return str(value).encode()
        headers.setdefault("Content-Type", media or "application/json")
        return orjson.dumps(to_wire(shapes, target, value, None, name))
    if not binding["body"]:
        return None
    headers.setdefault("Content-Type", "application/json")
    return orjson.dumps(struct_to_wire(shapes, binding["body"], arguments))


def rest_json_request(binding: JSON, shapes: JSON, endpoint: str, arguments: JSON) -> OutboundRequest:
    url = endpoint + _path(binding, arguments)
    query = _query(binding, arguments)
    if query:
        url += ("&" if "?" in url else "?") + "&".join(query)
    headers = _headers(binding, arguments)
    body = _body(binding, shapes, arguments, headers)
    return OutboundRequest(binding["method"], url, headers, body)
