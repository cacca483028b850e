"""The harness's upstream: a fast aiohttp server (uvloop) with pre-encoded answers, run as its own process.

``python -m benchmarks.upstream PORT [--jwks FILE]``

* ``GET /items/{id}`` and ``GET /items``: a fixed small JSON object (the measured ``tools/call`` target);
* ``POST /items``: 201 with the same object;
* ``/.well-known/openid-configuration`` and ``/jwks.json``: an OpenID provider's discovery document and key
  set, for the CUSTOM_JWT variant (``--jwks`` names the key set file the harness wrote).

It uses aiohttp's low-level server (no router, no middlewares): one dict look-up per request.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import orjson
from aiohttp import web

ITEM = orjson.dumps({"id": "42", "name": "widget", "price": 9.99, "tags": ["blue", "small"]})
_JSON = "application/json"


def handler(base_url: str, jwks: bytes | None) -> Callable[[web.BaseRequest], Awaitable[web.Response]]:
    discovery = orjson.dumps({"issuer": base_url, "jwks_uri": f"{base_url}/jwks.json"})
    fixed: dict[str, bytes] = {"/.well-known/openid-configuration": discovery}
    if jwks is not None:
        fixed["/jwks.json"] = jwks

    async def handle(request: web.BaseRequest) -> web.Response:
        path = request.path
        if path.startswith("/items"):
            if request.method == "POST":
                await request.read()
                return web.Response(body=ITEM, status=201, content_type=_JSON)
            return web.Response(body=ITEM, content_type=_JSON)
        body = fixed.get(path)
        if body is None:
            return web.Response(status=404, text="not found")
        return web.Response(body=body, content_type=_JSON)

    return handle


async def serve(port: int, jwks: bytes | None) -> None:
    server = web.Server(handler(f"http://127.0.0.1:{port}", jwks), access_log=None)
    runner = web.ServerRunner(server, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, backlog=1024).start()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    import uvloop

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("port", type=int)
    parser.add_argument("--jwks", type=Path, help="a JSON Web Key Set file to serve at /jwks.json")
    args = parser.parse_args(argv)
    jwks = args.jwks.read_bytes() if args.jwks else None
    try:
        uvloop.run(serve(args.port, jwks))
    except KeyboardInterrupt:
        return


if __name__ == "__main__":
    main()
