"""MCP over plain HTTP, as AgentCore users write it with ``requests``: bodies, headers and the 2026 envelope."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import requests

from support.specs import petstore

MODERN = "2026-07-28"
# The "tight" gatewright process of tests/e2e/conftest.py: pages of 2 tools, a 4 KiB request body limit.
TIGHT_PAGE = 2
TIGHT_BODY = 4096
HANDSHAKE = ("2025-03-26", "2025-06-18", "2025-11-25")
# What the MCP SDK clients send.
BOTH = "application/json, text/event-stream"
_NAMED = {"tools/call": "name", "prompts/get": "name", "resources/read": "uri"}


def post(
    url: str, body: Any = None, *, headers: Mapping[str, str | None] | None = None, data: bytes | None = None
) -> requests.Response:
    """POST a JSON body (or raw ``data``); a header set to None is not sent at all."""
    payload = data if data is not None else json.dumps(body).encode()
    merged: dict[str, str | None] = {"Content-Type": "application/json", **(headers or {})}
    return requests.post(url, data=payload, headers=merged, timeout=30)


def request(method: str, params: dict[str, Any] | None = None, id: Any = 1) -> dict[str, Any]:
    body: dict[str, Any] = {"jsonrpc": "2.0", "id": id, "method": method}
    if params is not None:
        body["params"] = params
    return body


def result_of(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "error" not in body, body
    result: dict[str, Any] = body["result"]
    return result


def error_of(response: requests.Response) -> dict[str, Any]:
    body = response.json()
    assert "result" not in body, body
    error: dict[str, Any] = body["error"]
    return error


def call_tool(url: str, name: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
    return result_of(post(url, request("tools/call", {"name": name, "arguments": arguments or {}})))


def text_of(result: dict[str, Any]) -> str:
    return "".join(item.get("text", "") for item in result["content"])


def modern_post(
    url: str,
    method: str,
    params: dict[str, Any] | None = None,
    *,
    id: Any = 1,
    version: str = MODERN,
    headers: Mapping[str, str | None] | None = None,
    meta: dict[str, Any] | None = None,
) -> requests.Response:
    """A 2026-07-28 request: the ``_meta`` envelope plus the routing headers that mirror the body."""
    envelope = {
        "io.modelcontextprotocol/protocolVersion": version,
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "requests", "version": "1"},
        **(meta or {}),
    }
    body_params = {**(params or {}), "_meta": envelope}
    routing: dict[str, str | None] = {"Accept": BOTH, "MCP-Protocol-Version": version, "Mcp-Method": method}
    field = _NAMED.get(method)
    if field is not None and field in body_params:
        routing["Mcp-Name"] = str(body_params[field])
    return post(url, request(method, body_params, id), headers={**routing, **(headers or {})})


def faults_spec(base_url: str) -> dict[str, Any]:
    """The PetStore plus ``Fail`` (the upstream answers 500 with a body that must stay hidden) and ``Echo``
    (``/echo/items/{id}?n=``, recorded by the upstream, so a test can tell whether a call went out)."""
    spec = petstore(base_url)
    spec["paths"]["/fail"] = {"get": {"operationId": "Fail", "responses": {"500": {"description": "boom"}}}}
    spec["paths"]["/echo/items/{id}"] = {
        "get": {
            "operationId": "Echo",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "n", "in": "query", "required": True, "schema": {"type": "integer", "minimum": 1}},
            ],
            "responses": {"200": {"description": "what the upstream received"}},
        }
    }
    return spec
