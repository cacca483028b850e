"""An upstream for outbound-credential and header-forwarding tests, on 127.0.0.1.

``/echo/{tail}`` (any method) answers with what it received (method, path, raw query, lower-cased headers,
body) and sets two response headers, ``X-Trace-Id`` and ``X-Hidden``, so a test can check which ones a gateway
returns. ``/gate/{key}/once`` refuses with 401 the first bearer token it sees for ``key`` and accepts every
other one (a token the authorization server revoked); ``/gate/{key}/never`` refuses every request with 401.
``tokens(key)`` lists the bearer tokens each gate received, in order, so tests count fetches and retries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from support.net import free_port
from support.upstream import serve_app


@dataclass
class IdentityUpstream:
    url: str
    echoes: list[dict[str, Any]] = field(default_factory=list)
    gates: dict[str, list[str]] = field(default_factory=dict)

    def tokens(self, key: str) -> list[str]:
        return list(self.gates.get(key, []))


def echo_spec(base_url: str, *, operation: str = "echo") -> dict[str, Any]:
    """OpenAPI: ``echo`` is GET /echo/call with an optional query parameter ``q``."""
    return {
        "openapi": "3.0.1",
        "info": {"title": "Echo", "version": "1.0"},
        "servers": [{"url": base_url}],
        "paths": {
            "/echo/call": {
                "get": {
                    "operationId": operation,
                    "parameters": [{"name": "q", "in": "query", "required": False, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "what the upstream received"}},
                }
            }
        },
    }


def gate_spec(base_url: str, key: str) -> dict[str, Any]:
    """OpenAPI: ``once`` and ``never`` on the gates of ``key``."""
    ok = {"200": {"description": "ok"}}
    return {
        "openapi": "3.0.1",
        "info": {"title": "Gate", "version": "1.0"},
        "servers": [{"url": f"{base_url}/gate/{key}"}],
        "paths": {
            "/once": {"get": {"operationId": "once", "responses": ok}},
            "/never": {"get": {"operationId": "never", "responses": ok}},
        },
    }


def start_identity_upstream() -> tuple[IdentityUpstream, Callable[[], None]]:
    port = free_port()
    state = IdentityUpstream(f"http://127.0.0.1:{port}")

    async def echo(request: web.Request) -> web.Response:
        seen = {
            "method": request.method,
            "path": request.raw_path.split("?", 1)[0],
            "query": request.query_string,
            "headers": {k.lower(): v for k, v in request.headers.items()},
            "body": (await request.read()).decode("utf-8", "replace"),
        }
        state.echoes.append(seen)
        return web.json_response(seen, headers={"X-Trace-Id": "trace-42", "X-Hidden": "not-for-callers"})

    async def gate(request: web.Request) -> web.Response:
        key, mode = request.match_info["key"], request.match_info["mode"]
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        seen = state.gates.setdefault(key, [])
        first = seen[0] if seen else token
        seen.append(token)
        if scheme.lower() != "bearer" or mode == "never" or token == first:
            return web.json_response(
                {"error": "invalid_token"}, status=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
            )
        return web.json_response({"ok": True, "calls": len(seen)})

    app = web.Application()
    app.add_routes([web.route("*", "/echo/{tail:.*}", echo), web.route("*", "/gate/{key}/{mode:once|never}", gate)])
    return state, serve_app(app, port, "test-identity-upstream")


def identity_upstream_session() -> Iterator[IdentityUpstream]:
    """Body of a session fixture."""
    state, stop = start_identity_upstream()
    try:
        yield state
    finally:
        stop()
