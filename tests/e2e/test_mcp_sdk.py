"""The official MCP Python SDK client against the gateway: both wires, pagination, errors, sessions."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from support.gateway import create_gateway, openapi_target
from support.mcp import MODERN, TIGHT_PAGE
from support.upstream import PETS, Upstream

T = TypeVar("T")


def _run(url: str, mode: str, body: Callable[[Client], Awaitable[T]]) -> T:
    async def main() -> T:
        async with Client(streamable_http_client(url), mode=mode) as client:
            return await body(client)

    return anyio.run(main)


@pytest.mark.parametrize(("mode", "version"), [("legacy", "2025-11-25"), ("auto", MODERN), (MODERN, MODERN)])
def test_sdk_client_on_each_wire(pets: dict[str, Any], mode: str, version: str) -> None:
    async def body(client: Client) -> None:
        assert client.protocol_version == version
        if mode != MODERN:  # a pinned version skips discovery: the client knows no server info or capabilities
            assert client.server_info is not None
            assert client.server_capabilities.tools is not None
        tools = await client.list_tools()
        names = {t.name for t in tools.tools}
        assert {"pets___GetPet", "pets___CreatePet", "pets___get_pets"} <= names
        got = await client.call_tool("pets___GetPet", {"petId": "3"})
        assert got.is_error is False
        assert json.loads(got.content[0].text) == PETS[2]  # type: ignore[union-attr]
        bad = await client.call_tool("pets___GetPet", {})
        assert bad.is_error is True
        assert "petId" in bad.content[0].text  # type: ignore[union-attr]
        masked = await client.call_tool("pets___Fail", {})
        assert masked.is_error is True
        assert "500" in masked.content[0].text  # type: ignore[union-attr]
        assert "secret stack trace" not in masked.content[0].text  # type: ignore[union-attr]

    _run(pets["gatewayUrl"], mode, body)


@pytest.mark.parametrize("mode", ["legacy", "auto"])
def test_sdk_client_walks_tool_pages(tight_control: Any, upstream: Upstream, unique_name: str, mode: str) -> None:
    gateway = create_gateway(tight_control, unique_name)
    openapi_target(tight_control, gateway["gatewayId"], "pets", _petstore_like(upstream.url))

    async def body(client: Client) -> list[str]:
        names: list[str] = []
        cursor: str | None = None
        while True:
            page = await client.list_tools(cursor=cursor, cache_mode="bypass")
            assert len(page.tools) <= TIGHT_PAGE
            names.extend(t.name for t in page.tools)
            cursor = page.next_cursor
            if cursor is None:
                return names

    names = _run(gateway["gatewayUrl"], mode, body)
    assert sorted(names) == sorted(f"pets___op{i}" for i in range(5))


def test_sdk_client_with_sessions(control: Any, upstream: Upstream, unique_name: str) -> None:
    from support.specs import petstore

    gateway = create_gateway(
        control, unique_name, protocolConfiguration={"mcp": {"sessionConfiguration": {"sessionTimeoutInSeconds": 900}}}
    )
    openapi_target(control, gateway["gatewayId"], "pets", petstore(upstream.url))

    async def body(client: Client) -> None:
        assert client.protocol_version == "2025-11-25"
        assert (await client.call_tool("pets___GetPet", {"petId": "1"})).is_error is False
        assert len((await client.list_tools()).tools) == 3

    # Closing the client ends the session with a DELETE (terminate_on_close).
    _run(gateway["gatewayUrl"], "legacy", body)


def _petstore_like(base_url: str) -> dict[str, Any]:
    paths = {
        f"/echo/{i}": {"get": {"operationId": f"op{i}", "responses": {"200": {"description": "ok"}}}} for i in range(5)
    }
    return {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "servers": [{"url": base_url}], "paths": paths}
