"""Real tokens expire: a token from the built-in issuer and one from oidc-provider work, then get 401 once ``exp``
has passed (on processes with no clock leeway, so the wait is about a second, polled)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.gateway import GatewrightProcess, start_gatewright, stop_gatewright
from support.identity import bearer, builtin_token, challenge, create_client, jwt_gateway, list_tools
from support.oidc_provider import OidcProvider
from support.upstream import Upstream


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewrightProcess]:
    """A process whose issuer signs one-second tokens and whose gateways allow no leeway."""
    data_dir: Path = tmp_path_factory.mktemp("gatewright-brief")
    server = start_gatewright(data_dir, {"GATEWRIGHT_ISSUER_TOKEN_SECONDS": "1", "GATEWRIGHT_JWT_LEEWAY_SECONDS": "0"})
    yield server
    stop_gatewright(server)


def _expires(gateway: dict[str, Any], token: str, timeout: float = 10.0) -> None:
    url = gateway["gatewayUrl"]
    assert list_tools(url, bearer(token)).status_code == 200
    deadline = time.monotonic() + timeout
    while (response := list_tools(url, bearer(token))).status_code == 200:
        assert time.monotonic() < deadline, "the token was still accepted after it expired"
        time.sleep(0.05)
    assert response.status_code == 401, response.text
    params = challenge(response)
    assert params["error"] == "invalid_token"
    assert "expired" in params["error_description"]


def test_a_built_in_token_expires(brief: GatewrightProcess, upstream: Upstream) -> None:
    client = create_client(brief, ["gateway/read"])
    gateway = jwt_gateway(brief.control(), upstream.url, client.discovery_url, allowedClients=[client.client_id])
    _expires(gateway, builtin_token(client))


def test_an_oidc_provider_token_expires(
    lab: GatewrightProcess, lab_control: Any, upstream: Upstream, oidc: OidcProvider
) -> None:
    gateway = jwt_gateway(lab_control, upstream.url, oidc.discovery_url, allowedClients=["blink"])
    _expires(gateway, oidc.access_token("blink"))
