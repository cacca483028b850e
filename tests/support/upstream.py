"""A real HTTP upstream on 127.0.0.1, in a background thread: the PetStore of the seed, plus /echo.

``/echo/...`` answers with what it received (method, path, raw query, headers, body), so tests can check
exactly what the gateway sent on the wire.
"""

from __future__ import annotations

import asyncio
import base64
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from support.net import free_port

PETS = [
    {"id": 1, "type": "dog", "price": 249.99},
    {"id": 2, "type": "cat", "price": 124.99},
    {"id": 3, "type": "fish", "price": 0.99},
]
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@dataclass
class Upstream:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)


async def _pets(request: web.Request) -> web.Response:
    return web.json_response(PETS)


async def _pet(request: web.Request) -> web.Response:
    pet_id = request.match_info["pet_id"]
    for pet in PETS:
        if str(pet["id"]) == pet_id:
            return web.json_response(pet)
    return web.json_response({"message": f"pet {pet_id} not found"}, status=404)


async def _create(request: web.Request) -> web.Response:
    body = await request.json()
    return web.json_response({"created": body}, status=201)


def _echo_handler(log: list[dict[str, Any]]) -> Any:
    async def echo(request: web.Request) -> web.Response:
        body = await request.read()
        seen = {
            "method": request.method,
            "path": request.raw_path.split("?", 1)[0],
            "query": request.query_string,
            "headers": {k.lower(): v for k, v in request.headers.items()},
            "body": body.decode("utf-8", "replace"),
        }
        log.append(seen)
        return web.json_response(seen)

    return echo


async def _image(request: web.Request) -> web.Response:
    return web.Response(body=PNG, content_type="image/png")


# A WAV file of 4 silent samples (44-byte header + 8 bytes of 16-bit mono PCM).
WAV = (
    b"RIFF"
    + (36 + 8).to_bytes(4, "little")
    + b"WAVEfmt "
    + (16).to_bytes(4, "little")
    + (1).to_bytes(2, "little")
    + (1).to_bytes(2, "little")
    + (8000).to_bytes(4, "little")
    + (16000).to_bytes(4, "little")
    + (2).to_bytes(2, "little")
    + (16).to_bytes(2, "little")
    + b"data"
    + (8).to_bytes(4, "little")
    + bytes(8)
)


async def _audio(request: web.Request) -> web.Response:
    return web.Response(body=WAV, content_type="audio/wav")


async def _binary(request: web.Request) -> web.Response:
    return web.Response(body=b"%PDF-1.4 not really a pdf", content_type="application/pdf")


async def _text(request: web.Request) -> web.Response:
    return web.Response(text="plain words", content_type="text/plain")


async def _fail(request: web.Request) -> web.Response:
    return web.Response(text="secret stack trace", status=500)


def serve_app(app: web.Application, port: int, name: str) -> Callable[[], None]:
    """Serve an aiohttp app on 127.0.0.1:port in a background thread; returns a function that stops it."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None)
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True, name=name)
    thread.start()
    if not ready.wait(10):
        raise TimeoutError(f"{name} did not start listening within 10s")

    def stop() -> None:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()

    return stop


def start_upstream() -> tuple[Upstream, Any]:
    """Start the upstream; returns it and a stop function."""
    port = free_port()
    upstream = Upstream(f"http://127.0.0.1:{port}")
    app = web.Application()
    app.add_routes(
        [
            web.get("/pets", _pets),
            web.post("/pets", _create),
            web.get("/pets/{pet_id}", _pet),
            web.route("*", "/echo/{tail:.*}", _echo_handler(upstream.requests)),
            web.get("/image", _image),
            web.get("/audio", _audio),
            web.get("/binary", _binary),
            web.get("/text", _text),
            web.get("/fail", _fail),
        ]
    )
    return upstream, serve_app(app, port, "test-upstream")
