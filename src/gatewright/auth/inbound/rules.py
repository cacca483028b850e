"""The CUSTOM_JWT authorization rules a valid token must also pass (every configured rule, AND-ed).

* ``allowedAudience``: ``aud`` (a string or a list) contains one of the values;
* ``allowedClients``: ``client_id`` (or ``azp`` when there is no ``client_id``) is one of the values;
* ``allowedScopes``: ``scope`` (space-separated) or ``scp`` (a list or a string) has at least one value;
* ``customClaims``: STRING + EQUALS, STRING_ARRAY + CONTAINS, STRING_ARRAY + CONTAINS_ANY.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

JSON = dict[str, Any]
Rule = Callable[[JSON], str | None]  # returns why the claims fail, or None


def _scopes(claims: JSON) -> set[str]:
    found: set[str] = set()
    for name in ("scope", "scp"):
        value = claims.get(name)
        if isinstance(value, str):
            found.update(value.split())
        elif isinstance(value, list):
            found.update(v for v in value if isinstance(v, str))
    return found


def _audience(allowed: list[str]) -> Rule:
    def rule(claims: JSON) -> str | None:
        aud = claims.get("aud")
        values = aud if isinstance(aud, list) else [aud]
        return None if any(v in allowed for v in values) else "the token's audience is not allowed"

    return rule


def _clients(allowed: list[str]) -> Rule:
    def rule(claims: JSON) -> str | None:
        client = claims.get("client_id", claims.get("azp"))
        return None if client in allowed else "the token's client is not allowed"

    return rule


def _scope_rule(allowed: list[str]) -> Rule:
    def rule(claims: JSON) -> str | None:
        return None if _scopes(claims) & set(allowed) else "the token has none of the required scopes"

    return rule


def _claim(spec: JSON) -> Rule:
    name = spec["inboundTokenClaimName"]
    kind = spec["inboundTokenClaimValueType"]
    match = spec["authorizingClaimMatchValue"]
    operator = match["claimMatchOperator"]
    value = match["claimMatchValue"]

    def rule(claims: JSON) -> str | None:
        claim = claims.get(name)
        if kind == "STRING" and operator == "EQUALS":
            ok = isinstance(claim, str) and claim == value.get("matchValueString")
        elif kind == "STRING_ARRAY" and operator == "CONTAINS":
            ok = isinstance(claim, list) and value.get("matchValueString") in claim
        elif kind == "STRING_ARRAY" and operator == "CONTAINS_ANY":
            ok = isinstance(claim, list) and bool(set(value.get("matchValueStringList") or []) & set(claim))
        else:
            ok = False
        return None if ok else f"the token's claim {name} does not match"

    return rule


def compile_rules(config: JSON) -> list[Rule]:
    rules: list[Rule] = []
    if config.get("allowedAudience"):
        rules.append(_audience(config["allowedAudience"]))
    if config.get("allowedClients"):
        rules.append(_clients(config["allowedClients"]))
    if config.get("allowedScopes"):
        rules.append(_scope_rule(config["allowedScopes"]))
    rules.extend(_claim(spec) for spec in config.get("customClaims") or [])
    return rules


VALID_CLAIM_RULES = {("STRING", "EQUALS"), ("STRING_ARRAY", "CONTAINS"), ("STRING_ARRAY", "CONTAINS_ANY")}
