"""The few ASGI primitives every surface uses: read a body with a limit, send a response.

No framework on the request path: the MCP endpoint is the hot path, and a plain ASGI callable with
these helpers costs a fraction of a routed framework request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Headers = list[tuple[bytes, bytes]]

JSON_TYPE = (b"content-type", b"application/json")


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    pass


async def read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    if len(chunks) == 1:
        return chunks[0]
    return b"".join(chunks)


def headers_of(scope: Scope) -> dict[str, str]:
    """Request headers with lower-case names (repeated headers joined with a comma)."""
    out: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        out[name] = f"{out[name]},{value}" if name in out else value
    return out


async def send(send: Send, status: int, body: bytes = b"", headers: Headers | None = None) -> None:
    hdrs = list(headers) if headers else []
    hdrs.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": hdrs})
    await send({"type": "http.response.body", "body": body})


async def send_json(send_: Send, status: int, body: bytes, headers: Headers | None = None) -> None:
    hdrs = [JSON_TYPE]
    if headers:
        hdrs.extend(headers)
    await send(send_, status, body, hdrs)


async def send_text(send_: Send, status: int, text: str, headers: Headers | None = None) -> None:
    hdrs = [(b"content-type", b"text/plain; charset=utf-8")]
    if headers:
        hdrs.extend(headers)
    await send(send_, status, text.encode(), hdrs)


class HttpError(Exception):
    """An HTTP answer to send instead of the normal one (refused auth, bad Host, wrong method...)."""

    def __init__(self, status: int, body: bytes = b"", headers: Headers | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = list(headers or [])

    @classmethod
    def text(cls, status: int, text: str) -> HttpError:
        return cls(status, text.encode(), [(b"content-type", b"text/plain; charset=utf-8")])

    @classmethod
    def json(cls, status: int, obj: object, headers: Headers | None = None) -> HttpError:
        return cls(status, orjson.dumps(obj), [JSON_TYPE, *(headers or [])])
