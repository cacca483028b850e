"""tools/list pagination and tools/call results: validation, upstream failures, and last-good tools."""

from __future__ import annotations

import json
from typing import Any

import pytest

from support.gateway import GatewrightProcess, create_gateway, openapi_target, wait_status
from support.mcp import TIGHT_BODY, TIGHT_PAGE, call_tool, error_of, faults_spec, post, request, result_of, text_of
from support.specs import petstore
from support.upstream import PETS, Upstream

GENERIC_HIDDEN = "secret stack trace"


def _many_tools(base_url: str, count: int) -> dict[str, Any]:
    paths = {
        f"/echo/op{i}": {"get": {"operationId": f"op{i:02d}", "responses": {"200": {"description": "ok"}}}}
        for i in range(count)
    }
    return {
        "openapi": "3.0.1",
        "info": {"title": "many", "version": "1"},
        "servers": [{"url": base_url}],
        "paths": paths,
    }


def _walk(url: str) -> tuple[list[str], int]:
    names: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params = {"cursor": cursor} if cursor else {}
        result = result_of(post(url, request("tools/list", params)))
        pages += 1
        assert len(result["tools"]) <= TIGHT_PAGE
        names.extend(t["name"] for t in result["tools"])
        cursor = result.get("nextCursor")
        if cursor is None:
            return names, pages
        assert isinstance(cursor, str)
        assert pages < 100


def test_tools_list_pages_with_cursors(tight_control: Any, upstream: Upstream, unique_name: str) -> None:
    gateway = create_gateway(tight_control, unique_name)
    openapi_target(tight_control, gateway["gatewayId"], "many", _many_tools(upstream.url, 7))
    names, pages = _walk(gateway["gatewayUrl"])
    assert pages == 4  # 7 tools, pages of 2
    assert sorted(names) == sorted(f"many___op{i:02d}" for i in range(7))
    assert len(set(names)) == len(names)
    bad = post(gateway["gatewayUrl"], request("tools/list", {"cursor": "bm90IGEgY3Vyc29y"}))
    assert error_of(bad)["code"] == -32602
    assert error_of(post(gateway["gatewayUrl"], request("tools/list", {"cursor": 5})))["code"] == -32602


def test_pagination_can_be_disabled(tight_control: Any, upstream: Upstream, unique_name: str) -> None:
    gateway = create_gateway(
        tight_control, unique_name, protocolConfiguration={"mcp": {"disableMcpListToolsPagination": True}}
    )
    openapi_target(tight_control, gateway["gatewayId"], "many", _many_tools(upstream.url, 7))
    result = result_of(post(gateway["gatewayUrl"], request("tools/list")))
    assert len(result["tools"]) == 7
    assert "nextCursor" not in result


