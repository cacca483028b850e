"""Request checks of the 2026-07-28 wire: the ``_meta`` envelope and the routing headers.

Order (the SDK's): duplicated routing headers, the ``_meta`` envelope, header/body agreement
(``MCP-Protocol-Version``, ``Mcp-Method``, ``Mcp-Name``), then the version itself.

A notification is acknowledged (202) once its version header is supported; a JSON-RPC response is not a
valid body on this wire (there are no server-to-client requests to answer).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from typing import Any

from gatewright.mcp.jsonrpc import (
    HEADER_MISMATCH,
    INVALID_PARAMS,
    INVALID_REQUEST,
    UNSUPPORTED_PROTOCOL_VERSION,
    JsonRpcError,
    Message,
)
from gatewright.mcp.versions import modern_supported, unsupported_hint

VERSION_KEY = "io.modelcontextprotocol/protocolVersion"
CAPABILITIES_KEY = "io.modelcontextprotocol/clientCapabilities"
_NAME_FIELD = {"tools/call": "name", "prompts/get": "name", "resources/read": "uri"}
_ROUTING = ("mcp-protocol-version", "mcp-method", "mcp-name")


def _decode(value: str) -> str:
    value = value.strip()
    if value.startswith("=?base64?") and value.endswith("?="):
        try:
            return base64.b64decode(value[9:-2], validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return value
    return value


def _unsupported(version: str, allowed: Sequence[str]) -> JsonRpcError:
    return JsonRpcError(
        UNSUPPORTED_PROTOCOL_VERSION,
        "Unsupported protocol version",
        data={"supported": unsupported_hint(allowed), "requested": version},
    )


def check_notice(msg: Message, headers: Mapping[str, str], allowed: Sequence[str]) -> None:
    """Validate a body that is not a request (a notification, or a misplaced response); raises JsonRpcError."""
    if msg.is_response:
        raise JsonRpcError(INVALID_REQUEST, "Body must be a single JSON-RPC request or notification object")
    version = headers.get("mcp-protocol-version", "").strip()
    if version not in modern_supported(allowed):
        raise _unsupported(version, allowed)


def check(
    msg: Message, headers: Mapping[str, str], raw_headers: Sequence[tuple[bytes, bytes]], allowed: Sequence[str]
) -> str:
    """Validate a modern request; return its protocol version (raises JsonRpcError).

    ``allowed`` is every version the gateway speaks; only its stateless ones are accepted here.
    """
    seen: set[bytes] = set()
    for name, _ in raw_headers:
        lower = name.lower()
        if lower.decode("latin-1") in _ROUTING:
            if lower in seen:
                raise JsonRpcError(HEADER_MISMATCH, f"{lower.decode()} header appears more than once")
            seen.add(lower)
    meta = msg.params.get("_meta")
    if not isinstance(meta, dict) or VERSION_KEY not in meta or CAPABILITIES_KEY not in meta:
        raise JsonRpcError(
            INVALID_PARAMS,
            f"params._meta must be an object carrying the required '{VERSION_KEY}' and '{CAPABILITIES_KEY}' "
            "envelope keys",
        )
    version: Any = meta[VERSION_KEY]
    if headers.get("mcp-protocol-version", "").strip() != version:
        raise JsonRpcError(
            HEADER_MISMATCH, "mcp-protocol-version header does not match the request envelope's protocol version"
        )
    if headers.get("mcp-method", "").strip() != msg.method:
        raise JsonRpcError(HEADER_MISMATCH, "mcp-method header does not match the request body's method")
    field = _NAME_FIELD.get(msg.method or "")
    if field is not None and field in msg.params and _decode(headers.get("mcp-name", "")) != msg.params[field]:
        raise JsonRpcError(HEADER_MISMATCH, f"mcp-name header does not match the request body's '{field}' parameter")
    if not isinstance(version, str):
        raise JsonRpcError(INVALID_PARAMS, f"{VERSION_KEY} must be a string")
    if version not in modern_supported(allowed):
        raise _unsupported(version, allowed)
    return version
