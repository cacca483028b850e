"""A real HTTP upstream on 127.0.0.1 that wants credentials: OAuth bearer JWTs or an API key.

``/oauth/...`` (any method) wants ``Authorization: Bearer <JWT>`` from ``issuer``: discovery and JWKS are fetched
on the first call and again when a token names an unknown ``kid``; the signature must be RS256 or ES256, ``iss``
the issuer, ``exp`` in the future, ``aud`` the expected ``audience`` (when given). Otherwise 401 with
``WWW-Authenticate: Bearer error="invalid_token"``. A valid token without every required scope gets 403
``error="insufficient_scope"``. On success it answers JSON describing the caller (``sub``, ``client_id``,
``scope``, ``aud``), the request (``method``, ``path``, ``query``, ``body``) and ``tokensSeen``: how many distinct
valid tokens it has accepted so far, so a test can assert that a gateway fetched one token, not one per call.

``/apikey/...`` (any method) wants the API key in ``x-api-key`` or the ``api_key`` query parameter; 403 otherwise.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet, KeySetSerialization

from support.net import free_port
from support.upstream import serve_app

ALGORITHMS = ["RS256", "ES256"]
FETCH_TIMEOUT = aiohttp.ClientTimeout(total=10)
SESSION = web.AppKey("session", aiohttp.ClientSession)


@dataclass
class ProtectedUpstream:
    url: str
    issuer: str
    audience: str | None
    scopes: tuple[str, ...]
    api_key: str = field(repr=False)
    token_hashes: set[str] = field(default_factory=set)
    calls: list[dict[str, Any]] = field(default_factory=list)
    jwks_fetches: int = 0
    _keys: KeySet | None = field(default=None, repr=False)

    @property
    def tokens_seen(self) -> int:
        """How many distinct valid bearer tokens ``/oauth/...`` has accepted."""
        return len(self.token_hashes)

    def reset(self) -> None:
        self.token_hashes.clear()
        self.calls.clear()


class _Refused(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error


async def _fetch_json(session: aiohttp.ClientSession, url: str) -> Any:
    async with session.get(url, timeout=FETCH_TIMEOUT) as response:
        response.raise_for_status()
        return await response.json(content_type=None)


async def _refresh_keys(state: ProtectedUpstream, session: aiohttp.ClientSession) -> KeySet:
    discovery: dict[str, Any] = await _fetch_json(session, f"{state.issuer}/.well-known/openid-configuration")
    if discovery.get("issuer") != state.issuer:
        raise _Refused(401, "invalid_token", "discovery document names another issuer")
    jwks: KeySetSerialization = await _fetch_json(session, discovery["jwks_uri"])
    state._keys = KeySet.import_key_set(jwks)
    state.jwks_fetches += 1
    return state._keys


async def _verify(state: ProtectedUpstream, session: aiohttp.ClientSession, value: str) -> dict[str, Any]:
    try:
        keys = state._keys or await _refresh_keys(state, session)
        try:
            token = jwt.decode(value, keys, algorithms=ALGORITHMS)
        except InvalidKeyIdError:
            token = jwt.decode(value, await _refresh_keys(state, session), algorithms=ALGORITHMS)
        audience: jwt.ClaimsOption = {"essential": True, "value": state.audience} if state.audience else {}
        registry = jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": state.issuer}, exp={"essential": True}, aud=audience
        )
        registry.validate(token.claims)
    except (JoseError, ValueError) as error:
        raise _Refused(401, "invalid_token", type(error).__name__) from error
    except aiohttp.ClientError as error:  # the issuer is unreachable: fail closed
        raise _Refused(401, "invalid_token", "could not fetch the issuer's keys") from error
    granted = set(str(token.claims.get("scope", "")).split())
    if not set(state.scopes) <= granted:
        raise _Refused(403, "insufficient_scope", "the token lacks a required scope")
    return token.claims


def _oauth_handler(state: ProtectedUpstream) -> Callable[[web.Request], Any]:
    async def handle(request: web.Request) -> web.Response:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        try:
            if scheme.lower() != "bearer" or not value.strip():
                raise _Refused(401, "invalid_token", "missing bearer token")
            claims = await _verify(state, request.app[SESSION], value.strip())
        except _Refused as refused:
            state.calls.append({"path": request.path, "status": refused.status, "error": refused.error})
            challenge = f'Bearer error="{refused.error}", error_description="{refused}"'
            body = {"error": refused.error}
            return web.json_response(body, status=refused.status, headers={"WWW-Authenticate": challenge})
        state.token_hashes.add(hashlib.sha256(value.strip().encode()).hexdigest())
        state.calls.append({"path": request.path, "status": 200, "client_id": claims.get("client_id")})
        return web.json_response(
            {
                "sub": claims.get("sub"),
                "client_id": claims.get("client_id"),
                "scope": claims.get("scope"),
                "aud": claims.get("aud"),
                "tokensSeen": state.tokens_seen,
                "method": request.method,
                "path": request.path,
                "query": request.query_string,
                "body": (await request.read()).decode("utf-8", "replace"),
            }
        )

    return handle


def _api_key_handler(state: ProtectedUpstream) -> Callable[[web.Request], Any]:
    async def handle(request: web.Request) -> web.Response:
        via = "header" if request.headers.get("x-api-key") == state.api_key else None
        if via is None and request.query.get("api_key") == state.api_key:
            via = "query"
        state.calls.append({"path": request.path, "status": 200 if via else 403, "via": via})
        if via is None:
            return web.json_response({"message": "Forbidden"}, status=403)
        return web.json_response({"ok": True, "via": via, "method": request.method, "path": request.path})

    return handle


async def _client_session(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession() as session:
        app[SESSION] = session
        yield


def start_protected_upstream(
    issuer: str, audience: str | None = None, scopes: Sequence[str] = (), api_key: str = "test-api-key"
) -> tuple[ProtectedUpstream, Callable[[], None]]:
    """Start the upstream; returns it and a stop function."""
    port = free_port()
    state = ProtectedUpstream(f"http://127.0.0.1:{port}", issuer.rstrip("/"), audience, tuple(scopes), api_key)
    app = web.Application()
    app.cleanup_ctx.append(_client_session)
    app.add_routes(
        [
            web.route("*", "/oauth/{tail:.*}", _oauth_handler(state)),
            web.route("*", "/apikey/{tail:.*}", _api_key_handler(state)),
        ]
    )
    return state, serve_app(app, port, "test-protected-upstream")


def openapi_document(base_url: str) -> dict[str, Any]:
    """An OpenAPI document for this upstream: ``whoami`` (OAuth), ``ping`` (API key in a header or query)."""
    ok = {"200": {"description": "ok"}}
    return {
        "openapi": "3.0.1",
        "info": {"title": "ProtectedUpstream", "version": "1.0"},
        "servers": [{"url": base_url}],
        "paths": {
            "/oauth/whoami": {"get": {"operationId": "whoami", "responses": ok}},
            "/apikey/ping": {"get": {"operationId": "ping", "responses": ok}},
        },
    }
