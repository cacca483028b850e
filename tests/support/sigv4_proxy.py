"""A forwarding proxy in front of a moto server that checks every request's SigV4 signature.

moto accepts any signature; tests that must show a request was signed (service, region, key, body) point
``AWS_ENDPOINT_URL_<SERVICE>`` at this proxy. Each request is recorded with the outcome of an independent
check (``gatewright.auth.sigv4.verify``, the inbound verifier, against the known test secret) and then
forwarded unchanged to moto; moto's answer goes back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from gatewright.auth.sigv4 import SignatureError, verify
from support.net import free_port
from support.upstream import serve_app

SECRET = "testing"  # MotoServer.env()'s AWS_SECRET_ACCESS_KEY
_HOP = {"host", "content-length", "transfer-encoding", "connection"}


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    signed_for: str | None  # "<service>/<region>/<key id>" when the signature checked out
    problem: str | None


@dataclass
class SigningProxy:
    url: str
    service: str
    seen: list[Seen] = field(default_factory=list)


def _handler(proxy: SigningProxy, upstream: str) -> Any:
    async def handle(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            caller = verify(
                method=request.method,
                raw_path=request.raw_path.split("?", 1)[0],
                raw_query=request.query_string,
                headers=headers,
                body=body,
                service=proxy.service,
                lookup_secret=lambda key: SECRET,
            )
            signed_for, problem = f"{caller.service}/{caller.region}/{caller.access_key_id}", None
        except SignatureError as exc:
            signed_for, problem = None, str(exc)
        proxy.seen.append(Seen(request.method, request.raw_path, headers, body, signed_for, problem))
        forwarded = {k: v for k, v in request.headers.items() if k.lower() not in _HOP}
        async with (
            aiohttp.ClientSession(auto_decompress=False) as session,
            session.request(request.method, upstream + request.raw_path, headers=forwarded, data=body) as answer,
        ):
            data = await answer.read()
            out = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP}
            return web.Response(status=answer.status, headers=out, body=data)

    return handle


def signing_proxy_session(upstream: str, service: str) -> Iterator[SigningProxy]:
    """A proxy to ``upstream`` that checks signatures scoped to ``service`` (a generator for fixtures)."""
    port = free_port()
    proxy = SigningProxy(f"http://127.0.0.1:{port}", service)
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", _handler(proxy, upstream))
    stop = serve_app(app, port, f"sigv4-proxy-{service}")
    yield proxy
    stop()
