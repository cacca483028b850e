"""A forging OpenID provider on 127.0.0.1: discovery and JWKS for keys the tests hold, and a raw JWS signer.

Real issuers (the built-in one, oidc-provider) only sign well-formed tokens. Security tests also need tokens
no honest issuer makes: ``alg: none``, HS256 keyed with the RSA public key, an RS256 header over an ECDSA
signature, a ``kid`` that names another key, ``crit`` headers, missing or past ``exp``, another ``iss``,
array claims for ``customClaims``. :func:`sign` builds compact JWS by hand with ``cryptography`` (not with
the JOSE library gatewright uses), so the tests do not share the code they check.

``ForgedIssuer.publish`` replaces the JWKS at any time (key rotation); ``jwks_fetches`` counts its downloads.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from joserfc.jwk import ECKey, RSAKey

from support.net import free_port
from support.upstream import serve_app

Key = RSAKey | ECKey | bytes | None


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signature(signing_input: bytes, key: Key) -> bytes:
    """RSA keys sign PKCS#1 v1.5 SHA-256, EC keys ECDSA P-256 SHA-256, bytes HMAC-SHA256, None nothing,
    whatever the header claims."""
    if key is None:
        return b""
    if isinstance(key, bytes):
        return hmac.new(key, signing_input, hashlib.sha256).digest()
    private = key.private_key
    if isinstance(private, rsa.RSAPrivateKey):
        return private.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    r, s = utils.decode_dss_signature(private.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def sign(header: dict[str, Any], claims: Any, key: Key) -> str:
    """A compact JWS of ``claims`` (JSON-encoded unless bytes) with ``header`` exactly as given."""
    payload = claims if isinstance(claims, bytes) else json.dumps(claims).encode()
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(payload)}".encode()
    return f"{signing_input.decode()}.{b64url(_signature(signing_input, key))}"


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims of a compact JWS, unverified."""
    head, body, _ = token.split(".")
    decode: Callable[[str], Any] = lambda s: json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))  # noqa: E731
    return decode(head), decode(body)


def new_rsa(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"}, private=True)


def new_ec(kid: str) -> ECKey:
    return ECKey.generate_key("P-256", parameters={"kid": kid, "alg": "ES256", "use": "sig"}, private=True)


@dataclass
class ForgedIssuer:
    url: str
    rsa: RSAKey
    ec: ECKey
    published: list[dict[str, Any]] = field(default_factory=list)
    jwks_fetches: int = 0

    @property
    def issuer(self) -> str:
        return self.url

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def publish(self, *keys: RSAKey | ECKey) -> None:
        self.published = [k.as_dict(private=False) for k in keys]

    def claims(self, **overrides: Any) -> dict[str, Any]:
        """Claims of a valid token; an override of None removes the claim."""
        now = int(time.time())
        base: dict[str, Any] = {
            "iss": self.url,
            "sub": "forged-user",
            "client_id": "forged-client",
            "scope": "gateway/read",
            "groups": ["eng", "ops"],
            "tier": "gold",
            "iat": now,
            "exp": now + 300,
            "jti": str(uuid.uuid4()),
        }
        merged = base | overrides
        return {k: v for k, v in merged.items() if v is not None}

    def token(self, key: Key = None, header: dict[str, Any] | None = None, **claims: Any) -> str:
        """A token signed by ``key`` (default: the published RSA key) with a matching header unless given."""
        signer = self.rsa if key is None else key
        if header is None:
            alg = "ES256" if isinstance(signer, ECKey) else "HS256" if isinstance(signer, bytes) else "RS256"
            header = {"alg": alg, "typ": "JWT"}
            if isinstance(signer, RSAKey | ECKey):
                header["kid"] = signer.kid
        return sign(header, self.claims(**claims), signer)


def start_forged_issuer() -> tuple[ForgedIssuer, Callable[[], None]]:
    port = free_port()
    state = ForgedIssuer(f"http://127.0.0.1:{port}", new_rsa("forge-rsa-1"), new_ec("forge-ec-1"))
    state.publish(state.rsa, state.ec)

    async def discovery(request: web.Request) -> web.Response:
        return web.json_response(
            {"issuer": state.url, "jwks_uri": f"{state.url}/jwks", "token_endpoint": f"{state.url}/token"}
        )

    async def jwks(request: web.Request) -> web.Response:
        state.jwks_fetches += 1
        return web.json_response({"keys": state.published})

    app = web.Application()
    app.add_routes([web.get("/.well-known/openid-configuration", discovery), web.get("/jwks", jwks)])
    return state, serve_app(app, port, "test-forged-issuer")


def forged_issuer_session() -> Iterator[ForgedIssuer]:
    """Body of a session fixture."""
    state, stop = start_forged_issuer()
    try:
        yield state
    finally:
        stop()
