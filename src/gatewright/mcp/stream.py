"""An answer that becomes an SSE stream only when something is sent before the result.

The transport makes one for a request whose caller accepts ``text/event-stream`` and may be sent
something during the call: it asked for progress, set a log level, or (handshake wire, with a session)
declared a capability the gateway relays requests for (sampling, elicitation). Nothing is written until
the first event: a call that sends none is answered exactly like any other (one JSON body), so the common
path pays for no stream. Once started, the answer is ``200 text/event-stream`` whose events are the
notifications and requests, then the JSON-RPC response as the last event; headers the backend would add to
the answer after that point (``metadataConfiguration`` response headers) cannot be sent any more.

A request to the client (:meth:`SseAnswer.ask`) gets an id of the gateway's own; the client answers it with
a POST of a JSON-RPC response on its session, which the transport hands to ``Session.answered``.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import orjson

from gatewright.mcp.jsonrpc import INTERNAL_ERROR, JsonRpcError, Message, encode_notification
from gatewright.mcp.sessions import Session
from gatewright.web.asgi import Headers, Send

SSE_HEADERS: Headers = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
# Client capabilities whose requests the gateway relays from upstreams (handshake wire, sessions).
RELAYED = frozenset({"sampling", "elicitation"})
ASK_SECONDS = 300.0


def frame(payload: bytes) -> bytes:
    return b"event: message\ndata: " + payload + b"\n\n"


class SseAnswer:
    def __init__(self, send: Send, headers: Headers, session: Session | None = None) -> None:
        self._send = send
        self._headers = headers
        self._session = session
        self.started = False

    async def notify(self, method: str, params: dict[str, Any]) -> None:
        await self.event(encode_notification(method, params))

    async def event(self, payload: bytes) -> None:
        if not self.started:
            self.started = True
            await self._send({"type": "http.response.start", "status": 200, "headers": [*SSE_HEADERS, *self._headers]})
        await self._send({"type": "http.response.body", "body": frame(payload), "more_body": True})

    async def ask(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Send the client a request and wait (at most ASK_SECONDS) for its result; its error raises JsonRpcError."""
        session = self._session
        if session is None:
            raise JsonRpcError(INTERNAL_ERROR, "This caller cannot be asked anything")
        request_id = "gatewright-" + secrets.token_hex(8)
        waiting: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        session.pending[request_id] = waiting
        try:
            await self.event(orjson.dumps({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}))
            answer: Message = await asyncio.wait_for(waiting, ASK_SECONDS)
        except TimeoutError:
            raise JsonRpcError(INTERNAL_ERROR, f"The client did not answer {method} in time") from None
        finally:
            session.pending.pop(request_id, None)
        if isinstance(answer.error, dict):
            error = answer.error
            raise JsonRpcError(
                int(error.get("code", INTERNAL_ERROR)), str(error.get("message", "")), data=error.get("data")
            )
        if not isinstance(answer.result, dict):
            raise JsonRpcError(INTERNAL_ERROR, f"The client answered {method} without a result object")
        return answer.result

    async def finish(self, payload: bytes) -> None:
        """The last event (the response), which ends the stream."""
        await self._send({"type": "http.response.body", "body": frame(payload), "more_body": False})