def test_a_body_over_the_limit_is_413(tight: GatewrightProcess, tight_control: Any, unique_name: str) -> None:
    gateway = create_gateway(tight_control, unique_name)
    small = post(gateway["gatewayUrl"], request("ping", {"pad": "x" * (TIGHT_BODY // 2)}))
    assert small.status_code == 200
    big = post(gateway["gatewayUrl"], request("ping", {"pad": "x" * TIGHT_BODY}))
    assert big.status_code == 413


def test_calls_reach_the_upstream(pets: dict[str, Any], upstream: Upstream) -> None:
    listed = call_tool(pets["gatewayUrl"], "pets___get_pets")
    assert listed["isError"] is False
    assert json.loads(text_of(listed)) == PETS
    one = call_tool(pets["gatewayUrl"], "pets___GetPet", {"petId": "2"})
    assert one["structuredContent"] == PETS[1]
    created = call_tool(pets["gatewayUrl"], "pets___CreatePet", {"type": "cat", "price": 3})
    assert created["isError"] is False
    assert created["structuredContent"] == {"created": {"type": "cat", "price": 3}}
    echoed = call_tool(pets["gatewayUrl"], "pets___Echo", {"id": "a b", "n": 2})
    assert echoed["structuredContent"]["path"] == "/echo/items/a%20b"
    assert echoed["structuredContent"]["query"] == "n=2"
    assert upstream.requests[-1]["path"] == "/echo/items/a%20b"


@pytest.mark.parametrize(
    ("tool", "arguments", "named"),
    [
        ("pets___GetPet", {}, "petId"),
        ("pets___GetPet", {"petId": 2}, "petId"),
        ("pets___CreatePet", {"type": "dragon"}, "type"),
        ("pets___CreatePet", {"type": "cat", "price": "cheap"}, "price"),
        ("pets___Echo", {"id": "a"}, "n"),
        ("pets___Echo", {"id": "a", "n": 0}, "n"),
        ("pets___Echo", {"id": "a", "n": "1"}, "n"),
    ],
)
def test_invalid_arguments_are_an_error_result_naming_the_argument(
    pets: dict[str, Any], upstream: Upstream, tool: str, arguments: dict[str, Any], named: str
) -> None:
    before = len(upstream.requests)
    result = call_tool(pets["gatewayUrl"], tool, arguments)
    assert result["isError"] is True
    assert named in text_of(result)
    assert len(upstream.requests) == before


@pytest.mark.parametrize(
    ("tool", "arguments", "status"), [("pets___GetPet", {"petId": "99"}, 404), ("pets___Fail", {}, 500)]
)
def test_upstream_errors_are_masked_unless_debug(
    pets: dict[str, Any], pets_debug: dict[str, Any], tool: str, arguments: dict[str, Any], status: int
) -> None:
    masked = call_tool(pets["gatewayUrl"], tool, arguments)
    assert masked["isError"] is True
    assert str(status) in text_of(masked)
    assert "not found" not in text_of(masked)
    assert GENERIC_HIDDEN not in json.dumps(masked)
    assert "_meta" not in masked

    debug = call_tool(pets_debug["gatewayUrl"], tool, arguments)
    assert debug["isError"] is True
    text = text_of(debug)
    assert str(status) in text
    assert ("pet 99 not found" if status == 404 else GENERIC_HIDDEN) in text
    assert debug["_meta"]["debug"] == {"type": "text", "text": text}


def test_exception_level_follows_gateway_updates(control: Any, upstream: Upstream, unique_name: str) -> None:
    gateway = create_gateway(control, unique_name)
    openapi_target(control, gateway["gatewayId"], "pets", faults_spec(upstream.url))
    assert GENERIC_HIDDEN not in text_of(call_tool(gateway["gatewayUrl"], "pets___Fail"))
    base = {"gatewayIdentifier": gateway["gatewayId"], "name": unique_name, "roleArn": gateway["roleArn"]}
    control.update_gateway(**base, authorizerType="NONE", exceptionLevel="DEBUG")
    wait_status(lambda: control.get_gateway(gatewayIdentifier=gateway["gatewayId"]))
    assert GENERIC_HIDDEN in text_of(call_tool(gateway["gatewayUrl"], "pets___Fail"))
    control.update_gateway(**base, authorizerType="NONE")
    wait_status(lambda: control.get_gateway(gatewayIdentifier=gateway["gatewayId"]))
    assert GENERIC_HIDDEN not in text_of(call_tool(gateway["gatewayUrl"], "pets___Fail"))


def test_an_unreachable_upstream_is_an_error_result(pets: dict[str, Any], pets_debug: dict[str, Any]) -> None:
    for gateway in (pets, pets_debug):
        result = call_tool(gateway["gatewayUrl"], "down___get_pets")
        assert result["isError"] is True
        text = text_of(result)
        assert "reach" in text or "connect" in text.lower()
        assert "Traceback" not in json.dumps(result)
        assert 'File "' not in json.dumps(result)
    assert "127.0.0.1" not in text_of(call_tool(pets["gatewayUrl"], "down___get_pets")), "details only for DEBUG"


def test_a_failed_update_keeps_serving_the_last_good_tools(control: Any, upstream: Upstream, unique_name: str) -> None:
    gateway = create_gateway(control, unique_name)
    target = openapi_target(control, gateway["gatewayId"], "pets", petstore(upstream.url))
    empty = {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {}}
    control.update_gateway_target(
        gatewayIdentifier=gateway["gatewayId"],
        targetId=target["targetId"],
        name="pets",
        targetConfiguration={"mcp": {"openApiSchema": {"inlinePayload": json.dumps(empty)}}},
    )
    failed = wait_status(
        lambda: control.get_gateway_target(gatewayIdentifier=gateway["gatewayId"], targetId=target["targetId"])
    )
    assert failed["status"] == "UPDATE_UNSUCCESSFUL"
    assert failed["statusReasons"]
    tools = result_of(post(gateway["gatewayUrl"], request("tools/list")))["tools"]
    assert {t["name"] for t in tools} == {"pets___get_pets", "pets___CreatePet", "pets___GetPet"}
    assert call_tool(gateway["gatewayUrl"], "pets___GetPet", {"petId": "1"})["structuredContent"] == PETS[0]

    # A good update replaces the tools.
    control.update_gateway_target(
        gatewayIdentifier=gateway["gatewayId"],
        targetId=target["targetId"],
        name="pets",
        targetConfiguration={"mcp": {"openApiSchema": {"inlinePayload": json.dumps(faults_spec(upstream.url))}}},
    )
    ready = wait_status(
        lambda: control.get_gateway_target(gatewayIdentifier=gateway["gatewayId"], targetId=target["targetId"])
    )
    assert ready["status"] == "READY"
    tools = result_of(post(gateway["gatewayUrl"], request("tools/list")))["tools"]
    assert "pets___Fail" in {t["name"] for t in tools}


def test_deleted_targets_stop_serving(control: Any, upstream: Upstream, unique_name: str) -> None:
    gateway = create_gateway(control, unique_name)
    target = openapi_target(control, gateway["gatewayId"], "pets", petstore(upstream.url))
    assert len(result_of(post(gateway["gatewayUrl"], request("tools/list")))["tools"]) == 3
    control.delete_gateway_target(gatewayIdentifier=gateway["gatewayId"], targetId=target["targetId"])
    assert result_of(post(gateway["gatewayUrl"], request("tools/list")))["tools"] == []
    response = post(
        gateway["gatewayUrl"], request("tools/call", {"name": "pets___GetPet", "arguments": {"petId": "1"}})
    )
    assert error_of(response)["code"] == -32602
