"""Rules of MCP server targets: endpoints, static tool lists, tool conversion, URI templates, availability."""

from __future__ import annotations

import time

import pytest

from gatewright.errors import ValidationError
from gatewright.runtime.features import template_pattern
from gatewright.targets.base import BuildError
from gatewright.targets.mcp_server.config import check_endpoint, static_tools, tool_spec, tool_specs, validate
from gatewright.targets.mcp_server.pool import Availability


@pytest.mark.parametrize(
    "endpoint",
    ["https://mcp.example.com/mcp", "http://127.0.0.1:3000/mcp", "http://localhost/mcp", "http://[::1]:8/mcp"],
)
def test_accepted_endpoints(endpoint: str) -> None:
    check_endpoint(endpoint)


@pytest.mark.parametrize(
    "endpoint", ["http://mcp.example.com/mcp", "http://10.0.0.1/mcp", "ftp://127.0.0.1/x", "https:///x", "mcp"]
)
def test_refused_endpoints(endpoint: str) -> None:
    with pytest.raises(ValidationError):
        check_endpoint(endpoint)


def test_a_static_list_cannot_be_dynamic_or_empty() -> None:
    with pytest.raises(ValidationError):
        validate({"endpoint": "https://x/mcp", "listingMode": "DYNAMIC", "mcpToolSchema": {"inlinePayload": "[]"}})
    with pytest.raises(ValidationError):
        validate({"endpoint": "https://x/mcp", "mcpToolSchema": {"inlinePayload": " "}})


def test_static_documents() -> None:
    tool = {"name": "t", "inputSchema": {"type": "object"}}
    assert static_tools(b'[{"name": "t", "inputSchema": {"type": "object"}}]') == [tool]
    assert static_tools(b"tools:\n  - name: t\n    inputSchema: {type: object}\n") == [tool]
    for bad in (b'{"name": "t"}', b"[oops", b"3"):
        with pytest.raises(BuildError):
            static_tools(bad)


def test_tools_keep_every_member_of_the_mcp_tool() -> None:
    tool = {
        "name": "t",
        "title": "T",
        "description": "d",
        "inputSchema": {"type": "object", "$defs": {}},
        "outputSchema": {"type": "object"},
        "annotations": {"readOnlyHint": True},
        "icons": [{"src": "https://x/i.png"}],
        "_meta": {"k": 1},
        "execution": {"taskSupport": "optional"},
    }
    spec = tool_spec(tool)
    assert not isinstance(spec, str)
    assert spec.to_mcp("t") == tool
    assert tool_spec({"name": "x", "inputSchema": "nope"}) == "tool x was skipped: its inputSchema is not an object"
    specs, notes = tool_specs([tool, tool, {"inputSchema": {}}], limit=10)
    assert [s.name for s in specs] == ["t"]
    assert notes == ["tool t is listed twice; the first one is served", "a tool without a name was skipped"]
    with pytest.raises(BuildError):
        tool_specs([{"name": f"t{i}", "inputSchema": {}} for i in range(3)], limit=2)


@pytest.mark.parametrize(
    ("template", "uri", "matches"),
    [
        ("test://template/{id}/data", "test://template/123/data", True),
        ("test://template/{id}/data", "test://template/1/2/data", False),
        ("file:///{+path}", "file:///a/b/c.txt", True),
        ("demo://r/{a}{?q,r}", "demo://r/x?q=1&r=2", True),
        ("demo://r/{a}{?q,r}", "demo://r/x", True),
        ("a://b{/seg}", "a://b/one/two", True),
        ("a.b://{x}", "aXb://y", False),  # literal parts are escaped
    ],
)
def test_uri_templates(template: str, uri: str, matches: bool) -> None:
    assert (template_pattern(template).fullmatch(uri) is not None) is matches


def test_availability_pauses_grow_and_reset() -> None:
    availability = Availability()
    assert availability.closed_for() == 0
    availability.failed("refused")
    first = availability.closed_for()
    assert 0 < first <= 0.25
    availability.failed("refused")
    assert availability.closed_for() > first
    for _ in range(10):
        availability.failed("refused")
    assert availability.closed_for() <= 2.0
    availability.succeeded()
    assert availability.closed_for() == 0
    assert availability.reason is None
    availability.failed("x")
    time.sleep(0.26)
    assert availability.closed_for() == 0  # the next call may try again
