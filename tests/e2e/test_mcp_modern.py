"""The stateless 2026-07-28 wire over raw HTTP: discover, the envelope, routing headers, status codes."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from support.gateway import create_gateway
from support.mcp import BOTH, MODERN, error_of, modern_post, post, request, result_of
from support.upstream import PETS

SERVER_INFO = "io.modelcontextprotocol/serverInfo"


def _complete(result: dict[str, Any]) -> None:
    assert result["resultType"] == "complete"
    assert result["_meta"][SERVER_INFO]["name"]


def test_server_discover(pets: dict[str, Any]) -> None:
    response = modern_post(pets["gatewayUrl"], "server/discover")
    assert response.headers["content-type"].startswith("application/json")
    result = result_of(response)
    _complete(result)
    assert result["supportedVersions"] == [MODERN]
    assert "tools" in result["capabilities"]
    assert isinstance(result["ttlMs"], int)
    assert result["ttlMs"] >= 0
    assert result["cacheScope"] in ("public", "private")
    assert "protocolVersion" not in result
    assert "serverInfo" not in result


def test_tools_list_and_call(pets: dict[str, Any]) -> None:
    listed = result_of(modern_post(pets["gatewayUrl"], "tools/list"))
    _complete(listed)
    assert isinstance(listed["ttlMs"], int)
    assert listed["cacheScope"] in ("public", "private")
    assert "pets___GetPet" in {t["name"] for t in listed["tools"]}
    called = result_of(
        modern_post(pets["gatewayUrl"], "tools/call", {"name": "pets___GetPet", "arguments": {"petId": "1"}})
    )
    _complete(called)
    assert called["isError"] is False
    assert called["structuredContent"] == PETS[0]
    # A bad argument is a result, not a protocol error, on this wire too.
    invalid = result_of(modern_post(pets["gatewayUrl"], "tools/call", {"name": "pets___GetPet", "arguments": {}}))
    assert invalid["isError"] is True
    assert "petId" in invalid["content"][0]["text"]


def test_no_session_is_ever_issued(pets: dict[str, Any]) -> None:
    response = modern_post(pets["gatewayUrl"], "server/discover")
    assert "mcp-session-id" not in response.headers


@pytest.mark.parametrize(
    ("method", "params", "headers"),
    [
        ("tools/list", None, {"Mcp-Method": "tools/call"}),
        ("tools/list", None, {"Mcp-Method": "TOOLS/LIST"}),
        ("tools/list", None, {"Mcp-Method": None}),
        ("tools/call", {"name": "pets___GetPet", "arguments": {"petId": "1"}}, {"Mcp-Name": "pets___get_pets"}),
        ("tools/call", {"name": "pets___GetPet", "arguments": {"petId": "1"}}, {"Mcp-Name": None}),
    ],
)
def test_routing_headers_must_match_the_body(
    pets: dict[str, Any], method: str, params: dict[str, Any] | None, headers: dict[str, str | None]
) -> None:
    response = modern_post(pets["gatewayUrl"], method, params, id=5, headers=headers)
    assert response.status_code == 400
    assert response.json()["id"] == 5
    assert error_of(response)["code"] == -32020


def test_a_version_header_that_disagrees_with_the_envelope_is_400(pets: dict[str, Any]) -> None:
    response = modern_post(
        pets["gatewayUrl"], "tools/list", meta={"io.modelcontextprotocol/protocolVersion": "2027-01-01"}
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == -32020


def test_a_base64_encoded_name_header_is_decoded(pets: dict[str, Any]) -> None:
    encoded = "=?base64?" + base64.b64encode(b"pets___GetPet").decode() + "?="
    response = modern_post(
        pets["gatewayUrl"],
        "tools/call",
        {"name": "pets___GetPet", "arguments": {"petId": "2"}},
        headers={"Mcp-Name": encoded},
    )
    assert result_of(response)["structuredContent"] == PETS[1]


def test_an_unsupported_version_is_400(pets: dict[str, Any]) -> None:
    response = modern_post(pets["gatewayUrl"], "server/discover", version="2099-12-31", id=10)
    assert response.status_code == 400
    body = response.json()
    assert body["id"] == 10
    assert body["error"]["code"] == -32022
    assert body["error"]["data"]["requested"] == "2099-12-31"
    assert MODERN in body["error"]["data"]["supported"]


def test_a_gateway_without_the_modern_version_refuses_it(control: Any, unique_name: str) -> None:
    gateway = create_gateway(control, unique_name, protocolConfiguration={"mcp": {"supportedVersions": ["2025-06-18"]}})
    response = modern_post(gateway["gatewayUrl"], "server/discover")
    assert response.status_code == 400
    assert error_of(response)["code"] == -32022


def test_a_missing_envelope_is_400(pets: dict[str, Any]) -> None:
    headers = {"Accept": BOTH, "MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/list"}
    response = post(pets["gatewayUrl"], request("tools/list", {}, id=4), headers=headers)
    assert response.status_code == 400
    assert response.json()["id"] == 4
    assert error_of(response)["code"] == -32602


@pytest.mark.parametrize("method", ["initialize", "ping", "logging/setLevel", "no/such/method"])
def test_methods_outside_this_wire_are_404(pets: dict[str, Any], method: str) -> None:
    response = modern_post(pets["gatewayUrl"], method, id=12)
    assert response.status_code == 404
    assert response.json()["id"] == 12
    assert error_of(response)["code"] == -32601


def test_unknown_tool_is_400(pets: dict[str, Any]) -> None:
    response = modern_post(pets["gatewayUrl"], "tools/call", {"name": "pets___Nope", "arguments": {}})
    assert response.status_code == 400
    assert error_of(response)["code"] == -32602


def test_notifications_get_202(pets: dict[str, Any]) -> None:
    response = post(
        pets["gatewayUrl"],
        {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 1}},
        headers={"Accept": BOTH, "MCP-Protocol-Version": MODERN, "Mcp-Method": "notifications/cancelled"},
    )
    assert response.status_code == 202
