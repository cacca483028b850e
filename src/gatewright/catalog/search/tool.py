"""The built-in tool ``x_amz_bedrock_agentcore_search`` of gateways created with ``searchType: SEMANTIC``.

Its name, description and input schema are AgentCore's (docs/search.md). A call answers with the ten most
relevant tools, each exactly as ``tools/list`` shows it, in ``structuredContent.tools`` and as the JSON text
``{"tools": [...]}``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import orjson

from gatewright.catalog.search.index import SearchIndex
from gatewright.catalog.validation import ArgumentError, compile_validator

JSON = dict[str, Any]
SEARCH_TOOL = "x_amz_bedrock_agentcore_search"
SEARCH_RESULTS = 10
SEARCH_TOOL_DEFINITION: JSON = {
    "name": SEARCH_TOOL,
    "description": (
        "A special tool that returns a trimmed down list of tools given a context. Use this tool only when "
        "there are many tools available and you want to get a subset that matches the provided context."
    ),
    "inputSchema": {
        "type": "object",
        "properties": {"query": {"type": "string", "description": "search query to use for finding tools"}},
        "required": ["query"],
    },
}
SEARCH_TOOL_JSON = orjson.dumps(SEARCH_TOOL_DEFINITION)
_validate = compile_validator(SEARCH_TOOL_DEFINITION["inputSchema"])


class Listed(Protocol):
    """A catalog entry as search sees it: its exposed name and its pre-serialised tools/list JSON."""

    name: str
    json: bytes


class ToolSearch:
    """The search of one catalog. ``index`` is replaced (atomically) when embeddings become available."""

    def __init__(self, entries: Sequence[Listed], index: SearchIndex, version: str = "") -> None:
        self.entries = entries
        self.index = index
        self.version = version

    def search(self, query: str, k: int = SEARCH_RESULTS, allow: Callable[[str], bool] | None = None) -> list[bytes]:
        """The tools/list JSON of the ``k`` best tools among those ``allow`` lets through (all when None)."""
        entries = self.entries
        allowed = None if allow is None else (lambda i: allow(entries[i].name))
        return [entries[i].json for i in self.index.search(query, k, allow=allowed)]

    def call(self, arguments: JSON, allow: Callable[[str], bool] | None = None) -> JSON:
        """The CallToolResult of a call of the search tool; invalid arguments are an ``isError`` result.

        ``allow`` is the caller's tool filter (policy): search runs after it, never showing a tool the
        caller may not use.
        """
        try:
            _validate(arguments)
        except ArgumentError as exc:
            return {"isError": True, "content": [{"type": "text", "text": str(exc)}]}
        found = self.search(arguments["query"], SEARCH_RESULTS, allow)
        text = b'{"tools":[' + b",".join(found) + b"]}"
        return {
            "isError": False,
            "content": [{"type": "text", "text": text.decode()}],
            "structuredContent": orjson.loads(text),
        }
