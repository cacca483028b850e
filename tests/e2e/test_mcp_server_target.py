"""MCP server targets proxy real MCP servers: the Python SDK fixture server and npm server-everything.

One gateway with sessions and two DEFAULT targets: ``fx`` (``tests/support/everything_server.py``, Python SDK
mcp 2.3.0; the gateway speaks 2026-07-28 to it) and ``ev`` (``@modelcontextprotocol/server-everything``,
TypeScript SDK 1.x, stateful; the gateway falls back to the handshake and keeps its session). Callers use
plain HTTP (``RawSession``) or the official Python SDK client, on both wires.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import anyio
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CreateMessageResult, ElicitResult, TextContent

from support.everything_server import IMAGE, SCHEMA_2020_12
from support.gateway import create_gateway
from support.mcp_servers import McpServerProcess, RawSession, mcp_target, start_fixture_server, start_server_everything

T = TypeVar("T")
SESSIONS = {"mcp": {"sessionConfiguration": {"sessionTimeoutInSeconds": 900}}}


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, McpServerProcess]]:
    workdir = tmp_path_factory.mktemp("mcp-upstreams")
    started = {"fx": start_fixture_server(workdir), "ev": start_server_everything(workdir)}
    yield started
    for server in started.values():
        server.stop()


@pytest.fixture(scope="module")
def url(control: Any, servers: dict[str, McpServerProcess]) -> str:
    gateway = create_gateway(
        control, "mcpproxy" + Path(servers["fx"].log_path).stem[-5:], protocolConfiguration=SESSIONS
    )
    for name, server in servers.items():
        target = mcp_target(control, gateway["gatewayId"], name, server.url)
        assert (target["status"], target["statusReasons"]) == ("READY", []), target
    gateway_url: str = gateway["gatewayUrl"]
    return gateway_url


def _sdk(url: str, body: Callable[[Client], Awaitable[T]], **options: Any) -> T:
    async def main() -> T:
        async with Client(streamable_http_client(url), **options) as client:
            return await body(client)

    return anyio.run(main)


def test_tools_prompts_and_resources_are_synchronised_as_agentcore_names_them(url: str) -> None:
    session = RawSession(url)
    tools = {t["name"]: t for t in session.result("tools/list")["tools"]}
    assert {"fx___test_simple_text", "fx___test_tool_with_progress", "ev___get-sum", "ev___echo"} <= set(tools)
    # Upstream schemas are served verbatim (2020-12 keywords included).
    assert tools["fx___json_schema_2020_12_tool"]["inputSchema"] == SCHEMA_2020_12
    assert tools["ev___get-sum"]["description"]
    prompts = {p["name"] for p in session.result("prompts/list")["prompts"]}
    assert {"fx___test_simple_prompt", "fx___test_prompt_with_arguments", "ev___simple-prompt"} <= prompts
    resources = {r["uri"] for r in session.result("resources/list")["resources"]}
    assert {"test://static-text", "test://static-binary", "test://whoami"} <= resources  # URIs unchanged
    templates = {t["uriTemplate"] for t in session.result("resources/templates/list")["resourceTemplates"]}
    assert {"test://template/{id}/data", "demo://resource/dynamic/text/{resourceId}"} <= templates


def test_server_everything_lists_the_tools_whose_requests_the_gateway_relays(url: str) -> None:
    names = {t["name"] for t in RawSession(url).result("tools/list")["tools"]}
    # Declared upstream because the gateway relays them: sampling and elicitation (not roots).
    assert {"ev___trigger-sampling-request", "ev___trigger-elicitation-request"} <= names
    assert "ev___get-roots-list" not in names


def test_results_pass_through_unchanged(url: str) -> None:
    session = RawSession(url)
    mixed = session.tool("fx___test_multiple_content_types")
    assert [c["type"] for c in mixed["content"]] == ["text", "image", "resource"]
    assert mixed["content"][1]["data"] == IMAGE
    assert mixed["content"][2]["resource"]["uri"] == "test://mixed-content-resource"
    assert session.tool("ev___get-sum", {"a": 2, "b": 40})["content"][0]["text"] == "The sum of 2 and 40 is 42."
    structured = session.tool("ev___get-structured-content", {"location": "New York"})
    assert structured["structuredContent"]["temperature"] is not None
    failed = session.tool("fx___test_error_handling")
    assert failed["isError"] is True


def test_arguments_are_checked_against_the_upstream_schema_before_the_call(url: str) -> None:
    result = RawSession(url).tool("ev___get-sum", {"a": "two", "b": 1})
    assert result["isError"] is True
    assert "'a'" in result["content"][0]["text"]


def test_prompts_resources_and_completions_are_routed_to_their_target(url: str) -> None:
    session = RawSession(url)
    prompt = session.result(
        "prompts/get", {"name": "fx___test_prompt_with_arguments", "arguments": {"arg1": "x", "arg2": "y"}}
    )
    assert prompt["messages"][0]["content"]["text"] == "Prompt with arguments: arg1='x', arg2='y'"
    text = session.result("resources/read", {"uri": "test://static-text"})
    assert text["contents"][0]["text"] == "This is the content of the static text resource."
    blob = session.result("resources/read", {"uri": "test://static-binary"})
    assert base64.b64decode(blob["contents"][0]["blob"]) == base64.b64decode(IMAGE)
    templated = session.result("resources/read", {"uri": "test://template/42/data"})
    assert json.loads(templated["contents"][0]["text"])["id"] == "42"
    demo = session.result("resources/read", {"uri": "demo://resource/dynamic/text/3"})  # server-everything's template
    assert demo["contents"][0]["uri"] == "demo://resource/dynamic/text/3"
    completion = session.result(
        "completion/complete",
        {
            "ref": {"type": "ref/prompt", "name": "fx___test_prompt_with_arguments"},
            "argument": {"name": "arg1", "value": "par"},
        },
    )
    assert completion["completion"]["values"] == ["paris", "park", "party"]


def test_unknown_names_are_protocol_errors(url: str) -> None:
    session = RawSession(url)
    unknown = session.call("resources/read", {"uri": "test://nothing-here"})[-1]["error"]
    assert unknown["code"] == -32602
    prompt = session.call("prompts/get", {"name": "fx___no_such_prompt"})[-1]["error"]
    assert prompt["code"] == -32602


def test_progress_is_relayed_under_the_callers_token_only_when_asked(url: str) -> None:
    session = RawSession(url)
    messages = session.call("tools/call", {"name": "fx___test_tool_with_progress", "_meta": {"progressToken": "p-7"}})
    progress = [m["params"] for m in messages if m.get("method") == "notifications/progress"]
    assert [p["progress"] for p in progress] == [0, 50, 100]
    assert {p["progressToken"] for p in progress} == {"p-7"}
    assert messages[-1]["result"]["content"][0]["text"] == "Progress test completed"
    # Without a token (or without SSE in Accept) the same call is one JSON answer.
    assert len(session.call("tools/call", {"name": "fx___test_tool_with_progress"})) == 1
    plain = session.call(
        "tools/call", {"name": "fx___test_tool_with_progress", "_meta": {"progressToken": 1}}, accept="application/json"
    )
    assert len(plain) == 1


def test_log_messages_are_relayed_after_logging_set_level(url: str) -> None:
    session = RawSession(url)
    assert len(session.call("tools/call", {"name": "fx___test_tool_with_logging"})) == 1
    assert session.result("logging/setLevel", {"level": "debug"}) == {}
    messages = session.call("tools/call", {"name": "fx___test_tool_with_logging"})
    logged = [m["params"]["data"] for m in messages if m.get("method") == "notifications/message"]
    assert logged == ["Tool execution started", "Tool processing data", "Tool execution completed"]
    # Another caller's session did not ask for logs.
    assert len(RawSession(url).call("tools/call", {"name": "fx___test_tool_with_logging"})) == 1


def test_sdk_client_gets_sampling_and_elicitation_requests_relayed(url: str) -> None:
    asked: list[str] = []

    async def sampling(context: Any, params: Any) -> CreateMessageResult:
        asked.append(params.messages[0].content.text)
        return CreateMessageResult(role="assistant", content=TextContent(type="text", text="sampled!"), model="m")

    async def elicitation(context: Any, params: Any) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action="accept", content={"response": "yes"})

    async def body(client: Client) -> list[str]:
        texts = []
        for name, args in (
            ("fx___test_sampling", {"prompt": "hello"}),
            ("fx___test_elicitation", {"message": "sure?"}),
            ("ev___trigger-sampling-request", {"prompt": "from ts", "maxTokens": 10}),
        ):
            result = await client.call_tool(name, args)
            assert result.is_error is False, result
            texts.append(result.content[0].text)  # type: ignore[union-attr]
        return texts

    texts = _sdk(url, body, mode="legacy", sampling_callback=sampling, elicitation_callback=elicitation)
    assert texts[0] == "LLM response: sampled!"
    assert texts[1] == 'User response: action=accept, content={"response": "yes"}'
    assert "sampled!" in texts[2]
    assert asked[:2] == ["hello", "sure?"]
    assert asked[2].endswith("from ts")  # server-everything wraps the prompt


@pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning")  # logging/setLevel (2026)
@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
def test_sdk_client_gets_progress_and_logs_on_either_wire(url: str, mode: str) -> None:
    seen: list[Any] = []

    async def on_log(params: Any) -> None:
        seen.append(params.data)

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(progress)

    async def body(client: Client) -> str:
        if mode == "legacy":
            await client.set_logging_level("info")
        logged = await client.call_tool("fx___test_tool_with_logging", {})
        progressed = await client.call_tool("fx___test_tool_with_progress", {}, progress_callback=on_progress)
        return f"{logged.content[0].text} / {progressed.content[0].text}"  # type: ignore[union-attr]

    options: dict[str, Any] = {"mode": mode, "logging_callback": on_log}
    if mode != "legacy":
        options["log_level"] = "info"
    text = _sdk(url, body, **options)
    assert text == "Tool with logging executed successfully / Progress test completed"
    assert seen == ["Tool execution started", "Tool processing data", "Tool execution completed", 0, 50, 100]


def test_server_everything_session_is_renewed_when_the_server_forgets_it(
    control: Any, tmp_path: Path, unique_name: str
) -> None:
    """server-everything answers 400 for a session it does not know (a restart): the gateway re-initialises."""
    server = start_server_everything(tmp_path)
    try:
        gateway = create_gateway(control, unique_name)
        mcp_target(control, gateway["gatewayId"], "ev", server.url)
        session = RawSession(gateway["gatewayUrl"])
        assert session.tool("ev___echo", {"message": "one"})["content"][0]["text"] == "Echo: one"
        server.stop()
        server.start()  # same port, no sessions any more
        assert session.tool("ev___echo", {"message": "two"})["content"][0]["text"] == "Echo: two"
    finally:
        server.stop()


def test_fixture_server_in_stateless_json_mode_works_too(control: Any, tmp_path: Path, unique_name: str) -> None:
    server = start_fixture_server(tmp_path, "--stateless", "--json")
    try:
        gateway = create_gateway(control, unique_name)
        target = mcp_target(control, gateway["gatewayId"], "fx", server.url)
        assert target["status"] == "READY", target
        assert RawSession(gateway["gatewayUrl"]).tool("fx___whoami")["content"][0]["text"] == "everything"
    finally:
        server.stop()
