"""Refusals of the MCP endpoint's inbound authorizers, as RFC 6750 / MCP authorization expects them.

401 ``invalid_token`` for a missing, malformed, expired or wrongly signed token; 403 ``insufficient_scope``
for a valid token that the gateway's rules refuse. Both name the protected-resource metadata (RFC 9728)
and the scopes the gateway wants, so MCP clients can discover how to get a token.
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from gatewright.web.asgi import JSON_TYPE, HttpError


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def challenge(
    status: int, error: str, description: str, *, resource_metadata: str, scopes: Sequence[str] = ()
) -> HttpError:
    parts = [f'error="{error}"', f'error_description="{_quote(description)}"']
    if scopes:
        parts.append(f'scope="{_quote(" ".join(scopes))}"')
    parts.append(f'resource_metadata="{resource_metadata}"')
    header = "Bearer " + ", ".join(parts)
    body = orjson.dumps({"error": error, "error_description": description})
    return HttpError(status, body, [JSON_TYPE, (b"www-authenticate", header.encode())])


def unauthorized(description: str, *, resource_metadata: str, scopes: Sequence[str] = ()) -> HttpError:
    return challenge(401, "invalid_token", description, resource_metadata=resource_metadata, scopes=scopes)


def forbidden(description: str, *, resource_metadata: str, scopes: Sequence[str] = ()) -> HttpError:
    return challenge(403, "insufficient_scope", description, resource_metadata=resource_metadata, scopes=scopes)
