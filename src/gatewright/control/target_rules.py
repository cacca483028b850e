"""Request-time checks of a target's outbound credentials and metadata forwarding, beyond the model.

Credentials: the provider a target names must exist; OAUTH supports the client-credentials grant;
GATEWAY_IAM_ROLE needs the service to sign for unless the kind knows it; JWT_PASSTHROUGH needs a
CUSTOM_JWT gateway (there is no validated token to pass otherwise).

metadataConfiguration: names of letters, digits, ``-`` and ``_``; hop-by-hop, content, caching, auth and
``X-Amzn-*`` headers (but ``X-Amzn-Bedrock-AgentCore-Runtime-Custom-*``) can never be forwarded (AgentCore's
restricted list); ``Mcp-Session-Id`` neither when the gateway has sessions; and not the header or query
parameter that carries the target's API key (defaults included).
"""

from __future__ import annotations

import re
from typing import Any

from gatewright.auth.outbound.api_key import DEFAULT_HEADER, DEFAULT_QUERY
from gatewright.control.common import ControlContext
from gatewright.errors import ValidationError
from gatewright.resources import provider_from_arn

JSON = dict[str, Any]
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
RESTRICTED = frozenset(
    h.lower()
    for h in (
        "Authorization",
        "Proxy-Authorization",
        "WWW-Authenticate",
        "Proxy-Authenticate",
        "Accept",
        "Accept-Charset",
        "Accept-Encoding",
        "Accept-Language",
        "Content-Type",
        "Content-Length",
        "Content-Encoding",
        "Content-Language",
        "Content-Location",
        "Content-Range",
        "Cache-Control",
        "ETag",
        "Expires",
        "If-Match",
        "If-Modified-Since",
        "If-None-Match",
        "If-Range",
        "If-Unmodified-Since",
        "Last-Modified",
        "Pragma",
        "Vary",
        "Connection",
        "Keep-Alive",
        "Proxy-Connection",
        "Upgrade",
        "Host",
        "User-Agent",
        "Referer",
        "From",
        "Range",
        "Accept-Ranges",
        "Transfer-Encoding",
        "TE",
        "Trailer",
        "Server",
        "Date",
        "Location",
        "Retry-After",
        "Set-Cookie",
        "Cookie",
        "Content-Security-Policy",
        "Content-Security-Policy-Report-Only",
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "X-XSS-Protection",
        "Forwarded",
        "X-Forwarded-For",
        "X-Forwarded-Host",
        "X-Forwarded-Proto",
        "X-Real-IP",
        "Origin",
        "MCP-Protocol-Version",
        "Mcp-Method",
        "Mcp-Name",
    )
)
_MEMBER = {
    "API_KEY": "apiKeyCredentialProvider",
    "OAUTH": "oauthCredentialProvider",
    "GATEWAY_IAM_ROLE": "iamCredentialProvider",
}
_FIELD = "credentialProviderConfigurations[0]"


async def check_credentials(ctx: ControlContext, params: JSON, gateway_doc: JSON, kind: Any) -> None:
    providers = params.get("credentialProviderConfigurations") or []
    if not providers:
        return
    config = providers[0]
    ptype = config["credentialProviderType"]
    provider = config.get("credentialProvider") or {}
    member = _MEMBER.get(ptype)
    others = [k for k in provider if k != member]
    if others:
        raise ValidationError.for_field(f"{_FIELD}.credentialProvider", f"{ptype} cannot use {others[0]}")
    if ptype in ("API_KEY", "OAUTH"):
        if member not in provider:
            raise ValidationError.for_field(f"{_FIELD}.credentialProvider", f"{ptype} needs {member}")
        spec = provider[member]
        if ptype == "OAUTH" and spec.get("grantType", "CLIENT_CREDENTIALS") != "CLIENT_CREDENTIALS":
            raise ValidationError.for_field(
                f"{_FIELD}.credentialProvider.{member}.grantType",
                f"{spec['grantType']} is not supported yet; use CLIENT_CREDENTIALS",
            )
        parsed = provider_from_arn(spec["providerArn"])
        if parsed is None or await ctx.store.get(*parsed) is None:
            raise ValidationError.for_field(
                f"{_FIELD}.credentialProvider.{member}.providerArn",
                f"credential provider {spec['providerArn']} does not exist",
            )
    elif ptype == "GATEWAY_IAM_ROLE":
        service = (provider.get("iamCredentialProvider") or {}).get("service")
        if not service and not getattr(kind, "default_signing_service", None):
            raise ValidationError.for_field(
                f"{_FIELD}.credentialProvider.iamCredentialProvider",
                f"{kind.target_type} targets need iamCredentialProvider.service",
            )
    elif ptype == "JWT_PASSTHROUGH" and gateway_doc.get("authorizerType") != "CUSTOM_JWT":
        raise ValidationError.for_field(
            f"{_FIELD}.credentialProviderType", "JWT_PASSTHROUGH needs a gateway with CUSTOM_JWT inbound auth"
        )


def check_metadata(params: JSON, gateway_doc: JSON) -> None:
    meta = params.get("metadataConfiguration")
    if meta is None:
        return
    sessions = ((gateway_doc.get("protocolConfiguration") or {}).get("mcp") or {}).get("sessionConfiguration")
    key_field, key_name = _api_key_parameter(params)
    for field in ("allowedRequestHeaders", "allowedResponseHeaders", "allowedQueryParameters"):
        for name in meta.get(field) or []:
            where = f"metadataConfiguration.{field}"
            limit = 40 if field == "allowedQueryParameters" else 100
            if not _NAME.match(name) or len(name) > limit:
                raise ValidationError.for_field(where, f"{name!r} must be 1-{limit} letters, digits, '-' or '_'")
            lower = name.lower()
            if field != "allowedQueryParameters" and (lower in RESTRICTED or _restricted_amzn(lower)):
                raise ValidationError.for_field(where, f"{name} is a restricted header and cannot be forwarded")
            if field != "allowedQueryParameters" and lower == "mcp-session-id" and sessions is not None:
                raise ValidationError.for_field(where, "Mcp-Session-Id cannot be forwarded by a gateway with sessions")
            if field == key_field and lower == key_name:
                raise ValidationError.for_field(where, f"{name} carries the target's API key")


def _restricted_amzn(lower: str) -> bool:
    """Every ``X-Amzn-*`` header is AWS's, except the custom headers of AgentCore Runtime."""
    return lower.startswith("x-amzn-") and not lower.startswith("x-amzn-bedrock-agentcore-runtime-custom-")


def _api_key_parameter(params: JSON) -> tuple[str, str]:
    """(metadataConfiguration field, lower-case name) of where the target's API key goes, defaults included;
    ("", "") when the target has no API key."""
    config = (params.get("credentialProviderConfigurations") or [{}])[0]
    spec = (config.get("credentialProvider") or {}).get("apiKeyCredentialProvider")
    if config.get("credentialProviderType") != "API_KEY" or not spec:
        return "", ""
    if spec.get("credentialLocation") == "QUERY_PARAMETER":
        return "allowedQueryParameters", (spec.get("credentialParameterName") or DEFAULT_QUERY).lower()
    return "allowedRequestHeaders", (spec.get("credentialParameterName") or DEFAULT_HEADER).lower()
