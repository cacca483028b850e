"""CUSTOM_JWT inbound auth with real issuers: the built-in one and an independent OpenID provider (oidc-provider).

The same matrix runs for both: valid tokens get in; missing, malformed, tampered, wrongly signed and foreign
tokens get 401 ``invalid_token``; valid tokens that fail the gateway's rules (client, scope, audience, custom
claims) get 403 ``insufficient_scope``. Both name the RFC 9728 metadata, which is served at the path-based URL.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from support.forge import ForgedIssuer, b64url, parts, sign
from support.gateway import GatewrightProcess
from support.identity import (
    bearer,
    builtin_token,
    call_tool,
    challenge,
    create_client,
    jwt_gateway,
    list_tools,
    tool_json,
)
from support.oidc_provider import OidcProvider
from support.upstream import PETS, Upstream

AUDIENCE = "https://mcp.example.test/gateway"
ROLES = {"agent": ["gateway/read", "gateway/write"], "reader": ["gateway/read"], "stranger": ["other/read"]}


@dataclass
class Realm:
    """An issuer and three clients: agent (gateway/read gateway/write), reader (gateway/read), stranger."""

    kind: str
    issuer: str
    discovery_url: str
    clients: dict[str, str]
    get_token: Callable[[str, str | None], str]
    foreign_token: Callable[[], str]

    def token(self, role: str = "agent", resource: str | None = None) -> str:
        return self.get_token(role, resource)


def _builtin_realm(server: GatewrightProcess, oidc: OidcProvider) -> Realm:
    clients = {role: create_client(server, scopes) for role, scopes in ROLES.items()}
    first = clients["agent"]
    return Realm(
        "builtin",
        first.issuer,
        first.discovery_url,
        {role: c.client_id for role, c in clients.items()},
        lambda role, resource: builtin_token(clients[role], resource=resource),
        lambda: oidc.access_token("agent"),
    )


def _oidc_realm(server: GatewrightProcess, oidc: OidcProvider) -> Realm:
    foreign = create_client(server, ROLES["agent"])
    return Realm(
        "oidc",
        oidc.issuer,
        oidc.discovery_url,
        {role: role for role in ROLES},
        # oidc-provider puts no scope in a token unless asked (builtin gives the client's scopes)
        lambda role, resource: oidc.access_token(role, scope=" ".join(ROLES[role]), resource=resource),
        lambda: builtin_token(foreign),
    )


@pytest.fixture(scope="module", params=["builtin", "oidc"])
def realm(request: pytest.FixtureRequest, gatewright: GatewrightProcess, oidc: OidcProvider) -> Realm:
    make = _builtin_realm if request.param == "builtin" else _oidc_realm
    return make(gatewright, oidc)


@pytest.fixture(scope="module")
def gateways(realm: Realm, control: Any, upstream: Upstream) -> dict[str, dict[str, Any]]:
    url = realm.discovery_url
    claim = {
        "inboundTokenClaimName": "client_id",
        "inboundTokenClaimValueType": "STRING",
        "authorizingClaimMatchValue": {
            "claimMatchValue": {"matchValueString": realm.clients["agent"]},
            "claimMatchOperator": "EQUALS",
        },
    }
    return {
        "rules": jwt_gateway(
            control,
            upstream.url,
            url,
            allowedClients=[realm.clients["agent"], realm.clients["reader"]],
            allowedScopes=["gateway/write"],
        ),
        "audience": jwt_gateway(control, upstream.url, url, allowedAudience=[AUDIENCE]),
        "claims": jwt_gateway(control, upstream.url, url, customClaims=[claim]),
    }


def _prm_url(server: GatewrightProcess, gateway: dict[str, Any]) -> str:
    return f"{server.url}/.well-known/oauth-protected-resource/gw/{gateway['gatewayId']}/mcp"


def _refused(
    response: requests.Response, status: int, server: GatewrightProcess, gateway: dict[str, Any]
) -> dict[str, str]:
    assert response.status_code == status, (response.status_code, response.text)
    params = challenge(response)
    assert params["scheme"] == "Bearer"
    assert params["error"] == ("invalid_token" if status == 401 else "insufficient_scope")
    assert params["resource_metadata"] == _prm_url(server, gateway)
    assert response.json()["error"] == params["error"]
    return params


def test_a_valid_token_lists_and_calls(realm: Realm, gateways: dict[str, dict[str, Any]]) -> None:
    url = gateways["rules"]["gatewayUrl"]
    headers = bearer(realm.token("agent"))
    names = [t["name"] for t in list_tools(url, headers).json()["result"]["tools"]]
    assert "pets___GetPet" in names
    assert tool_json(call_tool(url, "pets___GetPet", {"petId": "1"}, headers)) == PETS[0]


def test_a_missing_token_is_401_with_scope_and_metadata(
    realm: Realm, gateways: dict[str, dict[str, Any]], gatewright: GatewrightProcess
) -> None:
    gateway = gateways["rules"]
    params = _refused(list_tools(gateway["gatewayUrl"]), 401, gatewright, gateway)
    assert params["scope"] == "gateway/write"


@pytest.mark.parametrize(
    "authorization", ["Basic YWdlbnQ6c2VjcmV0", "Bearer", "Bearer not-a-jwt", "Bearer a.b.c", "Token abc"]
)
def test_malformed_credentials_are_401(
    realm: Realm, gateways: dict[str, dict[str, Any]], gatewright: GatewrightProcess, authorization: str
) -> None:
    gateway = gateways["rules"]
    _refused(list_tools(gateway["gatewayUrl"], {"Authorization": authorization}), 401, gatewright, gateway)


def test_a_tampered_token_is_401(
    realm: Realm, gateways: dict[str, dict[str, Any]], gatewright: GatewrightProcess
) -> None:
    gateway = gateways["rules"]
    token = realm.token("reader")
    _, claims = parts(token)
    claims["scope"] = "gateway/read gateway/write"
    head, _, signature = token.split(".")
    forged = ".".join([head, b64url(json.dumps(claims).encode()), signature])
    _refused(list_tools(gateway["gatewayUrl"], bearer(forged)), 401, gatewright, gateway)


def test_a_token_signed_by_another_key_is_401(
    realm: Realm, gateways: dict[str, dict[str, Any]], gatewright: GatewrightProcess, forge: ForgedIssuer
) -> None:
    gateway = gateways["rules"]
    header, claims = parts(realm.token("agent"))
    wrongly_signed = sign(header, claims, forge.rsa)  # same header (and kid), another private key
    _refused(list_tools(gateway["gatewayUrl"], bearer(wrongly_signed)), 401, gatewright, gateway)


def test_a_token_of_another_issuer_is_401(
    realm: Realm, gateways: dict[str, dict[str, Any]], gatewright: GatewrightProcess
) -> None:
    gateway = gateways["rules"]
    _refused(list_tools(gateway["gatewayUrl"], bearer(realm.foreign_token())), 401, gatewright, gateway)


def test_a_client_not_allowed_is_403(
    realm: Realm, gateways: dict[str, dict[str, Any]], gatewright: GatewrightProcess
) -> None:
    gateway = gateways["rules"]
    params = _refused(list_tools(gateway["gatewayUrl"], bearer(realm.token("stranger"))), 403, gatewright, gateway)
    assert params["scope"] == "gateway/write"


def test_a_token_without_an_allowed_scope_is_403(
    realm: Realm, gateways: dict[str, dict[str, Any]], gatewright: GatewrightProcess
) -> None:
    gateway = gateways["rules"]
    params = _refused(list_tools(gateway["gatewayUrl"], bearer(realm.token("reader"))), 403, gatewright, gateway)
    assert params["scope"] == "gateway/write"
    assert "scope" in params["error_description"]


def test_the_audience_must_be_allowed(
    realm: Realm, gateways: dict[str, dict[str, Any]], gatewright: GatewrightProcess
) -> None:
    gateway = gateways["audience"]
    url = gateway["gatewayUrl"]
    assert list_tools(url, bearer(realm.token("agent", resource=AUDIENCE))).status_code == 200
    for resource in (None, "https://other.example.test/"):
        _refused(list_tools(url, bearer(realm.token("agent", resource=resource))), 403, gatewright, gateway)


def test_a_custom_claim_must_equal(
    realm: Realm, gateways: dict[str, dict[str, Any]], gatewright: GatewrightProcess
) -> None:
    gateway = gateways["claims"]
    assert list_tools(gateway["gatewayUrl"], bearer(realm.token("agent"))).status_code == 200
    params = _refused(list_tools(gateway["gatewayUrl"], bearer(realm.token("reader"))), 403, gatewright, gateway)
    assert "client_id" in params["error_description"]


def test_protected_resource_metadata_at_both_paths(
    realm: Realm, gateways: dict[str, dict[str, Any]], gatewright: GatewrightProcess
) -> None:
    gateway = gateways["rules"]
    url = challenge(list_tools(gateway["gatewayUrl"]))["resource_metadata"]
    alternative = f"{gatewright.url}/gw/{gateway['gatewayId']}/.well-known/oauth-protected-resource"
    for where in (url, alternative):
        response = requests.get(where, timeout=10)
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.json() == {
            "resource": gateway["gatewayUrl"],
            "authorization_servers": [realm.issuer],
            "bearer_methods_supported": ["header"],
            "scopes_supported": ["gateway/write"],
        }
    without_scopes = requests.get(_prm_url(gatewright, gateways["audience"]), timeout=10).json()
    assert "scopes_supported" not in without_scopes
