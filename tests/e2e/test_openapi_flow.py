"""The core promise end to end: boto3 creates a gateway and an OpenAPI target; MCP clients list and call."""

from __future__ import annotations

import json
from typing import Any

from support.gateway import GatewrightProcess, create_gateway, openapi_target, rpc
from support.specs import petstore
from support.upstream import PETS, Upstream


def test_bare_post_lists_and_calls_tools(control: Any, upstream: Upstream, unique_name: str) -> None:
    gateway = create_gateway(control, unique_name)
    assert gateway["status"] == "READY"
    target = openapi_target(control, gateway["gatewayId"], "pets", petstore(upstream.url))
    assert target["status"] == "READY", target["statusReasons"]

    listed = rpc(gateway["gatewayUrl"], "tools/list")
    assert listed.status_code == 200
    assert listed.headers["content-type"].startswith("application/json")
    tools = {t["name"]: t for t in listed.json()["result"]["tools"]}
    assert set(tools) == {"pets___get_pets", "pets___CreatePet", "pets___GetPet"}
    assert tools["pets___GetPet"]["inputSchema"]["required"] == ["petId"]
    assert tools["pets___CreatePet"]["inputSchema"]["properties"]["type"]["enum"] == [
        "dog",
        "cat",
        "fish",
        "bird",
        "gecko",
    ]

    called = rpc(gateway["gatewayUrl"], "tools/call", {"name": "pets___get_pets", "arguments": {}})
    result = called.json()["result"]
    assert result["isError"] is False
    assert json.loads(result["content"][0]["text"]) == PETS


def test_sdk_client_lists_and_calls(
    gatewright: GatewrightProcess, control: Any, upstream: Upstream, unique_name: str
) -> None:
    import anyio
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    gateway = create_gateway(control, unique_name)
    openapi_target(control, gateway["gatewayId"], "pets", petstore(upstream.url))

    async def run(mode: str) -> tuple[list[str], Any]:
        async with Client(streamable_http_client(gateway["gatewayUrl"]), mode=mode) as client:
            tools = await client.list_tools()
            result = await client.call_tool("pets___GetPet", {"petId": "2"})
            return [t.name for t in tools.tools], result

    for mode in ("legacy", "auto"):
        names, result = anyio.run(run, mode)
        assert "pets___GetPet" in names
        assert result.is_error is False
        assert json.loads(result.content[0].text) == PETS[1]
