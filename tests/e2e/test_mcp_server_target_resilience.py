"""An MCP server that goes away affects only its own target, and comes back by itself; outbound credentials and
forwarded headers reach the MCP server."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.gateway import GatewrightProcess, create_gateway
from support.identity import api_key_auth, api_key_provider, create_client, oauth_auth, oauth_provider
from support.mcp_servers import McpServerProcess, RawSession, mcp_target, start_fixture_server
from support.net import wait_until

SESSIONS = {"mcp": {"sessionConfiguration": {"sessionTimeoutInSeconds": 900}}}


@pytest.fixture
def three(tmp_path: Path) -> Iterator[dict[str, McpServerProcess]]:
    servers = {name: start_fixture_server(tmp_path / name, "--label", name) for name in ("kept", "live", "steady")}
    yield servers
    for server in servers.values():
        server.stop()


def _names(session: RawSession) -> set[str]:
    return {t["name"] for t in session.result("tools/list")["tools"]}


def _whoami(session: RawSession, target: str) -> dict[str, Any]:
    return session.tool(f"{target}___whoami")


def test_an_upstream_that_stops_affects_only_its_target_and_recovers_by_itself(
    control: Any, three: dict[str, McpServerProcess], unique_name: str
) -> None:
    gateway = create_gateway(control, unique_name, protocolConfiguration=SESSIONS)
    gateway_id = gateway["gatewayId"]
    mcp_target(control, gateway_id, "kept", three["kept"].url)
    mcp_target(control, gateway_id, "live", three["live"].url, listingMode="DYNAMIC")
    mcp_target(control, gateway_id, "steady", three["steady"].url)
    session = RawSession(gateway["gatewayUrl"])
    assert {"kept___whoami", "live___whoami", "steady___whoami"} <= _names(session)
    assert _whoami(session, "kept")["content"][0]["text"] == "kept"  # an upstream session is open now

    three["kept"].stop()
    three["live"].stop()
    started = time.monotonic()
    names = _names(session)
    assert time.monotonic() - started < 5
    assert "kept___whoami" in names  # DEFAULT: the synchronised list
    assert not any(n.startswith("live___") for n in names)  # DYNAMIC: left out of this answer
    assert "steady___whoami" in names
    down = _whoami(session, "kept")
    assert down["isError"] is True
    assert down["content"][0]["text"] in ("The MCP server could not be reached.", "The MCP server is unavailable.")
    assert _whoami(session, "steady")["content"][0]["text"] == "steady"
    prompts = {p["name"] for p in session.result("prompts/list")["prompts"]}
    assert {"kept___test_simple_prompt", "steady___test_simple_prompt"} <= prompts

    three["kept"].start()  # same port: no restart of the gateway, no SynchronizeGatewayTargets
    three["live"].start()
    wait_until(lambda: _whoami(session, "kept").get("isError") is False, timeout=15, what="kept to answer again")
    assert _whoami(session, "kept")["content"][0]["text"] == "kept"
    wait_until(lambda: "live___whoami" in _names(session), timeout=15, what="live to be listed again")
    assert _whoami(session, "live")["content"][0]["text"] == "live"
    statuses = {t["name"]: t["status"] for t in control.list_gateway_targets(gatewayIdentifier=gateway_id)["items"]}
    assert statuses == {"kept": "READY", "live": "READY", "steady": "READY"}


@pytest.mark.slow
def test_a_dynamic_target_that_does_not_answer_is_left_out_within_the_bound(
    control: Any, tmp_path: Path, unique_name: str
) -> None:
    """A frozen server (SIGSTOP) accepts connections and never answers: the list waits at most 5 s for it."""
    steady = start_fixture_server(tmp_path / "steady", "--label", "steady")
    frozen = start_fixture_server(tmp_path / "frozen", "--label", "frozen")
    try:
        gateway = create_gateway(control, unique_name)
        mcp_target(control, gateway["gatewayId"], "steady", steady.url)
        mcp_target(control, gateway["gatewayId"], "live", frozen.url, listingMode="DYNAMIC")
        session = RawSession(gateway["gatewayUrl"])
        assert "live___whoami" in _names(session)
        frozen.pause()
        started = time.monotonic()
        names = _names(session)
        elapsed = time.monotonic() - started
        assert "steady___whoami" in names
        assert not any(n.startswith("live___") for n in names)
        assert 4 < elapsed < 8, elapsed
        frozen.resume()
        assert "live___whoami" in _names(session)
    finally:
        steady.stop()
        frozen.stop()


def _status(control: Any, gateway_id: str, target_id: str) -> str:
    status: str = control.get_gateway_target(gatewayIdentifier=gateway_id, targetId=target_id)["status"]
    return status


def test_outbound_oauth_and_forwarded_headers_reach_the_server(
    gatewright: GatewrightProcess, control: Any, tmp_path: Path, unique_name: str
) -> None:
    server = start_fixture_server(tmp_path, "--require-bearer")
    try:
        gateway = create_gateway(control, unique_name)
        refused = mcp_target(control, gateway["gatewayId"], "anonymous", server.url)
        assert refused["status"] == "FAILED"
        assert refused["statusReasons"] == [
            f"the MCP server at {server.url} refused the gateway's credentials (HTTP 401): check the target's "
            "credentialProviderConfigurations"
        ]
        client = create_client(gatewright, ["mcp/invoke"])
        arn = oauth_provider(control, client.client_id, client.client_secret, discoveryUrl=client.discovery_url)
        target = mcp_target(
            control,
            gateway["gatewayId"],
            "secured",
            server.url,
            credentialProviderConfigurations=oauth_auth(arn, ["mcp/invoke"]),
            metadataConfiguration={"allowedRequestHeaders": ["x-tenant"]},
        )
        assert target["status"] == "READY", target
        session = RawSession(gateway["gatewayUrl"])
        session_headers = {"x-tenant": "acme", "x-other": "dropped"}
        response = session.post(
            {"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"name": "secured___echo_headers"}},
            extra=session_headers,
        )
        seen = json.loads(response.json()["result"]["content"][0]["text"])
        assert seen["authorization"].startswith("Bearer ")
        assert seen["x-tenant"] == "acme"
        assert "x-other" not in seen
        keyed = mcp_target(
            control,
            gateway["gatewayId"],
            "keyed",
            server.url,
            credentialProviderConfigurations=api_key_auth(
                api_key_provider(control, "k-123"), credentialParameterName="Authorization", credentialPrefix="Bearer "
            ),
        )
        assert keyed["status"] == "READY", keyed
        echoed = json.loads(session.tool("keyed___echo_headers")["content"][0]["text"])
        assert echoed["authorization"] == "Bearer k-123"
    finally:
        server.stop()
