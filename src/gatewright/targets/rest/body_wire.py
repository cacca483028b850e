"""The request body on the wire, from the body binding (``convert.py``/``bodies.py``) and the arguments.

* ``json``: the payload as JSON;
* ``form``: ``application/x-www-form-urlencoded``, each field per its ``encoding`` style (default: form,
  exploded: arrays repeat the field, objects become their key=value pairs);
* ``multipart``: ``multipart/form-data``; a file argument ``{"content": base64, "filename", "contentType"}``
  becomes a file part, objects and arrays are JSON parts, other values text parts;
* ``text``: the string as UTF-8; ``binary``: the base64 string decoded.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Any

import orjson

from gatewright.targets.base import TargetError
from gatewright.targets.rest.styles import query_pairs, scalar

JSON = dict[str, Any]


def _payload(spec: JSON, arguments: JSON) -> tuple[bool, Any]:
    """(whether a body is sent, the payload)."""
    if spec["mode"] == "whole":
        if spec["prop"] not in arguments:
            return False, None
        return True, arguments[spec["prop"]]
    payload = {wire: arguments[prop] for prop, wire in spec["props"].items() if prop in arguments}
    if not payload and not spec.get("required"):
        return False, None
    return True, payload


def _form(payload: Any, encoding: JSON) -> bytes:
    if not isinstance(payload, dict):
        raise TargetError("A form body must be an object of fields")
    pairs: list[tuple[str, str]] = []
    for name, value in payload.items():
        enc = encoding.get(name) or {}
        style = enc.get("style", "form")
        explode = enc.get("explode", style == "form")
        pairs.extend(query_pairs(str(name), value, style, explode))
    return "&".join(f"{k}={v}" for k, v in pairs).encode()


def _decode(data: Any, what: str) -> bytes:
    if not isinstance(data, str):
        raise TargetError(f"{what} must be a base64 string")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise TargetError(f"{what} is not valid base64") from None


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", " ").replace("\n", " ")


def _multipart(payload: Any, files: set[str], encoding: JSON) -> tuple[bytes, str]:
    if not isinstance(payload, dict):
        raise TargetError("A multipart body must be an object of parts")
    boundary = "gatewright-" + secrets.token_hex(12)
    chunks: list[bytes] = []
    for name, value in payload.items():
        disposition = f'form-data; name="{_quoted(str(name))}"'
        if name in files:
            if not isinstance(value, dict):
                raise TargetError(f"File part {name} must be an object with content (base64) and filename")
            data = _decode(value.get("content"), f"The content of file part {name}")
            filename = str(value.get("filename") or name)
            ctype = str(value.get("contentType") or "application/octet-stream")
            disposition += f'; filename="{_quoted(filename)}"'
        elif isinstance(value, dict | list):
            data, ctype = orjson.dumps(value), "application/json"
        else:
            data, ctype = scalar(value).encode(), "text/plain; charset=utf-8"
        ctype = str((encoding.get(name) or {}).get("contentType") or ctype).split(",", 1)[0].strip()
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: {_quoted(ctype)}\r\n\r\n"
        chunks.extend([head.encode(), data, b"\r\n"])
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def encode_body(spec: JSON | None, arguments: JSON, headers: dict[str, str]) -> bytes | None:
    """The body bytes (and its Content-Type in ``headers``), or None when no body is sent."""
    if spec is None:
        return None
    send, payload = _payload(spec, arguments)
    if not send:
        return None
    kind = spec.get("kind", "json")
    media: str = spec["media"]
    if kind == "form":
        body = _form(payload, spec.get("encoding") or {})
    elif kind == "multipart":
        body, media = _multipart(payload, set(spec.get("files") or ()), spec.get("encoding") or {})
    elif kind == "text":
        body = (payload if isinstance(payload, str) else scalar(payload)).encode()
    elif kind == "binary":
        body = _decode(payload, "The body")
    else:
        body = orjson.dumps(payload)
    headers["Content-Type"] = media
    return body
