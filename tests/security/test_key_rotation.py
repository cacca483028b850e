"""Signing-key rotation never locks callers out.

Built-in issuer: ``gatewright oauth rotate-signing-key`` makes a new key current; tokens signed before keep working,
new tokens carry the new ``kid`` and work at once on gateways of the same process (no JWKS cache to wait for).
External provider (oidc-provider): after it rotates, a token with a ``kid`` the gateway has not seen makes the
gateway fetch the JWKS again (on the lab process, whose refresh floor is 0.5 s); retired keys stop working.
"""

from __future__ import annotations

import json
import time
from typing import Any

import requests

from support.forge import parts
from support.gateway import GatewrightProcess
from support.identity import bearer, builtin_token, create_client, jwt_gateway, list_tools, run_cli
from support.oidc_provider import OidcProviderFactory
from support.upstream import Upstream


def _jwks_kids(server: GatewrightProcess) -> list[str]:
    return [k["kid"] for k in requests.get(f"{server.url}/oauth2/jwks", timeout=10).json()["keys"]]


def _status(gateway: dict[str, Any], token: str) -> int:
    return list_tools(gateway["gatewayUrl"], bearer(token)).status_code


def _eventually(gateway: dict[str, Any], token: str, status: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while (got := _status(gateway, token)) != status:
        assert time.monotonic() < deadline, f"still {got}, not {status}, after {timeout}s"
        time.sleep(0.05)


def test_built_in_rotation_keeps_old_tokens_and_signs_new_ones_with_the_new_key(
    gatewright: GatewrightProcess, control: Any, upstream: Upstream
) -> None:
    client = create_client(gatewright, ["gateway/read"])
    gateway = jwt_gateway(control, upstream.url, client.discovery_url, allowedClients=[client.client_id])
    old = builtin_token(client)
    old_kid = parts(old)[0]["kid"]
    assert _status(gateway, old) == 200
    new_kid = json.loads(run_cli(gatewright, "oauth", "rotate-signing-key", "--json").stdout)["kid"]
    assert new_kid != old_kid
    assert {old_kid, new_kid} <= set(_jwks_kids(gatewright))
    new = builtin_token(client)
    assert parts(new)[0]["kid"] == new_kid
    assert _status(gateway, new) == 200  # at once: no waiting for a JWKS refresh
    assert _status(gateway, old) == 200
    fresh_gateway = jwt_gateway(control, upstream.url, client.discovery_url, allowedClients=[client.client_id])
    assert _status(fresh_gateway, old) == 200
    assert _status(fresh_gateway, new) == 200


def test_external_rotation_refreshes_the_jwks_on_an_unknown_kid(
    lab_control: Any, upstream: Upstream, oidc_factory: OidcProviderFactory
) -> None:
    provider = oidc_factory([{"client_id": "rotating", "scopes": ["gateway/read"]}])
    gateway = jwt_gateway(lab_control, upstream.url, provider.discovery_url, allowedClients=["rotating"])
    before = provider.access_token("rotating")
    assert _status(gateway, before) == 200
    kids = provider.rotate_key()
    after = provider.access_token("rotating")
    assert parts(after)[0]["kid"] == kids["RS256"] != parts(before)[0]["kid"]
    _eventually(gateway, after, 200)
    assert _status(gateway, before) == 200  # the old key is still published


def test_a_retired_external_key_stops_working(
    lab_control: Any, upstream: Upstream, oidc_factory: OidcProviderFactory
) -> None:
    provider = oidc_factory([{"client_id": "retiring", "scopes": ["gateway/read"]}])
    gateway = jwt_gateway(lab_control, upstream.url, provider.discovery_url, allowedClients=["retiring"])
    used, unused = provider.access_token("retiring"), provider.access_token("retiring")
    assert _status(gateway, used) == 200
    provider.rotate_key(retire=True)
    assert parts(unused)[0]["kid"] not in [k["kid"] for k in provider.jwks()["keys"]]
    # The gateway learns the new JWKS when it meets the new kid; from then on the retired key verifies nothing.
    _eventually(gateway, provider.access_token("retiring"), 200)
    assert _status(gateway, unused) == 401
