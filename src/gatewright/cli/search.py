"""``gatewright search GATEWAY "query"``: the tools a SEMANTIC gateway's search tool finds, for people.

It calls the gateway's MCP endpoint like any agent (initialize, then ``tools/call`` of
``x_amz_bedrock_agentcore_search``), so it shows exactly what an agent gets. GATEWAY is a gateway id (on
this gatewright, see --endpoint-url) or the gateway's MCP URL.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from typing import Any

from gatewright.catalog.search.tool import SEARCH_TOOL
from gatewright.cli.client import settings_of
from gatewright.control.ids import MCP_PATH_PREFIX
from gatewright.mcp.versions import SUPPORTED_VERSIONS

JSON = dict[str, Any]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = sub.add_parser("search", help="search a SEMANTIC gateway's tools (its x_amz_bedrock_agentcore_search tool)")
    cmd.add_argument("gateway", help="gateway id, or the gateway's MCP URL")
    cmd.add_argument("query", help="what you want to do, in words")
    cmd.add_argument("--token", help="bearer token, when the gateway needs one (default: $GATEWRIGHT_TOKEN)")
    cmd.add_argument("--endpoint-url", help="gatewright URL (default: GATEWRIGHT_PUBLIC_URL or host:port)")
    cmd.add_argument("--data-dir", help=argparse.SUPPRESS)
    cmd.add_argument("--json", action="store_true", help="print the tools as JSON, with their input schemas")
    cmd.set_defaults(func=search)


class _Session:
    def __init__(self, url: str, token: str | None) -> None:
        self.url = url
        self.headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self._id = 0

    def request(self, method: str, params: JSON, *, notify: bool = False) -> JSON:
        message: JSON = {"jsonrpc": "2.0", "method": method, "params": params}
        if not notify:
            self._id += 1
            message["id"] = self._id
        request = urllib.request.Request(  # noqa: S310 - the URL is the gateway the user named (http or https)
            self.url, data=json.dumps(message).encode(), headers=self.headers, method="POST"
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            session = response.headers.get("Mcp-Session-Id")
            if session:
                self.headers["Mcp-Session-Id"] = session
            body = response.read().decode()
            kind = response.headers.get("Content-Type", "")
        if notify or not body.strip():
            return {}
        if kind.startswith("text/event-stream"):
            body = next(line[5:] for line in body.splitlines() if line.startswith("data:"))
        reply: JSON = json.loads(body)
        if "error" in reply:
            raise RuntimeError(f"{reply['error'].get('code')}: {reply['error'].get('message')}")
        result: JSON = reply["result"]
        return result


def _url(args: argparse.Namespace) -> str:
    if args.gateway.startswith(("http://", "https://")):
        return str(args.gateway)
    base = (args.endpoint_url or settings_of(args).base_url).rstrip("/")
    return f"{base}{MCP_PATH_PREFIX}{args.gateway}/mcp"


def run_search(url: str, query: str, token: str | None) -> list[JSON]:
    """The tools the gateway's search tool returns for ``query`` (raises RuntimeError with the reason)."""
    session = _Session(url, token)
    session.request(
        "initialize",
        {
            "protocolVersion": SUPPORTED_VERSIONS[-1],
            "capabilities": {},
            "clientInfo": {"name": "gatewright-search", "version": "1"},
        },
    )
    session.request("notifications/initialized", {}, notify=True)
    result = session.request("tools/call", {"name": SEARCH_TOOL, "arguments": {"query": query}})
    if result.get("isError"):
        text = " ".join(c.get("text", "") for c in result.get("content", []))
        raise RuntimeError(text or "the search tool failed")
    tools: list[JSON] = (result.get("structuredContent") or json.loads(result["content"][0]["text"]))["tools"]
    return tools


def search(args: argparse.Namespace) -> int:
    token = args.token or os.environ.get("GATEWRIGHT_TOKEN")
    try:
        tools = run_search(_url(args), args.query, token)
    except urllib.error.HTTPError as exc:
        hint = " (pass --token)" if exc.code == 401 else ""
        print(f"error: the gateway answered HTTP {exc.code}{hint}", file=sys.stderr)
        return 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"error: cannot reach the gateway: {exc}", file=sys.stderr)
        return 1
    except RuntimeError as exc:
        hint = " (was the gateway created with searchType SEMANTIC?)" if "Unknown tool" in str(exc) else ""
        print(f"error: {exc}{hint}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(tools, indent=2))
        return 0
    if not tools:
        print("(no tools found)")
    for rank, tool in enumerate(tools, start=1):
        summary = " ".join(str(tool.get("description", "")).split())
        print(f"{rank:2}. {tool['name']}\n    {summary[:150]}")
    return 0
