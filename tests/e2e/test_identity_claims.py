"""CUSTOM_JWT rules and token checks that real issuers cannot be asked to break: customClaims over array claims,
expired or not-yet-valid tokens, another ``iss`` with the right key, advertisedScopeMapping.

The issuer is the forging provider (support/forge.py): the gateway discovers it like any OpenID provider, and the
tests sign whatever claims they need with its published keys.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from support.forge import ForgedIssuer
from support.gateway import GatewrightProcess
from support.identity import bearer, challenge, jwt_gateway, list_tools
from support.upstream import Upstream


def _claim(name: str, kind: str, operator: str, value: str | list[str]) -> dict[str, Any]:
    match = {"matchValueStringList": value} if isinstance(value, list) else {"matchValueString": value}
    return {
        "inboundTokenClaimName": name,
        "inboundTokenClaimValueType": kind,
        "authorizingClaimMatchValue": {"claimMatchValue": match, "claimMatchOperator": operator},
    }


EQUALS = _claim("tier", "STRING", "EQUALS", "gold")
CONTAINS = _claim("groups", "STRING_ARRAY", "CONTAINS", "eng")
CONTAINS_ANY = _claim("groups", "STRING_ARRAY", "CONTAINS_ANY", ["admin", "ops"])


@pytest.fixture(scope="module")
def gateways(control: Any, upstream: Upstream, forge: ForgedIssuer) -> dict[str, dict[str, Any]]:
    def make(**rules: Any) -> dict[str, Any]:
        return jwt_gateway(control, upstream.url, forge.discovery_url, **rules)

    return {
        "equals": make(customClaims=[EQUALS]),
        "contains": make(customClaims=[CONTAINS]),
        "contains_any": make(customClaims=[CONTAINS_ANY]),
        "all": make(allowedClients=["forged-client"], allowedScopes=["gateway/read"], customClaims=[EQUALS, CONTAINS]),
        "advertised": make(
            allowedScopes=["gateway/read"], advertisedScopeMapping={"gateway/read": "api://gateway/.default"}
        ),
    }


def _status(gateway: dict[str, Any], token: str) -> int:
    return list_tools(gateway["gatewayUrl"], bearer(token)).status_code


@pytest.mark.parametrize(
    ("tier", "expected"), [("gold", 200), ("silver", 403), ("Gold", 403), (None, 403), (["gold"], 403)]
)
def test_string_equals(gateways: dict[str, dict[str, Any]], forge: ForgedIssuer, tier: Any, expected: int) -> None:
    assert _status(gateways["equals"], forge.token(tier=tier)) == expected


@pytest.mark.parametrize(
    ("groups", "expected"),
    [(["eng", "ops"], 200), (["eng"], 200), (["ops"], 403), ("eng", 403), ([], 403), (None, 403)],
)
def test_string_array_contains(
    gateways: dict[str, dict[str, Any]], forge: ForgedIssuer, groups: Any, expected: int
) -> None:
    assert _status(gateways["contains"], forge.token(groups=groups)) == expected


@pytest.mark.parametrize(
    ("groups", "expected"), [(["ops"], 200), (["admin", "x"], 200), (["eng"], 403), ("ops", 403), (None, 403)]
)
def test_string_array_contains_any(
    gateways: dict[str, dict[str, Any]], forge: ForgedIssuer, groups: Any, expected: int
) -> None:
    assert _status(gateways["contains_any"], forge.token(groups=groups)) == expected


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({}, 200),
        ({"client_id": "someone-else"}, 403),
        ({"scope": "gateway/write"}, 403),
        ({"tier": "silver"}, 403),
        ({"groups": ["ops"]}, 403),
    ],
)
def test_every_configured_rule_must_pass(
    gateways: dict[str, dict[str, Any]], forge: ForgedIssuer, claims: dict[str, Any], expected: int
) -> None:
    response = list_tools(gateways["all"]["gatewayUrl"], bearer(forge.token(**claims)))
    assert response.status_code == expected, response.text
    if expected == 403:
        assert challenge(response)["error"] == "insufficient_scope"


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"exp": None}, "expiry"),
        ({"exp": "tomorrow"}, "expiry"),
        ({"nbf": int(time.time()) + 3600}, "nbf"),
        ({"iat": int(time.time()) + 3600}, "iat"),
        ({"iss": "https://evil.example.test"}, "issued"),
        ({"iss": None}, "issued"),
    ],
)
def test_times_and_issuer_are_checked_before_rules(
    gateways: dict[str, dict[str, Any]],
    forge: ForgedIssuer,
    gatewright: GatewrightProcess,
    claims: dict[str, Any],
    why: str,
) -> None:
    response = list_tools(gateways["all"]["gatewayUrl"], bearer(forge.token(**claims)))
    assert response.status_code == 401, response.text
    params = challenge(response)
    assert params["error"] == "invalid_token"
    assert why in params["error_description"]


def test_advertised_scopes_replace_the_allowed_ones(
    gateways: dict[str, dict[str, Any]], forge: ForgedIssuer, gatewright: GatewrightProcess
) -> None:
    gateway = gateways["advertised"]
    refused = list_tools(gateway["gatewayUrl"])
    assert challenge(refused)["scope"] == "api://gateway/.default"
    metadata = requests.get(challenge(refused)["resource_metadata"], timeout=10).json()
    assert metadata["scopes_supported"] == ["api://gateway/.default"]
    assert metadata["authorization_servers"] == [forge.issuer]
    # validation still uses the allowed scope
    assert _status(gateway, forge.token(scope="gateway/read")) == 200
    assert _status(gateway, forge.token(scope="api://gateway/.default")) == 403


def test_root_metadata_names_the_built_in_issuer(gatewright: GatewrightProcess) -> None:
    response = requests.get(f"{gatewright.url}/.well-known/oauth-protected-resource", timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert body["resource"] == gatewright.url
    assert body["authorization_servers"] == [gatewright.url]


def test_no_metadata_for_gateways_without_custom_jwt(gatewright: GatewrightProcess, pets: dict[str, Any]) -> None:
    url = f"{gatewright.url}/.well-known/oauth-protected-resource/gw/{pets['gatewayId']}/mcp"
    assert requests.get(url, timeout=10).status_code == 404
    assert (
        requests.get(f"{gatewright.url}/.well-known/oauth-protected-resource/gw/nope/mcp", timeout=10).status_code
        == 404
    )
