"""Outbound auth objects (auth/outbound/) against real HTTP servers on 127.0.0.1: API-key placement, passthrough,
the client-credentials token cache (single-flight, refresh after a 401, errors), the send helper's retry and its
redaction of credentials from failure details, and the resolver's one build per target."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

import pytest
from aiohttp import web

from gatewright.auth.outbound.api_key import ApiKeyAuth
from gatewright.auth.outbound.base import AuthUnavailable, send
from gatewright.auth.outbound.oauth import ClientCredentials
from gatewright.auth.outbound.passthrough import Passthrough
from gatewright.auth.outbound.resolver import CredentialResolver
from gatewright.resources import API_KEY_PROVIDER
from gatewright.secrets import SecretBox
from gatewright.settings import Settings
from gatewright.store import open_store
from gatewright.upstream.http import HttpClient, OutboundRequest, UpstreamError
from support.net import free_port


@dataclass
class TokenServer:
    url: str
    forms: list[dict[str, list[str]]] = field(default_factory=list)
    basics: list[tuple[str, str]] = field(default_factory=list)
    status: int = 200
    latency: float = 0.05  # the endpoint's own response time, so concurrent callers overlap
    issued: int = 0
    expires_in: int = 3600


@pytest.fixture
async def token_server() -> AsyncIterator[TokenServer]:
    port = free_port()
    state = TokenServer(f"http://127.0.0.1:{port}/token")

    async def token(request: web.Request) -> web.Response:
        state.forms.append(parse_qs((await request.read()).decode()))
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme == "Basic":
            user, _, password = base64.b64decode(value).decode().partition(":")
            state.basics.append((unquote(user), unquote(password)))
        await asyncio.sleep(state.latency)
        if state.status != 200:
            return web.json_response({"error": "invalid_client"}, status=state.status)
        state.issued += 1
        body = {"access_token": f"token-{state.issued}", "token_type": "Bearer", "expires_in": state.expires_in}
        return web.json_response(body)

    app = web.Application()
    app.router.add_post("/token", token)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield state
    await runner.cleanup()


@pytest.fixture
async def http() -> AsyncIterator[HttpClient]:
    client = HttpClient(timeout=5)
    yield client
    await client.aclose()


def _request(url: str = "https://api.example.test/v1/items?page=2") -> OutboundRequest:
    return OutboundRequest("GET", url, {"Accept": "application/json"})


async def test_api_key_in_a_header() -> None:
    request = _request()
    await ApiKeyAuth("k1", name=None, prefix=None, location="HEADER").apply(request, None)
    assert request.headers["x-api-key"] == "k1"
    await ApiKeyAuth("k2", name="Authorization", prefix="Bearer ", location="HEADER").apply(request, "caller")
    assert request.headers["Authorization"] == "Bearer k2"
    assert request.url == "https://api.example.test/v1/items?page=2"


async def test_api_key_in_the_query() -> None:
    request = _request()
    await ApiKeyAuth("k/+ &=", name=None, prefix=None, location="QUERY_PARAMETER").apply(request, None)
    assert request.url == "https://api.example.test/v1/items?page=2&api_key=k%2F%2B%20%26%3D"
    bare = _request("https://api.example.test/v1")
    await ApiKeyAuth("k", name="key", prefix="p-", location="QUERY_PARAMETER").apply(bare, None)
    assert bare.url == "https://api.example.test/v1?key=p-k"
    assert "x-api-key" not in bare.headers


async def test_passthrough_needs_a_caller_token() -> None:
    request = _request()
    await Passthrough().apply(request, "caller.jwt.token")
    assert request.headers["Authorization"] == "Bearer caller.jwt.token"
    with pytest.raises(AuthUnavailable):
        await Passthrough().apply(_request(), None)


def _credentials(http: HttpClient, server: TokenServer, **extra: Any) -> ClientCredentials:
    options: dict[str, Any] = {"client_id": "id:with/odd chars", "client_secret": "se cr+et", "scopes": ["a", "b/c"]}
    return ClientCredentials(http, token_endpoint=server.url, **(options | extra))


async def test_one_token_for_concurrent_callers(http: HttpClient, token_server: TokenServer) -> None:
    auth = _credentials(http, token_server)
    tokens = await asyncio.gather(*(auth.token() for _ in range(20)))
    assert set(tokens) == {"token-1"}
    assert await auth.token() == "token-1"
    assert auth.fetches == 1
    form = token_server.forms[0]
    assert form["grant_type"] == ["client_credentials"]
    assert form["scope"] == ["a b/c"]
    assert token_server.basics == [("id:with/odd chars", "se cr+et")]


async def test_a_token_is_replaced_before_it_expires(http: HttpClient, token_server: TokenServer) -> None:
    token_server.expires_in = 2  # replaced after 1 s: half its lifetime when that is under a minute
    auth = _credentials(http, token_server)
    assert await auth.token() == "token-1"
    assert await auth.token() == "token-1"
    deadline = time.monotonic() + 5
    while (token := await auth.token()) == "token-1":
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    assert token == "token-2"
    assert auth.fetches == 2


async def test_a_cancelled_first_caller_does_not_fail_the_others(http: HttpClient, token_server: TokenServer) -> None:
    token_server.latency = 0.3
    auth = _credentials(http, token_server)
    first = asyncio.create_task(auth.token())
    await asyncio.sleep(0)  # the first caller starts the token request
    others = [asyncio.create_task(auth.token()) for _ in range(5)]
    await asyncio.sleep(0.05)
    first.cancel()
    assert set(await asyncio.gather(*others)) == {"token-1"}
    assert first.cancelled()
    assert auth.fetches == 1


async def test_client_secret_post_and_custom_parameters(http: HttpClient, token_server: TokenServer) -> None:
    auth = _credentials(http, token_server, method="CLIENT_SECRET_POST", custom={"audience": "https://api"})
    await auth.token()
    form = token_server.forms[0]
    assert form["client_id"] == ["id:with/odd chars"]
    assert form["client_secret"] == ["se cr+et"]
    assert form["audience"] == ["https://api"]
    assert token_server.basics == []


async def test_a_401_drops_only_the_token_it_was_sent_with(http: HttpClient, token_server: TokenServer) -> None:
    auth = _credentials(http, token_server)
    stale = _request()
    await auth.apply(stale, None)
    assert await auth.refresh(stale) is True
    fresh = _request()
    await auth.apply(fresh, None)
    assert fresh.headers["Authorization"] == "Bearer token-2"
    # a second 401 for the first token (a call that was in flight) keeps the new one
    assert await auth.refresh(stale) is True
    assert await auth.token() == "token-2"
    assert auth.fetches == 2


async def test_a_refused_token_request_fails_every_waiter_and_is_retried_later(
    http: HttpClient, token_server: TokenServer
) -> None:
    token_server.status = 401
    auth = _credentials(http, token_server)
    results = await asyncio.gather(*(auth.token() for _ in range(5)), return_exceptions=True)
    assert all(isinstance(r, AuthUnavailable) for r in results)
    assert auth.fetches == 1
    assert "se cr+et" not in str(results[0])
    assert "se cr+et" not in str(getattr(results[0], "detail", ""))
    token_server.status = 200
    assert await auth.token() == "token-1"


async def test_an_unreachable_token_endpoint_is_auth_unavailable(http: HttpClient) -> None:
    auth = ClientCredentials(
        http, token_endpoint=f"http://127.0.0.1:{free_port()}/token", client_id="c", client_secret="s", scopes=[]
    )
    with pytest.raises(AuthUnavailable, match="could not be reached"):
        await auth.token()


async def test_send_retries_once_after_a_401(http: HttpClient, token_server: TokenServer) -> None:
    port = free_port()
    seen: list[str] = []

    async def upstream(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization", ""))
        return web.Response(status=200 if len(seen) > 1 else 401)

    app = web.Application()
    app.router.add_get("/x", upstream)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        auth = _credentials(http, token_server)
        response = await send(http, OutboundRequest("GET", f"http://127.0.0.1:{port}/x", {}), auth)
        assert response.status == 200
        assert seen == ["Bearer token-1", "Bearer token-2"]
    finally:
        await runner.cleanup()


async def test_a_failure_detail_never_shows_a_query_api_key(http: HttpClient) -> None:
    auth = ApiKeyAuth("query-secret-value", name="key", prefix=None, location="QUERY_PARAMETER")
    url = f"http://127.0.0.1:{free_port()}/v1/items?page=2"
    with pytest.raises(UpstreamError) as raised:
        await send(http, OutboundRequest("GET", url, {}), auth)
    assert "query-secret-value" not in f"{raised.value.message} {raised.value.detail}"
    assert url in (raised.value.detail or "")


async def test_the_resolver_builds_one_auth_object_per_target(http: HttpClient, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    store = open_store(settings)
    await store.open()
    try:
        box = SecretBox(settings)
        await store.create(API_KEY_PROVIDER, "p", "", "p", {"apiKey": box.encrypt("k")})
        resolver = CredentialResolver(store, box, http, settings)
        arn = "arn:aws:acps:us-east-1:123456789012:token-vault/default/apikeycredentialprovider/p"
        config = [
            {
                "credentialProviderType": "API_KEY",
                "credentialProvider": {"apiKeyCredentialProvider": {"providerArn": arn}},
            }
        ]
        built = await asyncio.gather(*(resolver.auth_for("t1", config) for _ in range(20)))
        assert len({id(b) for b in built}) == 1
        resolver.invalidate("p")
        assert await resolver.auth_for("t1", config) is not built[0]
        await store.delete(API_KEY_PROVIDER, "p")
        resolver.forget("t1")
        with pytest.raises(AuthUnavailable, match="no longer exists"):
            await resolver.auth_for("t1", config)
    finally:
        await store.close()
