"""Request bodies: which media type a tool sends, and how the body becomes arguments.

One media type is chosen per operation, in this order: JSON (``application/json``, ``*+json``, ``*/*``),
``application/x-www-form-urlencoded``, ``multipart/form-data``, text (``text/*``, XML, YAML), and any other
type as raw bytes. A JSON, form or multipart body that is a plain object with named properties is
flattened: its top-level properties become arguments (as AgentCore does). Any other body is one ``body``
argument. In multipart bodies, a binary property (``format: binary``/``base64``, Swagger's ``type: file``)
is a file part: the caller passes ``{"content": <base64>, "filename": ..., "contentType": ...}``. A raw
body is a base64 string; a text body is a string.
"""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]
FILE_SCHEMA: JSON = {
    "type": "object",
    "description": "A file: its bytes in base64, and optionally its name and media type",
    "properties": {
        "content": {"type": "string", "contentEncoding": "base64", "description": "The file's bytes, base64"},
        "filename": {"type": "string"},
        "contentType": {"type": "string"},
    },
    "required": ["content"],
}
_TEXT_TYPES = ("text/", "application/xml", "application/yaml", "application/x-yaml", "application/javascript")


def media_kind(media: str) -> str:
    """``json``, ``form``, ``multipart``, ``text`` or ``binary`` for a media type (parameters ignored)."""
    base = media.split(";", 1)[0].strip().lower()
    if base in ("application/json", "*/*", "application/*") or base.endswith("+json") or base.endswith("/json"):
        return "json"
    if base == "application/x-www-form-urlencoded":
        return "form"
    if base.startswith("multipart/"):
        return "multipart"
    if base.startswith(_TEXT_TYPES) or base.endswith("+xml"):
        return "text"
    return "binary"


_ORDER = {"json": 0, "form": 1, "multipart": 2, "text": 3, "binary": 4}


def choose_media(content: JSON) -> tuple[str, str] | None:
    """(media type, kind) of the preferred entry of a request body's ``content``."""
    ranked = sorted(((_ORDER[media_kind(m)], i, m) for i, m in enumerate(content)), key=lambda t: t[:2])
    if not ranked:
        return None
    media = ranked[0][2]
    kind = media_kind(media)
    if media.strip() in ("*/*", "application/*"):
        media = "application/json"
    return media, kind


def flattenable(schema: Any) -> bool:
    """A body whose top-level properties can become arguments: a plain object with named properties."""
    return (
        isinstance(schema, dict)
        and schema.get("type") in ("object", None)
        and isinstance(schema.get("properties"), dict)
        and bool(schema["properties"])
        and not any(k in schema for k in ("oneOf", "anyOf", "allOf", "$ref", "not", "if"))
        and schema.get("additionalProperties") in (None, False)
        and schema.get("patternProperties") is None
    )


def is_file(schema: Any) -> bool:
    """A multipart property sent as a file part."""
    if not isinstance(schema, dict):
        return False
    if schema.get("type") == "array":
        return False
    return schema.get("format") in ("binary", "base64") or "contentMediaType" in schema


def encodings(media_object: JSON) -> JSON:
    """Per-property ``encoding`` of a form or multipart body: {name: {style, explode, contentType}}."""
    out: JSON = {}
    raw = media_object.get("encoding")
    if not isinstance(raw, dict):
        return out
    for name, enc in raw.items():
        if isinstance(enc, dict):
            kept = {k: enc[k] for k in ("style", "explode", "contentType") if k in enc}
            if kept:
                out[str(name)] = kept
    return out


def whole_schema(kind: str, converted: Any) -> Any:
    """The schema of the single ``body`` argument for a body that is not flattened."""
    if kind == "text":
        base = converted if isinstance(converted, dict) and converted.get("type") == "string" else {}
        return {**base, "type": "string"}
    if kind == "binary":
        return {"type": "string", "contentEncoding": "base64", "description": "The request body's bytes, base64"}
    return converted
