"""MCP server targets through the control plane: listing modes, SynchronizeGatewayTargets, static tool lists,
endpoint rules, resourcePriority and the one-target ``unprefixedNames`` option."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from support.aws import aws_error
from support.gateway import GatewrightProcess, create_gateway, wait_status
from support.mcp_servers import McpServerProcess, RawSession, mcp_target, set_options, start_fixture_server
from support.net import free_port


@pytest.fixture
def server(tmp_path: Path) -> Iterator[McpServerProcess]:
    started = start_fixture_server(tmp_path)
    yield started
    started.stop()


def _names(session: RawSession, method: str = "tools/list", key: str = "tools") -> set[str]:
    return {item["name"] for item in session.result(method)[key]}


def _synchronize(control: Any, gateway_id: str, target_id: str) -> dict[str, Any]:
    started = control.synchronize_gateway_targets(gatewayIdentifier=gateway_id, targetIdList=[target_id])
    assert started["targets"][0]["status"] == "SYNCHRONIZING"
    return wait_status(lambda: control.get_gateway_target(gatewayIdentifier=gateway_id, targetId=target_id))


def test_default_keeps_the_synchronised_lists_and_dynamic_asks_every_time(
    control: Any, server: McpServerProcess, unique_name: str
) -> None:
    gateway = create_gateway(control, unique_name)
    kept = mcp_target(control, gateway["gatewayId"], "kept", server.url)
    live = mcp_target(control, gateway["gatewayId"], "live", server.url, listingMode="DYNAMIC")
    assert (kept["status"], live["status"]) == ("READY", "READY")
    session = RawSession(gateway["gatewayUrl"])
    assert session.tool("kept___add_tool", {"name": "fresh"})["content"][0]["text"] == "added fresh"
    names = _names(session)
    assert "live___fresh" in names  # DYNAMIC: asked on this list
    assert "kept___fresh" not in names  # DEFAULT: the list synchronised at create
    assert {"kept___whoami", "live___whoami", "live___test_simple_prompt"} <= names | _names(
        session, "prompts/list", "prompts"
    )
    assert session.tool("live___fresh")["content"][0]["text"] == "I am fresh"
    synced = _synchronize(control, gateway["gatewayId"], kept["targetId"])
    assert (synced["status"], synced["statusReasons"]) == ("READY", [])
    assert synced["lastSynchronizedAt"]
    assert "kept___fresh" in _names(session)
    assert session.tool("kept___fresh")["content"][0]["text"] == "I am fresh"


def test_a_failed_synchronisation_says_why_and_keeps_serving_the_last_lists(
    control: Any, server: McpServerProcess, unique_name: str
) -> None:
    gateway = create_gateway(control, unique_name)
    target = mcp_target(control, gateway["gatewayId"], "fx", server.url)
    server.stop()
    failed = _synchronize(control, gateway["gatewayId"], target["targetId"])
    assert failed["status"] == "SYNCHRONIZE_UNSUCCESSFUL"
    assert failed["statusReasons"][0].startswith(f"cannot connect to the MCP server at {server.url}")
    assert "fx___whoami" in _names(RawSession(gateway["gatewayUrl"]))


def test_create_fails_with_a_reason_when_nothing_answers(control: Any, unique_name: str) -> None:
    gateway = create_gateway(control, unique_name)
    endpoint = f"http://127.0.0.1:{free_port()}/mcp"
    target = mcp_target(control, gateway["gatewayId"], "gone", endpoint)
    assert target["status"] == "FAILED"
    assert target["statusReasons"][0].startswith(f"cannot connect to the MCP server at {endpoint}")


def test_an_endpoint_that_is_no_mcp_server_is_refused(control: Any, unique_name: str, upstream: Any) -> None:
    """The test REST upstream answers, but not JSON-RPC: the reason says which step failed where."""
    gateway = create_gateway(control, unique_name)
    target = mcp_target(control, gateway["gatewayId"], "rest", f"{upstream.url}/pets")
    assert target["status"] == "FAILED"
    assert target["statusReasons"][0].startswith(f"initialize failed at {upstream.url}/pets (is it an MCP server?)")


def test_a_static_tool_schema_replaces_synchronisation(
    control: Any, server: McpServerProcess, unique_name: str
) -> None:
    gateway = create_gateway(control, unique_name)
    schema = [{"name": "whoami", "description": "Names the server", "inputSchema": {"type": "object"}}]
    static = {"mcpToolSchema": {"inlinePayload": json.dumps(schema)}}
    target = mcp_target(control, gateway["gatewayId"], "fx", server.url, **static)
    down = mcp_target(control, gateway["gatewayId"], "down", f"http://127.0.0.1:{free_port()}/mcp", **static)
    assert (target["status"], down["status"]) == ("READY", "READY")  # the server is not contacted
    session = RawSession(gateway["gatewayUrl"])
    assert _names(session) == {"fx___whoami", "down___whoami"}
    assert _names(session, "prompts/list", "prompts") == set()
    assert session.tool("fx___whoami")["content"][0]["text"] == "everything"
    assert session.tool("down___whoami")["isError"] is True
    with aws_error("ValidationException", 400) as error:
        control.synchronize_gateway_targets(gatewayIdentifier=gateway["gatewayId"], targetIdList=[target["targetId"]])
    assert "mcpToolSchema" in error["Error"]["Message"]


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"endpoint": "http://mcp.example.com/mcp"}, "targetConfiguration.mcp.mcpServer.endpoint"),
        ({"endpoint": "ftp://127.0.0.1/mcp"}, "targetConfiguration.mcp.mcpServer.endpoint"),
        (
            {
                "endpoint": "http://127.0.0.1:9/mcp",
                "listingMode": "DYNAMIC",
                "mcpToolSchema": {"inlinePayload": "[]"},
            },
            "targetConfiguration.mcp.mcpServer.listingMode",
        ),
    ],
)
def test_endpoint_and_mode_rules(control: Any, unique_name: str, config: dict[str, Any], field: str) -> None:
    gateway = create_gateway(control, unique_name)
    with aws_error("ValidationException", 400) as error:
        control.create_gateway_target(
            gatewayIdentifier=gateway["gatewayId"], name="t", targetConfiguration={"mcp": {"mcpServer": config}}
        )
    assert field in error["Error"]["Message"] or field.rsplit(".", 1)[-1] in error["Error"]["Message"]


def test_outbound_auth_this_kind_does_not_take_is_refused(control: Any, unique_name: str) -> None:
    gateway = create_gateway(control, unique_name)
    with aws_error("ValidationException", 400):
        control.create_gateway_target(
            gatewayIdentifier=gateway["gatewayId"],
            name="t",
            targetConfiguration={"mcp": {"mcpServer": {"endpoint": "https://mcp.example.com/mcp"}}},
            credentialProviderConfigurations=[{"credentialProviderType": "JWT_PASSTHROUGH"}],
        )


def test_lowest_resource_priority_wins_a_uri_two_targets_serve(control: Any, tmp_path: Path, unique_name: str) -> None:
    first = start_fixture_server(tmp_path / "a", "--label", "first")
    second = start_fixture_server(tmp_path / "b", "--label", "second")
    try:
        gateway = create_gateway(control, unique_name)
        gateway_id = gateway["gatewayId"]
        one = mcp_target(control, gateway_id, "one", first.url, resourcePriority=10)
        mcp_target(control, gateway_id, "two", second.url, resourcePriority=5)
        session = RawSession(gateway["gatewayUrl"])
        uris = [r["uri"] for r in session.result("resources/list")["resources"]]
        assert uris.count("test://whoami") == 1
        assert session.result("resources/read", {"uri": "test://whoami"})["contents"][0]["text"] == "second"
        control.update_gateway_target(
            gatewayIdentifier=gateway_id,
            targetId=one["targetId"],
            name="one",
            targetConfiguration={"mcp": {"mcpServer": {"endpoint": first.url, "resourcePriority": 1}}},
        )
        updated = wait_status(
            lambda: control.get_gateway_target(gatewayIdentifier=gateway_id, targetId=one["targetId"])
        )
        assert updated["status"] == "READY", updated
        assert session.result("resources/read", {"uri": "test://whoami"})["contents"][0]["text"] == "first"
        summary = control.list_gateway_targets(gatewayIdentifier=gateway_id)["items"]
        assert {(t["name"], t["resourcePriority"], t["listingMode"]) for t in summary} == {
            ("one", 1, "DEFAULT"),
            ("two", 5, "DEFAULT"),
        }
    finally:
        first.stop()
        second.stop()


def test_unprefixed_names_serve_one_target_under_its_own_names(
    gatewright: GatewrightProcess, control: Any, server: McpServerProcess, unique_name: str
) -> None:
    gateway = create_gateway(control, unique_name)
    gateway_id = gateway["gatewayId"]
    mcp_target(control, gateway_id, "fx", server.url)
    session = RawSession(gateway["gatewayUrl"])
    assert "fx___whoami" in _names(session)
    assert set_options(gatewright, gateway_id, unprefixedNames=True) == {
        "gatewayId": gateway_id,
        "unprefixedNames": True,
    }
    assert {"whoami", "test_simple_text"} <= _names(session)
    assert "test_simple_prompt" in _names(session, "prompts/list", "prompts")
    assert session.tool("whoami")["content"][0]["text"] == "everything"
    assert session.result("prompts/get", {"name": "test_simple_prompt"})["messages"]
    # UpdateGateway replaces the AgentCore fields and keeps gatewright's options.
    control.update_gateway(
        gatewayIdentifier=gateway_id,
        name=unique_name,
        roleArn=gateway["roleArn"],
        protocolType="MCP",
        authorizerType="NONE",
    )
    wait_status(lambda: control.get_gateway(gatewayIdentifier=gateway_id))
    read = _get_options(gatewright, gateway_id)
    assert read == {"gatewayId": gateway_id, "unprefixedNames": True}
    assert "whoami" in _names(session)
    # A second target: AgentCore's prefixes again, for every target.
    mcp_target(control, gateway_id, "more", server.url)
    assert {"fx___whoami", "more___whoami"} <= _names(session)


def test_gateway_options_are_checked(gatewright: GatewrightProcess, control: Any, unique_name: str) -> None:
    from support.aws import signed_request

    gateway = create_gateway(control, unique_name)
    url = f"{gatewright.url}/gatewright/gateways/{gateway['gatewayId']}/options"
    for body in ({"unprefixedNames": "yes"}, {"prefix": False}):
        refused = signed_request("PUT", url, json.dumps(body).encode(), gatewright.credentials())
        assert refused.status_code == 400, refused.text
    assert requests.get(url, timeout=10).status_code == 403  # unsigned
    missing = f"{gatewright.url}/gatewright/gateways/nope-1234567890/options"
    assert signed_request("GET", missing, b"", gatewright.credentials()).status_code == 404


def _get_options(gatewright: GatewrightProcess, gateway_id: str) -> dict[str, Any]:
    from support.aws import signed_request

    url = f"{gatewright.url}/gatewright/gateways/{gateway_id}/options"
    response = signed_request("GET", url, b"", gatewright.credentials())
    assert response.status_code == 200, response.text
    options: dict[str, Any] = response.json()
    return options


def test_unprefixed_names_with_a_dynamic_target(
    gatewright: GatewrightProcess, control: Any, server: McpServerProcess, unique_name: str
) -> None:
    gateway = create_gateway(control, unique_name)
    set_options(gatewright, gateway["gatewayId"], unprefixedNames=True)
    mcp_target(control, gateway["gatewayId"], "live", server.url, listingMode="DYNAMIC")
    session = RawSession(gateway["gatewayUrl"])
    assert session.tool("add_tool", {"name": "later"})["content"][0]["text"] == "added later"
    assert {"whoami", "later"} <= _names(session)
    assert session.tool("later")["content"][0]["text"] == "I am later"
    assert "test_simple_prompt" in _names(session, "prompts/list", "prompts")
    assert session.result("prompts/get", {"name": "test_simple_prompt"})["messages"]
    unknown = session.call("tools/call", {"name": "nothing_like_it", "arguments": {}})[-1]
    assert unknown["result"]["isError"] is True  # the server's own answer to an unknown tool
