"""Builds each gateway's inbound authorizer from its configuration, sharing provider key caches.

Also serves the OAuth protected-resource metadata (RFC 9728) of CUSTOM_JWT gateways.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from gatewright.auth.inbound.iam import IamAuthorizer, IamKeys
from gatewright.auth.inbound.jwt import JwtAuthorizer
from gatewright.auth.inbound.oidc import KeySource, OidcError, OidcKeys
from gatewright.auth.inbound.principal import Principal
from gatewright.upstream.http import HttpClient
from gatewright.web.asgi import Scope

JSON = dict[str, Any]
PRM_PATH = "/.well-known/oauth-protected-resource"


class Authorizer(Protocol):
    resource_metadata: str

    async def authenticate(self, scope: Scope, headers: dict[str, str], body: bytes) -> Principal: ...


class Authorizers:
    """``local`` maps the discovery URLs of the built-in issuer to its keys, read without an HTTP round trip
    (so a rotated key is known at once); any other discovery URL is an OpenID provider fetched over HTTP, whose
    JWKS is refreshed on an unknown ``kid`` at most every ``jwks_min_refresh`` seconds."""

    def __init__(
        self,
        http: HttpClient,
        iam_keys: IamKeys,
        *,
        base_url: str,
        leeway: int,
        jwks_min_refresh: float = 30.0,
        local: Mapping[str, KeySource] | None = None,
    ) -> None:
        self._http = http
        self._iam = iam_keys
        self._base = base_url.rstrip("/")
        self._leeway = leeway
        self._min_refresh = jwks_min_refresh
        self._providers: dict[str, KeySource] = dict(local or {})

    def provider(self, discovery_url: str) -> KeySource:
        keys = self._providers.get(discovery_url)
        if keys is None:
            keys = OidcKeys(discovery_url, self._http, min_refresh=self._min_refresh)
            self._providers[discovery_url] = keys
        return keys

    def metadata_url(self, gateway_url_path: str) -> str:
        """RFC 9728 path-based metadata URL for a resource at ``gateway_url_path`` (e.g. /gw/x/mcp)."""
        return f"{self._base}{PRM_PATH}{gateway_url_path}"

    def for_gateway(self, gateway_id: str, mcp_path: str, doc: JSON) -> Authorizer | None:
        kind = doc.get("authorizerType", "NONE")
        if kind == "NONE":
            return None
        if kind in ("AWS_IAM", "AUTHENTICATE_ONLY"):
            return IamAuthorizer(self._iam, gateway_id, authorize=kind == "AWS_IAM")
        config = doc["authorizerConfiguration"]["customJWTAuthorizer"]
        return JwtAuthorizer(
            config,
            self.provider(config["discoveryUrl"]),
            resource_metadata=self.metadata_url(mcp_path),
            leeway=self._leeway,
        )

    async def protected_resource(self, resource: str, doc: JSON) -> JSON | None:
        """RFC 9728 metadata for a CUSTOM_JWT gateway whose MCP URL is ``resource``; None otherwise."""
        if doc.get("authorizerType") != "CUSTOM_JWT":
            return None
        config = doc["authorizerConfiguration"]["customJWTAuthorizer"]
        try:
            issuer = await self.provider(config["discoveryUrl"]).issuer()
        except OidcError:
            return None
        mapping = config.get("advertisedScopeMapping") or {}
        scopes = [mapping.get(s, s) for s in config.get("allowedScopes") or []]
        out: JSON = {"resource": resource, "authorization_servers": [issuer], "bearer_methods_supported": ["header"]}
        if scopes:
            out["scopes_supported"] = scopes
        return out

    async def check_discovery(self, doc: JSON) -> str | None:
        """Why a CUSTOM_JWT gateway's discovery document cannot be used, or None."""
        if doc.get("authorizerType") != "CUSTOM_JWT":
            return None
        url = doc["authorizerConfiguration"]["customJWTAuthorizer"]["discoveryUrl"]
        try:
            await self.provider(url).keys(None)
        except OidcError as exc:
            return str(exc)
        return None
