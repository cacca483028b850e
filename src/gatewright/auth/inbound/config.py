"""Control-plane checks of a gateway's inbound authorizer configuration."""

from __future__ import annotations

from typing import Any

from gatewright.auth.inbound.rules import VALID_CLAIM_RULES
from gatewright.errors import ValidationError

JSON = dict[str, Any]
IMPLEMENTED = ("NONE", "CUSTOM_JWT", "AWS_IAM", "AUTHENTICATE_ONLY")
_RULE_FIELDS = ("allowedAudience", "allowedClients", "allowedScopes", "customClaims")
_FIELD = "authorizerConfiguration.customJWTAuthorizer"


def check_authorizer(authorizer_type: str, configuration: JSON | None) -> None:
    if authorizer_type not in IMPLEMENTED:
        raise ValidationError.for_field("authorizerType", f"authorizerType {authorizer_type} is not supported")
    jwt = (configuration or {}).get("customJWTAuthorizer")
    if authorizer_type != "CUSTOM_JWT":
        if configuration:
            raise ValidationError.for_field(
                "authorizerConfiguration",
                f"authorizerConfiguration must be absent when authorizerType is {authorizer_type}",
            )
        return
    if not jwt:
        raise ValidationError.for_field(_FIELD, "CUSTOM_JWT needs authorizerConfiguration.customJWTAuthorizer")
    for field in (
        "privateEndpoint",
        "privateEndpointOverrides",
        "certificateConfigurations",
        "allowedWorkloadConfiguration",
    ):
        if jwt.get(field) is not None:
            raise ValidationError.for_field(f"{_FIELD}.{field}", f"{field} is not supported yet by this gateway")
    if not any(jwt.get(f) for f in _RULE_FIELDS):
        raise ValidationError.for_field(
            _FIELD, "configure at least one of allowedAudience, allowedClients, allowedScopes or customClaims"
        )
    for i, claim in enumerate(jwt.get("customClaims") or []):
        kind = claim.get("inboundTokenClaimValueType")
        match = claim.get("authorizingClaimMatchValue") or {}
        operator = match.get("claimMatchOperator")
        where = f"{_FIELD}.customClaims[{i}]"
        if (kind, operator) not in VALID_CLAIM_RULES:
            raise ValidationError.for_field(where, f"{operator} cannot be used with a {kind} claim")
        value = match.get("claimMatchValue") or {}
        wanted = "matchValueStringList" if operator == "CONTAINS_ANY" else "matchValueString"
        if not value.get(wanted):
            raise ValidationError.for_field(where, f"{operator} needs claimMatchValue.{wanted}")
    mapping = jwt.get("advertisedScopeMapping") or {}
    unknown = [s for s in mapping if s not in (jwt.get("allowedScopes") or [])]
    if unknown:
        raise ValidationError.for_field(
            f"{_FIELD}.advertisedScopeMapping",
            f"advertisedScopeMapping keys must be allowedScopes: {', '.join(unknown)}",
        )
