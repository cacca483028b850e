"""A fast MCP server for the MCP proxy benchmark: aiohttp's low-level server on uvloop, JSON answers only.

``python -m benchmarks.mcp_upstream PORT``

It speaks just enough MCP for a client that knows the protocol: ``server/discover`` (2026-07-28),
``initialize`` (no session), ``tools/list`` (one tool, ``echo``) and ``tools/call`` (a fixed 64-byte text
result, the same item the main harness's REST upstream answers). Every answer is one ``application/json``
body with ``Content-Length``; only the JSON-RPC id is spliced in, so the server costs little next to what is
measured (the gateway's work, or the load generator's).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable

import orjson
from aiohttp import web

ITEM = '{"id": "42", "name": "widget", "price": 9.99, "tags": ["blue", "small"]}'
TOOL = {"name": "echo", "description": "Returns the same item", "inputSchema": {"type": "object"}}
_META = {"io.modelcontextprotocol/serverInfo": {"name": "bench", "version": "1"}}
_CAPABILITIES = {"tools": {"listChanged": False}}
RESULTS: dict[str, bytes] = {
    "server/discover": orjson.dumps(
        {
            "supportedVersions": ["2026-07-28"],
            "capabilities": _CAPABILITIES,
            "resultType": "complete",
            "ttlMs": 0,
            "cacheScope": "private",
            "_meta": _META,
        }
    ),
    "initialize": orjson.dumps(
        {
            "protocolVersion": "2025-11-25",
            "capabilities": _CAPABILITIES,
            "serverInfo": {"name": "bench", "version": "1"},
        }
    ),
    "tools/list": orjson.dumps({"tools": [TOOL], "resultType": "complete", "ttlMs": 0, "cacheScope": "private"}),
    "tools/call": orjson.dumps(
        {"content": [{"type": "text", "text": ITEM}], "isError": False, "resultType": "complete"}
    ),
}
_JSON = "application/json"


def handler() -> Callable[[web.BaseRequest], Awaitable[web.Response]]:
    async def handle(request: web.BaseRequest) -> web.Response:
        if request.method != "POST":
            return web.Response(status=405)
        message = orjson.loads(await request.read())
        if "id" not in message:
            return web.Response(status=202)
        result = RESULTS.get(message.get("method", ""))
        if result is None:
            error = {"jsonrpc": "2.0", "id": message["id"], "error": {"code": -32601, "message": "Method not found"}}
            return web.Response(body=orjson.dumps(error), status=404, content_type=_JSON)
        body = b'{"jsonrpc":"2.0","id":' + orjson.dumps(message["id"]) + b',"result":' + result + b"}"
        return web.Response(body=body, content_type=_JSON)

    return handle


async def serve(port: int) -> None:
    runner = web.ServerRunner(web.Server(handler(), access_log=None), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, backlog=1024).start()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    import uvloop

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", type=int)
    args = parser.parse_args(argv)
    uvloop.run(serve(args.port))


if __name__ == "__main__":
    main()
