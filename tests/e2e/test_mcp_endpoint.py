"""The MCP endpoint over plain HTTP (``requests``): AgentCore's relaxed form, the handshake wire, HTTP rules."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from support.gateway import create_gateway
from support.mcp import BOTH, HANDSHAKE, error_of, post, request, result_of

TOOLS = {"pets___get_pets", "pets___CreatePet", "pets___GetPet", "pets___Fail"}


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", BOTH])
def test_relaxed_form_gets_plain_json(pets: dict[str, Any], accept: str | None) -> None:
    """A first POST of tools/list or tools/call, no initialize, no session: 200 application/json."""
    headers = {"Accept": accept}
    listed = post(pets["gatewayUrl"], request("tools/list"), headers=headers)
    assert listed.status_code == 200
    assert listed.headers["content-type"].startswith("application/json")
    assert "mcp-session-id" not in listed.headers
    body = listed.json()
    assert (body["jsonrpc"], body["id"]) == ("2.0", 1)
    assert {t["name"] for t in body["result"]["tools"]} >= TOOLS
    called = post(
        pets["gatewayUrl"], request("tools/call", {"name": "pets___GetPet", "arguments": {"petId": "1"}}, id="x")
    )
    assert called.status_code == 200
    assert called.headers["content-type"].startswith("application/json")
    assert called.json()["id"] == "x"
    assert called.json()["result"]["isError"] is False


def test_tool_objects_have_the_mcp_shape(pets: dict[str, Any]) -> None:
    tools = result_of(post(pets["gatewayUrl"], request("tools/list")))["tools"]
    for tool in tools:
        assert {"name", "description", "inputSchema"} <= set(tool)
        assert tool["inputSchema"]["type"] == "object"
        target, _, name = tool["name"].partition("___")
        assert target in ("pets", "down")
        assert name


@pytest.mark.parametrize("version", HANDSHAKE)
def test_initialize_negotiates_each_handshake_version(pets: dict[str, Any], version: str) -> None:
    params = {"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "requests", "version": "1"}}
    response = post(pets["gatewayUrl"], request("initialize", params), headers={"Accept": BOTH})
    result = result_of(response)
    assert result["protocolVersion"] == version
    assert result["serverInfo"]["name"]
    assert result["serverInfo"]["version"]
    assert "tools" in result["capabilities"]
    assert "mcp-session-id" not in response.headers, "no sessions unless the gateway enables them"
    # Later requests may name the version in the header.
    later = post(pets["gatewayUrl"], request("tools/list"), headers={"MCP-Protocol-Version": version})
    assert {t["name"] for t in result_of(later)["tools"]} >= TOOLS


def test_initialize_with_an_unknown_version_gets_the_newest(pets: dict[str, Any]) -> None:
    params = {"protocolVersion": "2099-01-01", "capabilities": {}, "clientInfo": {"name": "x", "version": "1"}}
    assert result_of(post(pets["gatewayUrl"], request("initialize", params)))["protocolVersion"] == "2025-11-25"


def test_initialize_offers_only_the_gateways_versions(control: Any, unique_name: str) -> None:
    gateway = create_gateway(
        control, unique_name, protocolConfiguration={"mcp": {"supportedVersions": ["2025-06-18"], "instructions": "Hi"}}
    )
    params = {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "x", "version": "1"}}
    result = result_of(post(gateway["gatewayUrl"], request("initialize", params)))
    assert result["protocolVersion"] == "2025-06-18"
    assert result["instructions"] == "Hi"


def test_notifications_and_responses_get_202(pets: dict[str, Any]) -> None:
    note = post(pets["gatewayUrl"], {"jsonrpc": "2.0", "method": "notifications/initialized"})
    assert note.status_code == 202
    assert note.content == b""
    answer = post(pets["gatewayUrl"], {"jsonrpc": "2.0", "id": 9, "result": {}})
    assert answer.status_code == 202


def test_ping(pets: dict[str, Any]) -> None:
    assert result_of(post(pets["gatewayUrl"], request("ping"))) == {}


def test_unknown_method(pets: dict[str, Any]) -> None:
    response = post(pets["gatewayUrl"], request("tools/unknown", {}, id=7))
    assert response.status_code == 200
    assert response.json()["id"] == 7
    assert error_of(response)["code"] == -32601


def test_unknown_tool(pets: dict[str, Any]) -> None:
    response = post(pets["gatewayUrl"], request("tools/call", {"name": "pets___Nope", "arguments": {}}))
    assert response.status_code == 200
    error = error_of(response)
    assert error["code"] == -32602
    assert "pets___Nope" in error["message"]


@pytest.mark.parametrize(
    "params",
    [
        {"arguments": {}},  # no name
        {"name": 5},
        {"name": "pets___GetPet", "arguments": ["petId", "1"]},
    ],
)
def test_invalid_call_params(pets: dict[str, Any], params: dict[str, Any]) -> None:
    response = post(pets["gatewayUrl"], request("tools/call", params))
    assert response.status_code == 200
    assert error_of(response)["code"] == -32602


def test_params_must_be_an_object(pets: dict[str, Any]) -> None:
    response = post(pets["gatewayUrl"], {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": [1]})
    assert error_of(response)["code"] == -32602


def test_invalid_cursor(pets: dict[str, Any]) -> None:
    response = post(pets["gatewayUrl"], request("tools/list", {"cursor": "not-a-cursor"}))
    assert response.status_code == 200
    assert error_of(response)["code"] == -32602


def test_parse_error_is_400(pets: dict[str, Any]) -> None:
    response = post(pets["gatewayUrl"], data=b'{"jsonrpc": "2.0", "id": 1, "method": ')
    assert response.status_code == 400
    body = response.json()
    assert body["id"] is None
    assert body["error"]["code"] == -32700


def test_batches_are_refused(pets: dict[str, Any]) -> None:
    response = post(pets["gatewayUrl"], [request("ping", id=1), request("tools/list", id=2)])
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32600


@pytest.mark.parametrize("body", [{"id": 1, "method": "ping"}, {"jsonrpc": "2.0", "id": 1}, "ping", 42])
def test_invalid_requests_are_400(pets: dict[str, Any], body: Any) -> None:
    response = post(pets["gatewayUrl"], body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32600


def test_a_null_request_id_is_refused(pets: dict[str, Any]) -> None:
    """MCP requests carry a string or integer id, never null (a response to a server message may)."""
    response = post(pets["gatewayUrl"], {"jsonrpc": "2.0", "id": None, "method": "ping"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32600
    answer = post(pets["gatewayUrl"], {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "x"}})
    assert answer.status_code == 202


def test_foreign_origin_is_403(pets: dict[str, Any]) -> None:
    own = urlsplit(pets["gatewayUrl"])
    assert post(pets["gatewayUrl"], request("ping"), headers={"Origin": "https://evil.example"}).status_code == 403
    same = post(pets["gatewayUrl"], request("ping"), headers={"Origin": f"{own.scheme}://{own.netloc}"})
    assert same.status_code == 200


def test_foreign_host_is_421(pets: dict[str, Any]) -> None:
    response = post(pets["gatewayUrl"], request("ping"), headers={"Host": "evil.example"})
    assert response.status_code == 421
    localhost = post(pets["gatewayUrl"], request("ping"), headers={"Host": "localhost"})
    assert localhost.status_code == 200


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded", "text/json"])
def test_wrong_content_type_is_415(pets: dict[str, Any], ctype: str) -> None:
    response = post(pets["gatewayUrl"], request("ping"), headers={"Content-Type": ctype})
    assert response.status_code == 415


def test_content_type_parameters_are_fine(pets: dict[str, Any]) -> None:
    response = post(pets["gatewayUrl"], request("ping"), headers={"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 200


def test_accept_html_is_406(pets: dict[str, Any]) -> None:
    assert post(pets["gatewayUrl"], request("ping"), headers={"Accept": "text/html"}).status_code == 406


def test_accept_event_stream_only_gets_sse(pets: dict[str, Any]) -> None:
    response = post(pets["gatewayUrl"], request("tools/list", id=3), headers={"Accept": "text/event-stream"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [block for block in response.text.split("\n\n") if block.strip()]
    assert len(events) == 1
    lines = dict(line.split(": ", 1) for line in events[0].splitlines())
    assert lines["event"] == "message"
    import json

    message = json.loads(lines["data"])
    assert message["id"] == 3
    assert {t["name"] for t in message["result"]["tools"]} >= TOOLS


def test_get_is_405(pets: dict[str, Any]) -> None:
    response = requests.get(pets["gatewayUrl"], headers={"Accept": "text/event-stream"}, timeout=10)
    assert response.status_code == 405
    assert "POST" in response.headers["allow"]
    assert requests.put(pets["gatewayUrl"], json=request("ping"), timeout=10).status_code == 405


def test_unknown_gateway_is_404(pets: dict[str, Any]) -> None:
    url = pets["gatewayUrl"].replace(pets["gatewayId"], "nothing-abcdefghij")
    assert post(url, request("tools/list")).status_code == 404
