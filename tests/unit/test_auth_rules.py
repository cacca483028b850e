"""CUSTOM_JWT rules (auth/inbound/rules.py), their control-plane checks (auth/inbound/config.py) and the refusal
challenges (auth/inbound/challenge.py)."""

from __future__ import annotations

from typing import Any

import pytest

from gatewright.auth.inbound.challenge import forbidden, unauthorized
from gatewright.auth.inbound.config import check_authorizer
from gatewright.auth.inbound.rules import compile_rules
from gatewright.errors import ValidationError

DISCOVERY = "https://idp.example.test/.well-known/openid-configuration"


def _claim(name: str, kind: str, operator: str, value: Any) -> dict[str, Any]:
    match = {"matchValueStringList": value} if isinstance(value, list) else {"matchValueString": value}
    return {
        "inboundTokenClaimName": name,
        "inboundTokenClaimValueType": kind,
        "authorizingClaimMatchValue": {"claimMatchValue": match, "claimMatchOperator": operator},
    }


def _failures(config: dict[str, Any], claims: dict[str, Any]) -> list[str]:
    return [reason for rule in compile_rules(config) if (reason := rule(claims)) is not None]


@pytest.mark.parametrize(
    ("aud", "ok"),
    [("api", True), (["x", "api"], True), ("API", False), (["x"], False), (None, False), (["api"], True), (5, False)],
)
def test_audience(aud: Any, ok: bool) -> None:
    assert (_failures({"allowedAudience": ["api", "other"]}, {"aud": aud}) == []) is ok


@pytest.mark.parametrize(
    ("claims", "ok"),
    [
        ({"client_id": "c1"}, True),
        ({"client_id": "c3"}, False),
        ({"azp": "c2"}, True),  # no client_id: the authorized party
        ({"client_id": "c3", "azp": "c1"}, False),  # client_id wins when present
        ({}, False),
        ({"client_id": ["c1"]}, False),
    ],
)
def test_clients(claims: dict[str, Any], ok: bool) -> None:
    assert (_failures({"allowedClients": ["c1", "c2"]}, claims) == []) is ok


@pytest.mark.parametrize(
    ("claims", "ok"),
    [
        ({"scope": "a gateway/write b"}, True),
        ({"scope": "gateway/writer"}, False),
        ({"scp": ["gateway/write"]}, True),
        ({"scp": "gateway/write other"}, True),
        ({"scope": ""}, False),
        ({}, False),
        ({"scope": ["gateway/write"]}, True),
    ],
)
def test_scopes_any_match(claims: dict[str, Any], ok: bool) -> None:
    assert (_failures({"allowedScopes": ["gateway/write", "admin"]}, claims) == []) is ok


def test_custom_claims_operators() -> None:
    equals = {"customClaims": [_claim("tier", "STRING", "EQUALS", "gold")]}
    assert _failures(equals, {"tier": "gold"}) == []
    assert _failures(equals, {"tier": "golden"})
    assert _failures(equals, {"tier": ["gold"]})
    contains = {"customClaims": [_claim("groups", "STRING_ARRAY", "CONTAINS", "eng")]}
    assert _failures(contains, {"groups": ["ops", "eng"]}) == []
    assert _failures(contains, {"groups": "eng"})
    assert _failures(contains, {"groups": ["engineering"]})
    any_of = {"customClaims": [_claim("groups", "STRING_ARRAY", "CONTAINS_ANY", ["a", "b"])]}
    assert _failures(any_of, {"groups": ["b", "c"]}) == []
    assert _failures(any_of, {"groups": ["c"]})
    assert _failures(any_of, {"groups": "a"})


def test_every_rule_must_pass() -> None:
    config = {
        "allowedAudience": ["api"],
        "allowedClients": ["c1"],
        "allowedScopes": ["s"],
        "customClaims": [_claim("tier", "STRING", "EQUALS", "gold"), _claim("g", "STRING_ARRAY", "CONTAINS", "x")],
    }
    good = {"aud": "api", "client_id": "c1", "scope": "s", "tier": "gold", "g": ["x"]}
    assert _failures(config, good) == []
    for name in good:
        assert len(_failures(config, {k: v for k, v in good.items() if k != name})) == 1, name


def test_no_rules_means_nothing_is_checked_here() -> None:
    assert compile_rules({"discoveryUrl": DISCOVERY}) == []


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"discoveryUrl": DISCOVERY}, "customJWTAuthorizer"),
        ({"discoveryUrl": DISCOVERY, "allowedScopes": []}, "customJWTAuthorizer"),
        ({"discoveryUrl": DISCOVERY, "customClaims": [_claim("t", "STRING", "CONTAINS", "x")]}, "customClaims[0]"),
        ({"discoveryUrl": DISCOVERY, "customClaims": [_claim("t", "STRING_ARRAY", "EQUALS", "x")]}, "customClaims[0]"),
        (
            {"discoveryUrl": DISCOVERY, "customClaims": [_claim("t", "STRING", "CONTAINS_ANY", ["x"])]},
            "customClaims[0]",
        ),
        (
            {"discoveryUrl": DISCOVERY, "customClaims": [_claim("t", "STRING_ARRAY", "CONTAINS_ANY", "x")]},
            "customClaims[0]",
        ),
        (
            {"discoveryUrl": DISCOVERY, "customClaims": [_claim("t", "STRING_ARRAY", "CONTAINS", ["x"])]},
            "customClaims[0]",
        ),
        (
            {"discoveryUrl": DISCOVERY, "allowedScopes": ["a"], "advertisedScopeMapping": {"b": "c"}},
            "advertisedScopeMapping",
        ),
        ({"discoveryUrl": DISCOVERY, "allowedClients": ["c"], "privateEndpoint": {}}, "privateEndpoint"),
    ],
)
def test_invalid_custom_jwt_configurations(config: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        check_authorizer("CUSTOM_JWT", {"customJWTAuthorizer": config})
    assert field in str(raised.value)


def test_authorizer_types() -> None:
    check_authorizer("CUSTOM_JWT", {"customJWTAuthorizer": {"discoveryUrl": DISCOVERY, "allowedClients": ["c"]}})
    for kind in ("NONE", "AWS_IAM", "AUTHENTICATE_ONLY"):
        check_authorizer(kind, None)
        with pytest.raises(ValidationError):
            check_authorizer(kind, {"customJWTAuthorizer": {"discoveryUrl": DISCOVERY, "allowedClients": ["c"]}})
    with pytest.raises(ValidationError):
        check_authorizer("CUSTOM_JWT", None)
    with pytest.raises(ValidationError):
        check_authorizer("OAUTH", None)


def test_challenges() -> None:
    refused = unauthorized('a "quoted" reason', resource_metadata="https://gw/.well-known/x", scopes=["a", "b/c"])
    assert refused.status == 401
    header = dict(refused.headers)[b"www-authenticate"].decode()
    assert header == (
        'Bearer error="invalid_token", error_description="a \\"quoted\\" reason", scope="a b/c", '
        'resource_metadata="https://gw/.well-known/x"'
    )
    denied = forbidden("no", resource_metadata="https://gw/m")
    assert denied.status == 403
    assert (
        dict(denied.headers)[b"www-authenticate"]
        == b'Bearer error="insufficient_scope", error_description="no", resource_metadata="https://gw/m"'
    )
    assert b'"error":"insufficient_scope"' in denied.body
