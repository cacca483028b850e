"""An admin token (scope gatewright/admin) opens the control plane and nothing else."""

from __future__ import annotations

from typing import Any

import requests

from support.gateway import GatewrightProcess, create_gateway, rpc


def _admin_token(server: GatewrightProcess) -> str:
    creds = server.credentials()
    response = requests.post(
        f"{server.url}/oauth2/token",
        auth=(creds["accessKeyId"], creds["secretAccessKey"]),
        data={"grant_type": "client_credentials", "scope": "gatewright/admin"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def test_admin_token_cannot_call_a_gateway_even_one_that_allows_its_scope(
    gatewright: GatewrightProcess, control: Any, unique_name: str
) -> None:
    token = _admin_token(gatewright)
    assert (
        requests.get(
            f"{gatewright.url}/gateways/", headers={"Authorization": f"Bearer {token}"}, timeout=10
        ).status_code
        == 200
    )
    gateway = create_gateway(
        control,
        unique_name,
        authorizerType="CUSTOM_JWT",
        authorizerConfiguration={
            "customJWTAuthorizer": {
                "discoveryUrl": f"{gatewright.url}/.well-known/openid-configuration",
                "allowedScopes": ["gatewright/admin"],
            }
        },
    )
    assert gateway["status"] == "READY", gateway["statusReasons"]
    refused = rpc(gateway["gatewayUrl"], "tools/list", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 403
    assert 'error="insufficient_scope"' in refused.headers["www-authenticate"]
    assert "control-plane token" in refused.json()["error_description"]
