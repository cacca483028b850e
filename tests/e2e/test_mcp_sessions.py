"""Sessions (``Mcp-Session-Id``) on gateways with ``sessionConfiguration``; stateless gateways ignore them."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from support.gateway import create_gateway, create_target
from support.mcp import BOTH, call_tool, error_of, faults_spec, modern_post, post, request, result_of
from support.upstream import PETS, Upstream

INIT = {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "requests", "version": "1"}}


@pytest.fixture(scope="module")
def sessions(control: Any, upstream: Upstream) -> dict[str, Any]:
    import uuid

    gateway = create_gateway(
        control,
        "sess" + uuid.uuid4().hex[:10],
        protocolConfiguration={"mcp": {"sessionConfiguration": {"sessionTimeoutInSeconds": 900}}},
    )
    create_target(
        control,
        gateway["gatewayId"],
        "pets",
        {"openApiSchema": {"inlinePayload": json.dumps(faults_spec(upstream.url))}},
    )
    return gateway


def _open(url: str) -> str:
    response = post(url, request("initialize", INIT), headers={"Accept": BOTH})
    assert result_of(response)["protocolVersion"] == "2025-11-25"
    session_id = response.headers["mcp-session-id"]
    assert session_id
    assert all(0x21 <= ord(c) <= 0x7E for c in session_id), "visible ASCII only"
    return session_id


def test_initialize_issues_a_session_that_later_requests_carry(sessions: dict[str, Any]) -> None:
    url = sessions["gatewayUrl"]
    session_id = _open(url)
    assert _open(url) != session_id, "every initialize gets its own session"
    headers = {"Mcp-Session-Id": session_id, "MCP-Protocol-Version": "2025-11-25"}
    note = post(url, {"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=headers)
    assert note.status_code == 202
    tools = result_of(post(url, request("tools/list"), headers=headers))["tools"]
    assert "pets___GetPet" in {t["name"] for t in tools}
    called = post(url, request("tools/call", {"name": "pets___GetPet", "arguments": {"petId": "3"}}), headers=headers)
    assert result_of(called)["structuredContent"] == PETS[2]
    assert result_of(post(url, request("ping"), headers=headers)) == {}


def test_a_request_without_the_session_is_400(sessions: dict[str, Any]) -> None:
    response = post(sessions["gatewayUrl"], request("tools/list"))
    assert response.status_code == 400
    assert error_of(response)["code"] == -32600


def test_an_unknown_session_is_404(sessions: dict[str, Any]) -> None:
    response = post(sessions["gatewayUrl"], request("tools/list"), headers={"Mcp-Session-Id": "f" * 32})
    assert response.status_code == 404


def test_a_session_belongs_to_its_gateway(sessions: dict[str, Any], control: Any, unique_name: str) -> None:
    other = create_gateway(
        control, unique_name, protocolConfiguration={"mcp": {"sessionConfiguration": {"sessionTimeoutInSeconds": 900}}}
    )
    session_id = _open(sessions["gatewayUrl"])
    response = post(other["gatewayUrl"], request("tools/list"), headers={"Mcp-Session-Id": session_id})
    assert response.status_code == 404


def test_delete_ends_the_session(sessions: dict[str, Any]) -> None:
    url = sessions["gatewayUrl"]
    session_id = _open(url)
    ended = requests.delete(url, headers={"Mcp-Session-Id": session_id}, timeout=10)
    assert ended.status_code == 200
    after = post(url, request("tools/list"), headers={"Mcp-Session-Id": session_id})
    assert after.status_code == 404
    assert requests.delete(url, headers={"Mcp-Session-Id": session_id}, timeout=10).status_code == 404


def test_the_stateless_wire_needs_no_session(sessions: dict[str, Any]) -> None:
    """2026-07-28 has no sessions, even on a gateway that enables them for the handshake wire."""
    listed = modern_post(sessions["gatewayUrl"], "tools/list")
    assert "pets___GetPet" in {t["name"] for t in result_of(listed)["tools"]}
    assert "mcp-session-id" not in listed.headers


def test_stateless_gateways_issue_no_session_and_ignore_one(pets: dict[str, Any]) -> None:
    response = post(pets["gatewayUrl"], request("initialize", INIT))
    assert "mcp-session-id" not in response.headers
    listed = post(pets["gatewayUrl"], request("tools/list"), headers={"Mcp-Session-Id": "made-up"})
    assert listed.status_code == 200
    assert requests.delete(pets["gatewayUrl"], headers={"Mcp-Session-Id": "x"}, timeout=10).status_code == 405
    assert call_tool(pets["gatewayUrl"], "pets___GetPet", {"petId": "1"})["isError"] is False
