"""Checks on a gateway's configuration beyond the model's shape constraints."""

from __future__ import annotations

from typing import Any

from gatewright.auth.inbound.config import check_authorizer
from gatewright.control.common import unsupported
from gatewright.errors import ValidationError
from gatewright.mcp.versions import SUPPORTED_VERSIONS

JSON = dict[str, Any]

_NOT_YET = {
    "interceptorConfigurations": "interceptors are not supported yet",
    "policyEngineConfiguration": "policy engines are not supported yet",
    "kmsKeyArn": "customer-managed KMS keys are not supported: secrets are encrypted with the gateway's own key",
    "domainOverride": "custom domains are not supported yet: set GATEWRIGHT_PUBLIC_URL instead",
    # UpdateGateway only: accepted by the model but not stored, so refused rather than silently dropped.
    "wafConfiguration": "web application firewalls are not supported yet",
    "customTransformConfiguration": "custom transforms are deprecated and not supported",
}


def check_gateway(params: JSON) -> None:
    for field, why in _NOT_YET.items():
        if params.get(field) is not None:
            raise unsupported(field, why)
    mcp = (params.get("protocolConfiguration") or {}).get("mcp") or {}
    if params.get("protocolType", "MCP") != "MCP":
        raise ValidationError.for_field("protocolType", "protocolType must be MCP")
    versions = mcp.get("supportedVersions")
    if versions is not None:
        unknown = [v for v in versions if v not in SUPPORTED_VERSIONS]
        if unknown or not versions:
            raise ValidationError.for_field(
                "protocolConfiguration.mcp.supportedVersions",
                f"unsupported MCP versions {unknown}; supported: {', '.join(SUPPORTED_VERSIONS)}",
            )
    if mcp.get("searchType") is not None:
        _check_search(mcp)
    check_authorizer(params.get("authorizerType", ""), params.get("authorizerConfiguration"))


def _check_search(mcp: JSON) -> None:
    # SEMANTIC adds the built-in x_amz_bedrock_agentcore_search tool (docs/search.md); immutable after creation.
    if mcp["searchType"] != "SEMANTIC":
        raise ValidationError.for_field("protocolConfiguration.mcp.searchType", "searchType must be SEMANTIC")
