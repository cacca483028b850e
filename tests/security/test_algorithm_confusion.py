"""JWT algorithm confusion and header tricks, against a CUSTOM_JWT gateway whose JWKS the test holds (the forging
provider) and against one on the built-in issuer.

Every forged token must be refused with 401 ``invalid_token`` (never accepted, never a 5xx), and the same token
re-signed honestly must pass, so each refusal is due to the trick and nothing else.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import requests
from joserfc.jwk import RSAKey

from support.forge import ForgedIssuer, b64url, new_ec, new_rsa, parts, sign
from support.gateway import GatewrightProcess
from support.identity import bearer, builtin_token, challenge, create_client, jwt_gateway, list_tools
from support.upstream import Upstream


@pytest.fixture(scope="module")
def gateway(control: Any, upstream: Upstream, forge: ForgedIssuer) -> dict[str, Any]:
    return jwt_gateway(control, upstream.url, forge.discovery_url, allowedClients=["forged-client"])


def _refused(gateway: dict[str, Any], token: str) -> None:
    response = list_tools(gateway["gatewayUrl"], bearer(token))
    assert response.status_code == 401, (response.status_code, response.text)
    assert challenge(response)["error"] == "invalid_token"


def _public_pem(key: RSAKey) -> bytes:
    return key.as_pem(private=False)


def test_an_honest_token_passes(gateway: dict[str, Any], forge: ForgedIssuer) -> None:
    assert list_tools(gateway["gatewayUrl"], bearer(forge.token())).status_code == 200
    assert list_tools(gateway["gatewayUrl"], bearer(forge.token(key=forge.ec))).status_code == 200


@pytest.mark.parametrize("alg", ["none", "None", "NONE", ""])
def test_alg_none_is_refused(gateway: dict[str, Any], forge: ForgedIssuer, alg: str) -> None:
    _refused(gateway, sign({"alg": alg, "kid": forge.rsa.kid}, forge.claims(), None))
    _refused(gateway, sign({"alg": alg}, forge.claims(), None).rstrip("."))  # no signature segment at all


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
@pytest.mark.parametrize("secret", ["pem", "jwk-json", "modulus"])
def test_hmac_keyed_with_the_public_key_is_refused(
    gateway: dict[str, Any], forge: ForgedIssuer, alg: str, secret: str
) -> None:
    public = forge.rsa.as_dict(private=False)
    keys = {
        "pem": _public_pem(forge.rsa),
        "jwk-json": json.dumps(public).encode(),
        "modulus": base64.urlsafe_b64decode(str(public["n"]) + "=="),
    }
    _refused(gateway, sign({"alg": alg, "kid": forge.rsa.kid}, forge.claims(), keys[secret]))


def test_a_kid_naming_another_published_key_is_refused(gateway: dict[str, Any], forge: ForgedIssuer) -> None:
    # signed by the published RSA key, but the header points at the published EC key (and the other way round)
    _refused(gateway, sign({"alg": "RS256", "kid": forge.ec.kid}, forge.claims(), forge.rsa))
    _refused(gateway, sign({"alg": "ES256", "kid": forge.rsa.kid}, forge.claims(), forge.ec))


def test_an_rs256_header_over_an_ecdsa_signature_is_refused(gateway: dict[str, Any], forge: ForgedIssuer) -> None:
    _refused(gateway, sign({"alg": "RS256", "kid": forge.ec.kid}, forge.claims(), forge.ec))
    _refused(gateway, sign({"alg": "ES256", "kid": forge.ec.kid}, forge.claims(), forge.rsa))


def test_a_published_kid_over_an_attackers_key_is_refused(gateway: dict[str, Any], forge: ForgedIssuer) -> None:
    _refused(gateway, sign({"alg": "RS256", "kid": forge.rsa.kid}, forge.claims(), new_rsa("attacker")))
    _refused(gateway, sign({"alg": "ES256", "kid": forge.ec.kid}, forge.claims(), new_ec("attacker")))


def test_embedded_or_remote_keys_in_the_header_are_ignored(gateway: dict[str, Any], forge: ForgedIssuer) -> None:
    attacker = new_rsa("attacker-jwk")
    embedded = {"alg": "RS256", "kid": "attacker-jwk", "jwk": attacker.as_dict(private=False)}
    _refused(gateway, sign(embedded, forge.claims(), attacker))
    for member in ("jku", "x5u"):
        header = {"alg": "RS256", "kid": "attacker-jwk", member: "http://127.0.0.1:1/keys"}
        _refused(gateway, sign(header, forge.claims(), attacker))


@pytest.mark.parametrize(
    "extra",
    [
        {"crit": ["x-must-understand"], "x-must-understand": True},
        {"crit": ["exp"]},
        {"crit": []},
        {"crit": "x-must-understand", "x-must-understand": True},
        {"crit": ["b64"], "b64": False},
    ],
)
def test_critical_headers_are_refused(gateway: dict[str, Any], forge: ForgedIssuer, extra: dict[str, Any]) -> None:
    _refused(gateway, sign({"alg": "RS256", "kid": forge.rsa.kid, **extra}, forge.claims(), forge.rsa))


def test_odd_kid_values_are_refused(gateway: dict[str, Any], forge: ForgedIssuer) -> None:
    for kid in (None, 7, ["forge-rsa-1"], "../../jwks", "forge-rsa-1\u0000"):
        header = {"alg": "RS256"} if kid is None else {"alg": "RS256", "kid": kid}
        _refused(gateway, sign(header, forge.claims(), forge.rsa))


def test_malformed_compact_serialisations_are_refused(gateway: dict[str, Any], forge: ForgedIssuer) -> None:
    honest = forge.token()
    head, body, signature = honest.split(".")
    for token in (
        f"{head}.{body}",
        f"{head}.{body}.{signature}.extra",
        f"{head}.{body}.{signature}.a.b",  # five segments: a JWE shape
        f"{head}..{signature}",
        f"{head}.{b64url(b'not json')}.{signature}",
        f"{head}.{body}.",
        f"{head}.{body}.{signature}=",
        honest.replace(".", " ", 1),
        json.dumps({"protected": head, "payload": body, "signature": signature}),
        "." * 2,
    ):
        _refused(gateway, token)


def test_a_non_object_payload_is_refused(gateway: dict[str, Any], forge: ForgedIssuer) -> None:
    for payload in ([1, 2], "string", 42, None):
        _refused(gateway, sign({"alg": "RS256", "kid": forge.rsa.kid}, payload, forge.rsa))


def test_an_oversized_header_is_refused_quickly(gateway: dict[str, Any], forge: ForgedIssuer) -> None:
    header = {"alg": "RS256", "kid": forge.rsa.kid, "pad": "x" * 20_000}
    _refused(gateway, sign(header, forge.claims(), forge.rsa))


def test_the_built_in_issuer_resists_the_same_tricks(
    gatewright: GatewrightProcess, control: Any, upstream: Upstream
) -> None:
    client = create_client(gatewright, ["gateway/read"])
    gateway = jwt_gateway(control, upstream.url, client.discovery_url, allowedClients=[client.client_id])
    honest = builtin_token(client)
    assert list_tools(gateway["gatewayUrl"], bearer(honest)).status_code == 200
    header, claims = parts(honest)
    jwks = requests.get(f"{gatewright.url}/oauth2/jwks", timeout=10).json()
    public = RSAKey.import_key(next(k for k in jwks["keys"] if k["kid"] == header["kid"]))
    for token in (
        sign({**header, "alg": "none"}, claims, None),
        sign({**header, "alg": "HS256"}, claims, public.as_pem(private=False)),
        sign(header, claims, new_rsa(header["kid"])),
        sign({**header, "alg": "ES256"}, claims, new_ec(header["kid"])),
        sign({**header, "crit": ["x-must-understand"], "x-must-understand": 1}, claims, None),
    ):
        _refused(gateway, token)
