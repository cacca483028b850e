"""An OpenID provider's issuer and signing keys, fetched from its discovery document and cached.

The JWKS is re-fetched when a token names a ``kid`` we do not know (the provider rotated its keys) and in
any case after ``ttl`` seconds, with at most one attempt every ``min_refresh`` seconds. When a re-fetch
fails, the keys already known stay in use (a provider outage does not lock out callers whose tokens it
signed before). Keys that cannot verify signatures (encryption keys, unknown types) are ignored.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Protocol

import orjson
from joserfc.jwk import KeySet

from gatewright.upstream.http import HttpClient, UpstreamError

MAX_DOCUMENT = 512 * 1024
log = logging.getLogger("gatewright.auth")


class OidcError(Exception):
    """The provider's discovery document or keys cannot be fetched or read."""


class KeySource(Protocol):
    """Where a CUSTOM_JWT authorizer gets an issuer's identifier and verification keys."""

    async def issuer(self) -> str: ...

    async def keys(self, kid: str | None) -> KeySet:
        """The keys to verify a token whose header names ``kid`` (refreshed when ``kid`` is unknown)."""
        ...


class OidcKeys:
    def __init__(self, discovery_url: str, http: HttpClient, *, ttl: float = 3600.0, min_refresh: float = 30.0):
        self.discovery_url = discovery_url
        self._http = http
        self._ttl = ttl
        self._min_refresh = min_refresh
        self._issuer: str | None = None
        self._token_endpoint: str | None = None
        self._jwks_uri: str | None = None
        self._keys: KeySet | None = None
        self._kids: set[str] = set()
        self._fetched = 0.0
        self._attempted = 0.0
        self._lock = asyncio.Lock()

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = await self._http.request("GET", url, headers={"Accept": "application/json"})
        except UpstreamError as exc:
            raise OidcError(f"cannot fetch {url}: {exc.message}") from None
        if response.status != 200 or len(response.body) > MAX_DOCUMENT:
            raise OidcError(f"cannot fetch {url}: HTTP {response.status}")
        try:
            doc = orjson.loads(response.body)
        except orjson.JSONDecodeError:
            raise OidcError(f"{url} is not JSON") from None
        if not isinstance(doc, dict):
            raise OidcError(f"{url} is not a JSON object")
        return doc

    async def _refresh(self) -> None:
        discovery = await self._get_json(self.discovery_url)
        issuer, jwks_uri = discovery.get("issuer"), discovery.get("jwks_uri")
        if not isinstance(issuer, str) or not isinstance(jwks_uri, str):
            raise OidcError(f"{self.discovery_url} has no issuer or jwks_uri")
        jwks = await self._get_json(jwks_uri)
        usable = [
            k
            for k in jwks.get("keys", [])
            if isinstance(k, dict) and k.get("use", "sig") == "sig" and k.get("kty") in ("RSA", "EC", "OKP")
        ]
        try:
            keys = KeySet.import_key_set({"keys": usable})
        except Exception as exc:  # noqa: BLE001 - joserfc raises several types for malformed keys
            raise OidcError(f"{jwks_uri} has keys that cannot be read: {exc}") from None
        self._issuer, self._jwks_uri, self._keys = issuer, jwks_uri, keys
        endpoint = discovery.get("token_endpoint")
        self._token_endpoint = endpoint if isinstance(endpoint, str) else None
        self._kids = {str(k["kid"]) for k in usable if k.get("kid")}
        self._fetched = time.monotonic()

    def _due(self, want_kid: str | None) -> bool:
        if self._keys is None:
            return True
        now = time.monotonic()
        if now - self._attempted < self._min_refresh:
            return False
        return now - self._fetched > self._ttl or (want_kid is not None and want_kid not in self._kids)

    async def _ensure(self, want_kid: str | None = None) -> None:
        if not self._due(want_kid):
            return
        async with self._lock:
            if not self._due(want_kid):
                return
            self._attempted = time.monotonic()
            try:
                await self._refresh()
            except OidcError as exc:
                if self._keys is None:
                    raise
                # A provider that is briefly down must not lock every caller out: keep the keys we have.
                log.warning("keeping the cached keys of %s: %s", self.discovery_url, exc)

    async def issuer(self) -> str:
        await self._ensure()
        assert self._issuer is not None
        return self._issuer

    async def token_endpoint(self) -> str:
        await self._ensure()
        if not self._token_endpoint:
            raise OidcError(f"{self.discovery_url} has no token_endpoint")
        return self._token_endpoint

    async def keys(self, kid: str | None) -> KeySet:
        await self._ensure(kid)
        assert self._keys is not None
        return self._keys
