"""Turns a target's ``credentialProviderConfigurations`` into a live auth object.

Providers are read from the store (secrets decrypted here, nowhere else) and the auth object is cached per
target, so a call costs a dict lookup; the cache entries of a provider are dropped when the provider
changes (the runtime calls :meth:`CredentialResolver.invalidate` from the change feed), so a rotated API
key or client secret is used from the next call on. Concurrent first calls of a target wait for one build
(one auth object, hence one OAuth token); a build that overlaps an invalidation is used once, not cached.
"""

from __future__ import annotations

import asyncio
from typing import Any

from gatewright.auth.inbound.oidc import OidcError, OidcKeys
from gatewright.auth.outbound.api_key import ApiKeyAuth
from gatewright.auth.outbound.base import AuthUnavailable, OutboundAuth
from gatewright.auth.outbound.oauth import ClientCredentials
from gatewright.auth.outbound.passthrough import Passthrough
from gatewright.auth.outbound.sigv4 import SigV4Auth
from gatewright.resources import API_KEY_PROVIDER, OAUTH2_PROVIDER, provider_from_arn
from gatewright.secrets import SecretBox, SecretError
from gatewright.settings import Settings
from gatewright.store import Store
from gatewright.upstream.http import HttpClient

JSON = dict[str, Any]


class CredentialResolver:
    def __init__(self, store: Store, box: SecretBox, http: HttpClient, settings: Settings) -> None:
        self._store = store
        self._box = box
        self._http = http
        self._settings = settings
        self._cache: dict[str, tuple[OutboundAuth | None, str | None]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._generation = 0  # bumped by every invalidation

    def forget(self, cache_key: str) -> None:
        """Drop the auth object of one target (its configuration changed)."""
        self._generation += 1
        self._cache.pop(cache_key, None)
        self._locks.pop(cache_key, None)

    def invalidate(self, provider_name: str | None = None) -> None:
        self._generation += 1
        if provider_name is None:
            self._cache.clear()
            return
        for key in [k for k, (_, name) in self._cache.items() if name == provider_name]:
            del self._cache[key]

    async def auth_for(
        self, cache_key: str, configurations: list[JSON], *, default_service: str | None = None
    ) -> OutboundAuth | None:
        cached = self._cache.get(cache_key)
        if cached is not None:
            return cached[0]
        lock = self._locks.setdefault(cache_key, asyncio.Lock())
        async with lock:
            cached = self._cache.get(cache_key)
            if cached is not None:
                return cached[0]
            generation = self._generation
            try:
                auth, provider = await self._build(configurations, default_service)
            except SecretError:
                raise AuthUnavailable(
                    "The gateway cannot read the target's credentials.",
                    "a stored secret cannot be decrypted with the configured master keys",
                ) from None
            if generation == self._generation:
                self._cache[cache_key] = (auth, provider)
        return auth

    async def _build(
        self, configurations: list[JSON], default_service: str | None
    ) -> tuple[OutboundAuth | None, str | None]:
        if not configurations:
            return None, None
        config = configurations[0]
        kind = config["credentialProviderType"]
        provider = config.get("credentialProvider") or {}
        if kind == "GATEWAY_IAM_ROLE":
            iam = provider.get("iamCredentialProvider") or {}
            service = iam.get("service") or default_service
            if not service:
                raise AuthUnavailable("The target's GATEWAY_IAM_ROLE configuration names no service to sign for.")
            return SigV4Auth(service, iam.get("region") or self._settings.region), None
        if kind == "JWT_PASSTHROUGH":
            return Passthrough(), None
        if kind == "API_KEY":
            spec = provider["apiKeyCredentialProvider"]
            name, doc = await self._provider(spec["providerArn"], API_KEY_PROVIDER)
            auth = ApiKeyAuth(
                self._box.decrypt(doc["apiKey"]),
                name=spec.get("credentialParameterName"),
                prefix=spec.get("credentialPrefix"),
                location=spec.get("credentialLocation", "HEADER"),
            )
            return auth, name
        if kind == "OAUTH":
            spec = provider["oauthCredentialProvider"]
            name, doc = await self._provider(spec["providerArn"], OAUTH2_PROVIDER)
            return self._oauth(spec, doc), name
        raise AuthUnavailable(f"{kind} outbound auth is not supported.")

    async def _provider(self, arn: str, kind: str) -> tuple[str, JSON]:
        parsed = provider_from_arn(arn)
        if parsed is None or parsed[0] != kind:
            raise AuthUnavailable("The target's credential provider ARN is not valid.", arn)
        record = await self._store.get(kind, parsed[1])
        if record is None:
            raise AuthUnavailable("The target's credential provider no longer exists.", arn)
        return parsed[1], record.doc

    def _oauth(self, spec: JSON, doc: JSON) -> ClientCredentials:
        config = doc["config"]
        secret = self._box.decrypt(doc["clientSecret"]) if doc.get("clientSecret") else ""
        discovery = config.get("oauthDiscovery") or {}
        endpoint = (
            (discovery.get("authorizationServerMetadata") or {}).get("tokenEndpoint")
            or config.get("tokenEndpoint")
            or (doc.get("vendorMetadata") or {}).get("tokenEndpoint", "")
        )
        resolve = None
        if not endpoint and discovery.get("discoveryUrl"):
            resolve = _discovered_token_endpoint(OidcKeys(discovery["discoveryUrl"], self._http))
        return ClientCredentials(
            self._http,
            token_endpoint=endpoint,
            client_id=config.get("clientId", ""),
            client_secret=secret,
            scopes=list(spec.get("scopes") or []),
            custom=spec.get("customParameters"),
            method=config.get("clientAuthenticationMethod", "CLIENT_SECRET_BASIC"),
            resolve_endpoint=resolve,
        )


def _discovered_token_endpoint(keys: OidcKeys) -> Any:
    async def resolve() -> str:
        try:
            return await keys.token_endpoint()
        except OidcError as exc:
            raise AuthUnavailable("The upstream's authorization server could not be discovered.", str(exc)) from None

    return resolve
