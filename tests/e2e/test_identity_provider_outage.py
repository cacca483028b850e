"""An OpenID provider that goes away: tokens it signed before keep working with the keys the gateway holds, tokens
with keys the gateway never saw are 401 (not a 5xx), and a gateway cannot be created on a discovery URL that never
answered."""

from __future__ import annotations

import time
from typing import Any

from support.forge import new_rsa, start_forged_issuer
from support.gateway import create_gateway
from support.identity import bearer, challenge, jwt_gateway, list_tools, name
from support.net import free_port
from support.upstream import Upstream


def test_a_provider_outage_keeps_known_keys_and_refuses_unknown_ones(lab_control: Any, upstream: Upstream) -> None:
    """On the lab process an unknown kid makes the gateway try the dead provider again (every 0.5 s at most):
    for more than a second of such tokens, every answer is 401 and known keys keep working."""
    forge, stop = start_forged_issuer()
    stopped = False
    try:
        gateway = jwt_gateway(lab_control, upstream.url, forge.discovery_url, allowedClients=["forged-client"])
        url = gateway["gatewayUrl"]
        assert list_tools(url, bearer(forge.token())).status_code == 200
        stop()
        stopped = True
        stranger = new_rsa("never-published")
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            unknown = list_tools(url, bearer(forge.token(key=stranger)))
            assert unknown.status_code == 401, unknown.text
            assert challenge(unknown)["error"] == "invalid_token"
            assert list_tools(url, bearer(forge.token())).status_code == 200  # a new token, a known key
    finally:
        if not stopped:
            stop()


def test_a_gateway_on_a_dead_discovery_url_fails(control: Any) -> None:
    dead = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    created = create_gateway(
        control,
        name("dead"),
        authorizerType="CUSTOM_JWT",
        authorizerConfiguration={"customJWTAuthorizer": {"discoveryUrl": dead, "allowedClients": ["c"]}},
    )
    assert created["status"] == "FAILED"
    assert any(dead in reason for reason in created["statusReasons"]), created["statusReasons"]
