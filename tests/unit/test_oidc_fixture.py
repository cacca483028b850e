"""The identity test fixtures end to end: oidc-provider on 127.0.0.1 and the protected upstream that trusts it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from joserfc import jws, jwt
from joserfc.jwk import KeySet

from support.net import wait_until
from support.oidc_provider import (
    OidcProvider,
    OidcProviderFactory,
    OidcTokenError,
    oidc_provider_factory_session,
    oidc_provider_session,
)
from support.protected_upstream import ProtectedUpstream, start_protected_upstream

CLIENTS: list[dict[str, Any]] = [
    {"client_id": "agent", "scopes": ["gateway/read", "upstream/invoke"]},
    {"client_id": "reader", "scope": "gateway/read", "client_secret": "reader-secret"},
    {"client_id": "brief", "scopes": ["upstream/invoke"], "ttl": 1},
]


@pytest.fixture(scope="module")
def oidc() -> Iterator[OidcProvider]:
    yield from oidc_provider_session(CLIENTS)


@pytest.fixture(scope="module")
def providers() -> Iterator[OidcProviderFactory]:
    yield from oidc_provider_factory_session()


@pytest.fixture
def protected(oidc: OidcProvider) -> Iterator[ProtectedUpstream]:
    upstream, stop = start_protected_upstream(oidc.issuer, oidc.default_resource, ["upstream/invoke"], "k-123")
    yield upstream
    stop()


def _call(upstream: ProtectedUpstream, token: str | None, path: str = "/oauth/whoami") -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.get(upstream.url + path, headers=headers, timeout=10)


def _verify(oidc: OidcProvider, token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    decoded = jwt.decode(token, KeySet.import_key_set(oidc.jwks()), algorithms=["RS256", "ES256"])
    return decoded.header, decoded.claims


def test_starts_quickly_and_discovery_describes_it(providers: OidcProviderFactory) -> None:
    started = time.monotonic()
    provider = providers([{"client_id": "solo"}])
    elapsed = time.monotonic() - started
    assert elapsed < 10, f"oidc-provider took {elapsed:.2f}s to start"
    meta = provider.discovery()
    assert meta["issuer"] == provider.issuer
    assert meta["jwks_uri"] == provider.jwks_uri
    assert meta["token_endpoint"] == provider.token_endpoint
    assert "client_credentials" in meta["grant_types_supported"]
    assert {"client_secret_basic", "client_secret_post"} <= set(meta["token_endpoint_auth_methods_supported"])
    assert all(key.keys() >= {"kid", "alg", "kty"} and "d" not in key for key in provider.jwks()["keys"])


@pytest.mark.parametrize("auth", ["basic", "post"])
def test_client_credentials_issue_a_signed_jwt(oidc: OidcProvider, auth: Any) -> None:
    response = oidc.token("agent", scope="gateway/read upstream/invoke", auth=auth)
    assert response["token_type"] == "Bearer"
    assert response["scope"] == "gateway/read upstream/invoke"
    header, claims = _verify(oidc, response["access_token"])
    assert header["alg"] == "RS256"
    assert header["typ"] == "at+jwt"
    assert header["kid"] in {key["kid"] for key in oidc.jwks()["keys"]}
    assert claims["iss"] == oidc.issuer
    assert claims["sub"] == claims["client_id"] == "agent"
    assert claims["aud"] == oidc.default_resource
    assert claims["scope"] == "gateway/read upstream/invoke"
    assert claims["exp"] - claims["iat"] == response["expires_in"] == 300
    assert claims["jti"]


def test_resource_indicator_sets_the_audience(oidc: OidcProvider) -> None:
    token = oidc.access_token("agent", scope="gateway/read", resource="https://api.example.test/")
    assert _verify(oidc, token)[1]["aud"] == "https://api.example.test/"


@pytest.mark.parametrize(
    ("kwargs", "status", "error"),
    [
        ({"client_id": "reader", "secret": "wrong"}, 401, "invalid_client"),
        ({"client_id": "nobody", "secret": "x"}, 401, "invalid_client"),
        ({"client_id": "reader", "scope": "upstream/invoke"}, 400, "invalid_scope"),
    ],
)
def test_token_endpoint_refusals(oidc: OidcProvider, kwargs: dict[str, Any], status: int, error: str) -> None:
    with pytest.raises(OidcTokenError) as refused:
        oidc.token(**kwargs)
    assert (refused.value.status, refused.value.body["error"]) == (status, error)


def test_unsupported_grant_type(oidc: OidcProvider) -> None:
    response = requests.post(
        oidc.token_endpoint, data={"grant_type": "password"}, auth=("reader", "reader-secret"), timeout=10
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_upstream_accepts_the_token_and_counts_distinct_tokens(
    oidc: OidcProvider, protected: ProtectedUpstream
) -> None:
    token = oidc.access_token("agent", scope="upstream/invoke")
    for _ in range(3):
        response = _call(protected, token, "/oauth/items?x=1")
        assert response.status_code == 200, response.text
    body = response.json()
    assert body | {"tokensSeen": 1} == {
        "sub": "agent",
        "client_id": "agent",
        "scope": "upstream/invoke",
        "aud": oidc.default_resource,
        "tokensSeen": 1,
        "method": "GET",
        "path": "/oauth/items",
        "query": "x=1",
        "body": "",
    }
    assert _call(protected, oidc.access_token("agent", scope="upstream/invoke")).json()["tokensSeen"] == 2
    assert protected.tokens_seen == 2
    assert protected.jwks_fetches == 1


def _refusal(response: requests.Response) -> tuple[int, str]:
    return response.status_code, response.headers.get("WWW-Authenticate", "")


def test_upstream_refuses_bad_tokens(oidc: OidcProvider, protected: ProtectedUpstream) -> None:
    invalid = 'Bearer error="invalid_token"'
    for token in (None, "", "garbage", "a.b.c"):
        status, challenge = _refusal(_call(protected, token))
        assert status == 401
        assert challenge.startswith(invalid)
    good = oidc.access_token("agent", scope="upstream/invoke")
    head, payload, signature = good.split(".")
    tampered = f"{head}.{payload}.{signature[:-4]}AAAA"
    assert _refusal(_call(protected, tampered))[0] == 401
    other_audience = oidc.access_token("agent", scope="upstream/invoke", resource="https://elsewhere.test/")
    status, challenge = _refusal(_call(protected, other_audience))
    assert (status, invalid in challenge) == (401, True)
    status, challenge = _refusal(_call(protected, oidc.access_token("agent", scope="gateway/read")))
    assert (status, 'error="insufficient_scope"' in challenge) == (403, True)
    assert protected.tokens_seen == 0


def test_upstream_refuses_an_expired_token(oidc: OidcProvider, protected: ProtectedUpstream) -> None:
    response = oidc.token("brief", scope="upstream/invoke")
    assert response["expires_in"] == 1
    token = response["access_token"]
    wait_until(lambda: _call(protected, token).status_code == 401, timeout=5, what="the token to expire")
    assert "ExpiredTokenError" in _call(protected, token).headers["WWW-Authenticate"]


def test_upstream_refuses_another_issuers_token(providers: OidcProviderFactory, protected: ProtectedUpstream) -> None:
    stranger = providers([{"client_id": "agent", "scopes": ["upstream/invoke"]}])
    token = stranger.access_token("agent", scope="upstream/invoke")
    assert _refusal(_call(protected, token))[0] == 401


def test_api_key_route(protected: ProtectedUpstream) -> None:
    url = protected.url + "/apikey/ping"
    assert requests.get(url, headers={"x-api-key": "k-123"}, timeout=10).json()["via"] == "header"
    assert requests.get(url, params={"api_key": "k-123"}, timeout=10).json()["via"] == "query"
    assert requests.get(url, timeout=10).status_code == 403
    assert requests.get(url, headers={"x-api-key": "wrong"}, timeout=10).status_code == 403


def test_key_rotation_keeps_old_tokens_and_signs_with_a_new_kid(providers: OidcProviderFactory) -> None:
    provider = providers([{"client_id": "agent", "scopes": ["upstream/invoke"]}])
    upstream, stop = start_protected_upstream(provider.issuer, provider.default_resource)
    try:
        before = provider.access_token("agent", scope="upstream/invoke")
        assert _call(upstream, before).status_code == 200
        kids = provider.rotate_key()
        after = provider.access_token("agent", scope="upstream/invoke")
        assert jws.extract_compact(after.encode()).headers()["kid"] == kids["RS256"]
        assert jws.extract_compact(before.encode()).headers()["kid"] != kids["RS256"]
        assert _call(upstream, after).status_code == 200
        assert upstream.jwks_fetches == 2  # the unknown kid made the upstream fetch the JWKS again
        assert _call(upstream, before).status_code == 200
        assert _verify(provider, before)[1]["client_id"] == "agent"
        retired = provider.rotate_key(retire=True)
        assert {key["kid"] for key in provider.jwks()["keys"]} == set(retired.values())
    finally:
        stop()


def test_es256_tokens(providers: OidcProviderFactory) -> None:
    provider = providers([{"client_id": "agent", "scopes": ["upstream/invoke"]}], alg="ES256")
    upstream, stop = start_protected_upstream(provider.issuer, provider.default_resource, ["upstream/invoke"])
    try:
        token = provider.access_token("agent", scope="upstream/invoke")
        assert _verify(provider, token)[0]["alg"] == "ES256"
        assert _call(upstream, token).json()["client_id"] == "agent"
    finally:
        stop()


def test_stop_ends_the_process(providers: OidcProviderFactory) -> None:
    provider = providers([{"client_id": "solo"}])
    provider.stop()
    assert provider.process.returncode == 0
    with pytest.raises(requests.ConnectionError):
        provider.discovery()
