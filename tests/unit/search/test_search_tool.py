"""The built-in search tool: its definition, its result shape, and the catalog listing it first."""

from __future__ import annotations

import json

import orjson

from gatewright.catalog.catalog import Catalog, TargetTools
from gatewright.catalog.search.index import SearchIndex
from gatewright.catalog.search.text import tool_text
from gatewright.catalog.search.tool import SEARCH_TOOL, SEARCH_TOOL_DEFINITION, SEARCH_TOOL_JSON, ToolSearch
from gatewright.targets.base import ToolSpec


class _NoTarget:
    pass


def _catalog(count: int, page_size: int | None = None, head: bool = True) -> Catalog:
    tools = [ToolSpec(f"Tool{i}", f"Does thing number {i}", {"type": "object", "properties": {}}) for i in range(count)]
    tools.append(ToolSpec("SendInvoice", "Email an invoice to a customer", {"type": "object", "properties": {}}))
    group = TargetTools("T1", "billing", _NoTarget(), tools)  # type: ignore[arg-type]
    return Catalog([group], page_size=page_size, head=[SEARCH_TOOL_JSON] if head else ())


def _search(catalog: Catalog) -> ToolSearch:
    texts = [tool_text(e.name, e.tool.description, e.tool.input_schema) for e in catalog.entries]
    return ToolSearch(catalog.entries, SearchIndex(texts))


def test_definition_is_agentcores() -> None:
    assert SEARCH_TOOL == "x_amz_bedrock_agentcore_search"
    assert SEARCH_TOOL_DEFINITION["inputSchema"]["required"] == ["query"]
    assert SEARCH_TOOL_DEFINITION["description"].startswith("A special tool that returns a trimmed down list of tools")


def test_catalog_lists_the_search_tool_first_on_every_page_walk() -> None:
    catalog = _catalog(5, page_size=4)
    first, cursor = catalog.page(None)
    listed = json.loads(first)
    assert listed[0] == SEARCH_TOOL_DEFINITION
    names = [t["name"] for t in listed]
    while cursor:
        body, cursor = catalog.page(cursor)
        names += [t["name"] for t in json.loads(body)]
    assert names == [SEARCH_TOOL] + [e.name for e in catalog.entries]
    assert catalog.lookup(SEARCH_TOOL) is None  # not a target's tool
    assert _catalog(5, page_size=4, head=False).fingerprint != catalog.fingerprint


def test_call_returns_tools_as_listed() -> None:
    catalog = _catalog(30)
    result = _search(catalog).call({"query": "send an invoice by email"})
    assert result["isError"] is False
    tools = result["structuredContent"]["tools"]
    assert json.loads(result["content"][0]["text"]) == {"tools": tools}
    assert tools[0] == orjson.loads(catalog.lookup("billing___SendInvoice").json)  # type: ignore[union-attr]
    assert 1 <= len(_search(catalog).call({"query": "thing number"})["structuredContent"]["tools"]) <= 10


def test_call_respects_the_callers_filter() -> None:
    catalog = _catalog(3)
    result = _search(catalog).call({"query": "invoice"}, allow=lambda name: name != "billing___SendInvoice")
    assert all(t["name"] != "billing___SendInvoice" for t in result["structuredContent"]["tools"])


def test_bad_arguments_are_an_error_result() -> None:
    search = _search(_catalog(3))
    for arguments in ({}, {"query": 7}):
        result = search.call(arguments)
        assert result["isError"] is True
        assert "query" in result["content"][0]["text"]
    assert search.call({"query": ""})["structuredContent"] == {"tools": []}
