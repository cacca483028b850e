"""Lambda targets' pure parts: tool definitions, ARNs, client context and results."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gatewright.targets.aws_lambda import parse_arn
from gatewright.targets.aws_lambda.result import Invocation, client_context, to_tool_result
from gatewright.targets.aws_lambda.tools import parse_tools
from gatewright.targets.base import BuildError, CallContext, TargetError

OBJECT = {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}


def definitions(*items: Any) -> bytes:
    return json.dumps(list(items)).encode()


def test_tool_definitions_become_tools() -> None:
    raw = definitions(
        {"name": "search", "description": "Search", "inputSchema": OBJECT, "outputSchema": {"type": "object"}},
        {"name": "a.b-c_d", "description": "", "inputSchema": {"type": "object"}},
    )
    tools, notes = parse_tools(raw, target_name="t", max_tools=10)
    assert [(t.name, t.description, t.input_schema, t.output_schema) for t in tools] == [
        ("search", "Search", OBJECT, {"type": "object"}),
        ("a.b-c_d", "", {"type": "object"}, None),
    ]
    assert notes == []
    wrapped, _ = parse_tools(
        json.dumps({"tools": [tools[0].to_mcp("x") | {"name": "s"}]}).encode(), target_name="t", max_tools=1
    )
    assert wrapped[0].name == "s"


def test_long_names_are_kept_with_a_note_and_limits_apply() -> None:
    name = "n" * 70
    raw = definitions(
        *({"name": f"{name}{i}", "description": "d", "inputSchema": {"type": "object"}} for i in range(3))
    )
    tools, notes = parse_tools(raw, target_name="target", max_tools=2)
    assert [t.name for t in tools] == [f"{name}0", f"{name}1"]
    assert notes[0] == f"target___{name}0 is 80 characters long; some MCP clients refuse over 64"
    assert notes[-1] == f"{name}2 skipped: over the limit of 2 tools (GATEWRIGHT_MAX_TOOLS_PER_TARGET)"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{", "the tool schema is not valid JSON"),
        (b'{"a": 1}', "the tool schema must be a JSON list of tool definitions"),
        (b"[]", "the tool schema defines no tools"),
        (
            definitions({"name": "x y", "description": "d", "inputSchema": {"type": "object"}}),
            "toolSchema[0].name must be",
        ),
        (definitions({"name": "x", "inputSchema": {"type": "object"}}), "toolSchema[0].description must be a string"),
        (
            definitions({"name": "x", "description": "d", "inputSchema": {"type": "string"}}),
            "toolSchema[0].inputSchema.type must be 'object'",
        ),
        (definitions({"name": "x", "description": "d"}), "toolSchema[0].inputSchema must be a JSON Schema object"),
        (
            definitions(
                {"name": "x", "description": "d", "inputSchema": {"type": "object"}, "outputSchema": {"type": "array"}}
            ),
            "toolSchema[0].outputSchema.type",
        ),
    ],
)
def test_bad_definitions_fail_the_target(raw: bytes, reason: str) -> None:
    with pytest.raises(BuildError) as raised:
        parse_tools(raw, target_name="t", max_tools=10)
    assert any(r.startswith(reason) for r in raised.value.reasons), raised.value.reasons


def test_arns() -> None:
    arn = parse_arn("arn:aws:lambda:eu-west-1:123456789012:function:orders:prod")
    assert arn is not None
    assert (arn.region, arn.name) == ("eu-west-1", "orders")
    assert parse_arn("arn:aws:lambda:us-east-1:123456789012:function:my.fn-1_2:$LATEST") is not None
    assert parse_arn("arn:aws:lambda:us-east-1:123456789012:function:a/b") is None
    assert parse_arn("orders") is None


def test_client_context_and_results() -> None:
    ctx = CallContext(gateway_id="gw", target_id="tg", tool_name="T___get", request_id="req", jsonrpc_id=24)
    assert client_context(ctx) == {
        "custom": {
            "bedrockAgentCoreMessageVersion": "1.0",
            "bedrockAgentCoreAwsRequestId": "req",
            "bedrockAgentCoreMcpMessageId": "24",
            "bedrockAgentCoreGatewayId": "gw",
            "bedrockAgentCoreTargetId": "tg",
            "bedrockAgentCoreToolName": "T___get",
        }
    }
    obj = to_tool_result(Invocation(payload=b'{"statusCode": 200, "body": "{\\"a\\": 1}"}'))
    assert obj.to_mcp() == {
        "isError": False,
        "content": [{"type": "text", "text": '{"statusCode":200,"body":"{\\"a\\": 1}"}'}],
        "structuredContent": {"statusCode": 200, "body": '{"a": 1}'},
    }
    assert to_tool_result(Invocation(payload=b'[1, "two"]')).to_mcp() == {
        "isError": False,
        "content": [{"type": "text", "text": '[1,"two"]'}],
    }
    assert to_tool_result(Invocation(payload=b'"hi"')).content == [{"type": "text", "text": '"hi"'}]
    assert to_tool_result(Invocation(payload=b"NaN")).content == [{"type": "text", "text": "NaN"}]
    with pytest.raises(TargetError) as raised:
        to_tool_result(Invocation(error={"errorType": "KeyError", "errorMessage": "'x'"}))
    assert (raised.value.message, raised.value.detail) == ("The Lambda function returned an error.", "KeyError: 'x'")
