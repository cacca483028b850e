"""Gateway variants: how the measured gateway is created and what every MCP request carries.

A :class:`Variant` is the hook for measuring a per-call cost such as inbound authentication: it is a set of
extra CreateGateway parameters plus extra request headers, nothing else. The harness creates one gateway
per variant (same target, same upstream) and measures ``tools/call`` through each, side by side.

* ``none``: ``authorizerType NONE`` (the baseline gateway).
* ``jwt``: ``authorizerType CUSTOM_JWT`` with a discovery URL served by the harness upstream, an RS256 key
  the harness generated, and ``Authorization: Bearer <token>`` on every request (one token, reused as a real
  client reuses it until it expires).

A variant the control plane refuses (a feature not implemented yet) is reported as skipped, with the control
plane's message, and the rest of the run goes on.

To add a variant (API keys, SigV4, policies, interceptors...), write a function that returns a Variant and
add it to :func:`variants`.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

JSON = dict[str, Any]
JWT_AUDIENCE = "gatewright-bench"
JWT_CLIENT = "bench-client"


@dataclass(frozen=True)
class Variant:
    name: str
    description: str
    gateway_params: JSON = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _uint(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@dataclass(frozen=True)
class SigningKey:
    """An RS256 key pair: the private half signs the harness's tokens, the public half is the JWKS."""

    key: rsa.RSAPrivateKey
    kid: str = "bench-1"

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def jwks(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        jwk = {
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": _uint(numbers.n),
            "e": _uint(numbers.e),
        }
        return json.dumps({"keys": [jwk]}).encode()

    def token(self, issuer: str, *, lifetime: int = 3600, **claims: Any) -> str:
        now = int(time.time())
        header = {"alg": "RS256", "typ": "JWT", "kid": self.kid}
        body = {"iss": issuer, "sub": "bench-user", "iat": now, "nbf": now, "exp": now + lifetime, **claims}
        signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(body).encode())}".encode()
        signature = self.key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input.decode()}.{b64url(signature)}"


def none_variant() -> Variant:
    return Variant("none", "authorizerType NONE", {"authorizerType": "NONE"})


def jwt_variant(issuer: str, key: SigningKey) -> Variant:
    """CUSTOM_JWT against the harness upstream's discovery document, with a valid bearer token."""
    token = key.token(issuer, aud=JWT_AUDIENCE, client_id=JWT_CLIENT, scope="bench/read")
    params = {
        "authorizerType": "CUSTOM_JWT",
        "authorizerConfiguration": {
            "customJWTAuthorizer": {
                "discoveryUrl": f"{issuer}/.well-known/openid-configuration",
                "allowedAudience": [JWT_AUDIENCE],
            }
        },
    }
    return Variant("jwt", "CUSTOM_JWT, RS256 bearer token", params, {"Authorization": f"Bearer {token}"})


VariantFactory = Callable[[str, SigningKey], Variant]
FACTORIES: dict[str, VariantFactory] = {
    "none": lambda issuer, key: none_variant(),
    "jwt": jwt_variant,
}


def variants(names: list[str], issuer: str, key: SigningKey) -> list[Variant]:
    """The named variants (``issuer`` is the upstream URL that serves the discovery document)."""
    unknown = [n for n in names if n not in FACTORIES]
    if unknown:
        raise ValueError(f"unknown variant(s) {', '.join(unknown)}; known: {', '.join(FACTORIES)}")
    return [FACTORIES[name](issuer, key) for name in names]
