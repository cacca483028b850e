"""Arguments as the service expects them on the wire.

Timestamps arrive as ISO 8601 strings (or seconds since the epoch) and leave in the format of where they
go: ``epoch-seconds`` in JSON bodies, ``http-date`` in headers, ``date-time`` in labels and query strings,
unless ``@timestampFormat`` says otherwise. restJson1 body members use their ``@jsonName``. Labels, query
values and headers are written as text (lists as repeated query keys, or comma-separated headers).
"""

from __future__ import annotations

import base64
import binascii
import email.utils
from datetime import UTC, datetime
from typing import Any

from gatewright.targets.base import TargetError

JSON = dict[str, Any]


def _bad(where: str, why: str) -> TargetError:
    return TargetError(f"Invalid argument '{where}': {why}")


def parse_time(value: Any, where: str) -> datetime:
    if isinstance(value, bool):
        raise _bad(where, "expected a date-time")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise _bad(where, "expected an ISO 8601 date-time such as 2024-01-31T12:00:00Z") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise _bad(where, "expected a date-time")


def format_time(value: Any, fmt: str, where: str) -> Any:
    moment = parse_time(value, where)
    if fmt == "epoch-seconds":
        seconds = moment.timestamp()
        return int(seconds) if seconds.is_integer() else round(seconds, 3)
    if fmt == "http-date":
        return email.utils.format_datetime(moment.astimezone(UTC), usegmt=True)
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds" if moment.microsecond else "seconds")
    return text.replace("+00:00", "Z")


def to_wire(shapes: JSON, target: str | None, value: Any, fmt: str | None, where: str) -> Any:
    """``value`` of shape ``target`` for a JSON body (``target`` None: sent as given)."""
    desc = shapes.get(target) if target else None
    if desc is None or value is None:
        return value
    kind = desc["k"]
    if kind == "ts":
        return format_time(value, fmt or desc.get("f") or "epoch-seconds", where)
    if kind == "list" and isinstance(value, list):
        _, item, item_fmt = desc["m"]
        return [to_wire(shapes, item, v, item_fmt, f"{where}[{i}]") for i, v in enumerate(value)]
    if kind == "map" and isinstance(value, dict):
        _, item, item_fmt = desc["m"]
        return {k: to_wire(shapes, item, v, item_fmt, f"{where}.{k}") for k, v in value.items()}
    if kind == "struct" and isinstance(value, dict):
        return struct_to_wire(shapes, desc["m"], value, where)
    return value


def struct_to_wire(shapes: JSON, members: JSON, value: JSON, where: str = "") -> JSON:
    out: JSON = {}
    for name, item in value.items():
        entry = members.get(name)
        if entry is None:
            continue
        wire, target, fmt = entry
        out[wire] = to_wire(shapes, target, item, fmt, f"{where}.{name}" if where else name)
    return out


def decode_blob(value: Any, where: str) -> bytes:
    if not isinstance(value, str):
        raise _bad(where, "expected a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _bad(where, "not valid base64") from None


def text_value(kind: str, value: Any, fmt: str | None, default_fmt: str, where: str) -> str:
    """One label, query or header value as text."""
    if kind == "t":
        return str(format_time(value, fmt or default_fmt, where))
    if kind == "b" or isinstance(value, bool):
        return "true" if value else "false"
    if kind == "s64" and isinstance(value, str):
        return base64.b64encode(value.encode()).decode()
    if kind == "blob" and isinstance(value, str):
        decode_blob(value, where)
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if kind == "i" else str(value)
    if isinstance(value, dict | list):
        raise _bad(where, "expected a single value")
    return str(value)


def header_list(kind: str, values: list[Any], fmt: str | None, where: str) -> str:
    items = [text_value(kind, v, fmt, "http-date", where) for v in values]
    quoted = [
        '"' + i.replace("\\", "\\\\").replace('"', '\\"') + '"' if ("," in i or '"' in i) and kind != "t" else i
        for i in items
    ]
    return ", ".join(quoted)
