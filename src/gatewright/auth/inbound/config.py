"""Control-plane checks of a gateway's inbound authorizer configuration."""

from __future__ import annotations

from typing import Any

from gatewright.errors import ValidationError

JSON = dict[str, Any]
IMPLEMENTED = ("NONE",)


def check_authorizer(authorizer_type: str, configuration: JSON | None) -> None:
    if authorizer_type not in IMPLEMENTED:
        raise ValidationError.for_field("authorizerType", f"authorizerType {authorizer_type} is not supported yet")
    if authorizer_type == "NONE" and configuration:
        raise ValidationError.for_field(
            "authorizerConfiguration", "authorizerConfiguration must be absent when authorizerType is NONE"
        )
