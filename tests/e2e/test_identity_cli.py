"""``gatewright gateway quick-create``: a CUSTOM_JWT gateway wired to a new client of the built-in issuer, and what
an MCP client does with it (a bare token, and the MCP SDK's own OAuth discovery from the 401)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from support.gateway import GatewrightProcess, openapi_target
from support.identity import (
    bearer,
    builtin_token,
    call_tool,
    create_client,
    list_tools,
    name,
    run_cli,
    token_request,
    tool_json,
)
from support.specs import petstore
from support.upstream import PETS, Upstream

PRINTED = {"gatewayId", "gatewayUrl", "clientId", "clientSecret", "tokenEndpoint", "discoveryUrl"}


@pytest.fixture(scope="module")
def quick(gatewright: GatewrightProcess, control: Any, upstream: Upstream) -> dict[str, Any]:
    gateway_name = name("quick")
    done = run_cli(gatewright, "gateway", "quick-create", gateway_name, "--json")
    printed: dict[str, Any] = json.loads(done.stdout)
    printed["name"] = gateway_name
    openapi_target(control, printed["gatewayId"], "pets", petstore(upstream.url))
    return printed


def test_quick_create_prints_the_gateway_and_its_client(quick: dict[str, Any], gatewright: GatewrightProcess) -> None:
    assert set(quick) >= PRINTED
    assert quick["gatewayUrl"] == f"{gatewright.url}/gw/{quick['gatewayId']}/mcp"
    assert quick["tokenEndpoint"] == f"{gatewright.url}/oauth2/token"
    assert quick["discoveryUrl"] == f"{gatewright.url}/.well-known/openid-configuration"


def test_quick_create_configures_custom_jwt(quick: dict[str, Any], control: Any) -> None:
    gateway = control.get_gateway(gatewayIdentifier=quick["gatewayId"])
    assert gateway["status"] == "READY"
    assert gateway["name"] == quick["name"]
    assert gateway["authorizerType"] == "CUSTOM_JWT"
    jwt = gateway["authorizerConfiguration"]["customJWTAuthorizer"]
    assert jwt["discoveryUrl"] == quick["discoveryUrl"]
    assert jwt["allowedClients"] == [quick["clientId"]]
    assert quick["clientSecret"] not in json.dumps(gateway, default=str)


def test_the_quick_created_gateway_works_end_to_end(quick: dict[str, Any]) -> None:
    token = token_request(quick["tokenEndpoint"], quick["clientId"], quick["clientSecret"]).json()["access_token"]
    assert tool_json(call_tool(quick["gatewayUrl"], "pets___GetPet", {"petId": "2"}, bearer(token))) == PETS[1]
    assert list_tools(quick["gatewayUrl"]).status_code == 401


def test_another_client_of_the_same_issuer_is_refused(quick: dict[str, Any], gatewright: GatewrightProcess) -> None:
    other = create_client(gatewright, [])
    assert list_tools(quick["gatewayUrl"], bearer(builtin_token(other))).status_code == 403


def test_the_mcp_sdk_finds_the_issuer_and_gets_a_token_itself(
    quick: dict[str, Any], gatewright: GatewrightProcess
) -> None:
    """The SDK's client-credentials provider: 401 -> RFC 9728 metadata -> issuer discovery -> token -> retry."""
    import anyio
    import httpx2
    from mcp import Client
    from mcp.client.auth import TokenStorage
    from mcp.client.auth.extensions.client_credentials import ClientCredentialsOAuthProvider
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared.auth import OAuthClientInformationFull, OAuthToken

    class Memory(TokenStorage):
        def __init__(self) -> None:
            self.tokens: OAuthToken | None = None
            self.client: OAuthClientInformationFull | None = None

        async def get_tokens(self) -> OAuthToken | None:
            return self.tokens

        async def set_tokens(self, tokens: OAuthToken) -> None:
            self.tokens = tokens

        async def get_client_info(self) -> OAuthClientInformationFull | None:
            return self.client

        async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
            self.client = client_info

    storage = Memory()

    async def run() -> Any:
        auth = ClientCredentialsOAuthProvider(
            server_url=quick["gatewayUrl"],
            storage=storage,
            client_id=quick["clientId"],
            client_secret=quick["clientSecret"],
            issuer=gatewright.url,
        )
        async with (
            httpx2.AsyncClient(auth=auth, timeout=30) as http,
            Client(streamable_http_client(quick["gatewayUrl"], http_client=http)) as client,
        ):
            return await client.call_tool("pets___GetPet", {"petId": "1"})

    result = anyio.run(run)
    assert result.is_error is False
    assert json.loads(result.content[0].text) == PETS[0]
    assert storage.tokens is not None
