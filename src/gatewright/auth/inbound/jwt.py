"""CUSTOM_JWT: bearer tokens from any OpenID provider (or the built-in issuer), checked on every call.

Checks, in order: a Bearer token is present; its header names an allowed asymmetric algorithm (never
``none``, never HMAC: a public key is never used as an HMAC secret) and has no ``crit`` parameter; the
signature verifies with the provider's JWKS (``kid`` lookup, refreshed on an unknown ``kid``); ``exp`` is
present and not past, ``nbf`` and ``iat`` are not in the future (with a small leeway); ``iss`` equals the
discovered issuer. Failures are 401. Then the gateway's rules (rules.py); failures are 403
``insufficient_scope``.

A verified token is remembered until it expires (bounded cache keyed by the token itself), so a client
that reuses its token pays for the signature check once.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Sequence
from typing import Any

import orjson
from joserfc import jwt
from joserfc.errors import JoseError

from gatewright.auth.admin import ADMIN_AUDIENCE
from gatewright.auth.inbound.challenge import forbidden, unauthorized
from gatewright.auth.inbound.oidc import KeySource, OidcError
from gatewright.auth.inbound.principal import Principal
from gatewright.auth.inbound.rules import compile_rules
from gatewright.web.asgi import HttpError

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]
CACHE_SIZE = 10_000
_Cached = tuple[Principal, float]


def _audiences(claims: dict[str, Any]) -> set[str]:
    aud = claims.get("aud")
    return {a for a in (aud if isinstance(aud, list) else [aud]) if isinstance(a, str)}


def _header(token: str) -> dict[str, Any] | None:
    """The JOSE header of a compact JWS, or None when the token is not one."""
    if token.count(".") != 2:
        return None
    segment = token.split(".", 1)[0]
    try:
        header = orjson.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, binascii.Error):
        return None
    return header if isinstance(header, dict) else None


class JwtAuthorizer:
    def __init__(
        self,
        config: dict[str, Any],
        keys: KeySource,
        *,
        resource_metadata: str,
        leeway: int = 60,
        control_plane: bool = False,
    ) -> None:
        self._keys = keys
        # Only the control plane's own verifier accepts tokens for the control plane (auth/admin.py).
        self._control_plane = control_plane
        self._rules = compile_rules(config)
        self._leeway = leeway
        self.resource_metadata = resource_metadata
        mapping = config.get("advertisedScopeMapping") or {}
        self.scopes: Sequence[str] = [mapping.get(s, s) for s in config.get("allowedScopes") or []]
        self._cache: dict[str, _Cached] = {}

    def _refuse(self, description: str) -> HttpError:
        return unauthorized(description, resource_metadata=self.resource_metadata, scopes=self.scopes)

    async def authenticate(self, scope: Any, headers: dict[str, str], body: bytes) -> Principal:
        header = headers.get("authorization")
        if header is None or header[:7].lower() != "bearer ":
            raise self._refuse("a Bearer token is required")
        token = header[7:].strip()
        cached = self._cache.get(token)
        if cached is not None and cached[1] > time.time():
            return cached[0]
        principal, expires = await self._verify(token)
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[token] = (principal, expires)
        return principal

    async def _verify(self, token: str) -> tuple[Principal, float]:
        header = _header(token)
        if header is None:
            raise self._refuse("the token is not a JWT")
        if header.get("alg") not in ALGORITHMS:
            raise self._refuse("the token's algorithm is not allowed")
        if "crit" in header:  # RFC 7515 4.1.11: no extension is understood here, so none can be critical
            raise self._refuse("the token has critical header parameters")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise self._refuse("the token's kid is not a string")
        try:
            keys = await self._keys.keys(kid)
            issuer = await self._keys.issuer()
        except OidcError:
            raise HttpError.json(
                503,
                {
                    "error": "temporarily_unavailable",
                    "error_description": "the authorization server's keys cannot be fetched",
                },
            ) from None
        try:
            decoded = jwt.decode(token, keys, algorithms=ALGORITHMS)
        except (JoseError, ValueError, TypeError):  # fail closed on anything the library cannot read
            raise self._refuse("the token's signature is not valid") from None
        claims = decoded.claims
        self._check_times(claims)
        if claims.get("iss") != issuer:
            raise self._refuse("the token was not issued by this gateway's authorization server")
        if not self._control_plane and _audiences(claims) & {ADMIN_AUDIENCE}:
            raise forbidden(
                "a control-plane token cannot call a gateway",
                resource_metadata=self.resource_metadata,
                scopes=self.scopes,
            )
        for rule in self._rules:
            reason = rule(claims)
            if reason is not None:
                raise forbidden(reason, resource_metadata=self.resource_metadata, scopes=self.scopes)
        key = str(claims.get("sub") or claims.get("client_id") or "")
        return Principal(key=key, claims=claims, token=token), float(claims["exp"])

    def _check_times(self, claims: dict[str, Any]) -> None:
        now = time.time()
        exp = claims.get("exp")
        if not isinstance(exp, int | float) or isinstance(exp, bool):
            raise self._refuse("the token has no expiry")
        if exp + self._leeway < now:
            raise self._refuse("the token has expired")
        for name in ("nbf", "iat"):
            value = claims.get(name)
            if value is not None and (not isinstance(value, int | float) or value - self._leeway > now):
                raise self._refuse(f"the token's {name} is in the future")
