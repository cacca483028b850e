"""A lean HTTP/1.1 keep-alive load generator (asyncio, uvloop), built so that it is never the bottleneck.

Every request is pre-built bytes written as is; a response is parsed only as far as its status line and
``Content-Length`` (a chunked or length-less response is an error, since neither the upstream nor
gatewright sends one). Each of ``concurrency`` connections runs one request at a time (closed loop).

A run has a warm-up (connections opened, caches and validators warmed, nothing recorded), then a
recording window of ``duration`` seconds: every response completed inside the window is counted, and its
latency (write to last byte, ``perf_counter_ns``) kept. Requests still in flight when the window closes
are not counted, so calls/s = counted / window.
"""

from __future__ import annotations

import asyncio
import time
from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import urlsplit

_CLENGTH = b"\r\ncontent-length:"


class ProtocolError(Exception):
    """A response the generator cannot frame (no Content-Length, malformed status line)."""


@dataclass(frozen=True)
class Request:
    """One request, pre-built: where to connect and the bytes to send."""

    host: str
    port: int
    raw: bytes


def build_request(
    url: str, *, method: str = "GET", body: bytes = b"", headers: Mapping[str, str] | None = None
) -> Request:
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    port = parts.port or 80
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}"]
    lines.extend(f"{name}: {value}" for name, value in (headers or {}).items())
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return Request(host, port, head + body)


def mcp_request(
    url: str, method: str, params: Mapping[str, object], headers: Mapping[str, str] | None = None
) -> Request:
    """A bare JSON-RPC POST to a gateway's MCP endpoint, as AgentCore users send it (no session)."""
    import orjson

    body = orjson.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
    all_headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    all_headers.update(headers or {})
    return build_request(url, method="POST", body=body, headers=all_headers)


def _frame(head: bytes) -> tuple[int, int]:
    """(status, content length) from a response head (status line and headers, without the blank line)."""
    if not head.startswith(b"HTTP/1.") or len(head) < 12:
        raise ProtocolError(f"not an HTTP/1.x response: {head[:40]!r}")
    status = int(head[9:12])
    lowered = head.lower()
    at = lowered.find(_CLENGTH)
    if at < 0:
        if status in (204, 304) or 100 <= status < 200:
            return status, 0
        raise ProtocolError("response without Content-Length (chunked responses are not supported)")
    start = at + len(_CLENGTH)
    end = lowered.find(b"\r\n", start)
    return status, int(lowered[start : end if end >= 0 else len(lowered)])


class _Connection(asyncio.Protocol):
    """One keep-alive connection; :meth:`send` writes the request and resolves with the response status."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._need = -1
        self._status = 0
        self._waiter: asyncio.Future[int] | None = None
        self._transport: asyncio.Transport | None = None
        self._lost: BaseException | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it
        self._transport = cast(asyncio.Transport, transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = exc or ConnectionResetError("connection closed by the server")
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(self._lost)

    def data_received(self, data: bytes) -> None:
        buf = self._buf
        buf += data
        while True:
            if self._need < 0:
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    return
                try:
                    self._status, length = _frame(bytes(buf[:end]))
                except (ProtocolError, ValueError) as exc:
                    self._fail(exc)
                    return
                self._need = end + 4 + length
            if len(buf) < self._need:
                return
            del buf[: self._need]
            self._need = -1
            waiter, self._waiter = self._waiter, None
            if waiter is not None and not waiter.done():
                waiter.set_result(self._status)

    def _fail(self, exc: Exception) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(exc)
        if self._transport is not None:
            self._transport.close()

    def send(self, raw: bytes) -> asyncio.Future[int]:
        if self._lost is not None or self._transport is None:
            raise ConnectionResetError("connection is closed")
        waiter: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiter = waiter
        self._transport.write(raw)
        return waiter

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()


@dataclass
class LoadResult:
    """What one run recorded: latencies (ns, sorted), the window, and failures by status or error."""

    concurrency: int
    window_s: float
    latencies_ns: list[int]
    failures: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.latencies_ns)

    @property
    def rate(self) -> float:
        return self.count / self.window_s if self.window_s > 0 else 0.0


@dataclass
class _State:
    budget: int  # requests left to record (a hard bound on every run)
    recording: bool = False
    stop: bool = False
    started: float = 0.0
    ended: float = 0.0
    failures: dict[str, int] = field(default_factory=dict)

    def begin(self) -> None:
        self.started = time.perf_counter()
        self.recording = True

    def finish(self) -> None:
        if self.recording:
            self.ended = time.perf_counter()
        self.recording = False
        self.stop = True


async def _worker(conn: _Connection, raw: bytes, expect: int, state: _State, out: array[int]) -> None:
    clock = time.perf_counter_ns
    while not state.stop:
        start = clock()
        status = await conn.send(raw)
        elapsed = clock() - start
        if not state.recording:
            continue
        if status == expect:
            out.append(elapsed)
            state.budget -= 1
            if state.budget <= 0:
                state.finish()
        else:
            key = f"HTTP {status}"
            state.failures[key] = state.failures.get(key, 0) + 1


async def run_load(
    request: Request,
    *,
    concurrency: int,
    duration: float,
    warmup: float = 0.5,
    expect: int = 200,
    max_requests: int = 2_000_000,
) -> LoadResult:
    """Drive ``request`` with ``concurrency`` connections: ``warmup`` seconds, then ``duration`` recorded."""
    loop = asyncio.get_running_loop()
    conns: list[_Connection] = []
    for _ in range(concurrency):
        _, conn = await asyncio.wait_for(loop.create_connection(_Connection, request.host, request.port), timeout=10)
        conns.append(conn)
    state = _State(budget=max_requests)
    out: array[int] = array("q")
    begin_handle = loop.call_later(warmup, state.begin)
    end_handle = loop.call_later(warmup + duration, state.finish)
    tasks = [asyncio.ensure_future(_worker(c, request.raw, expect, state, out)) for c in conns]
    try:
        done, _ = await asyncio.wait(tasks, timeout=warmup + duration + 30, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            exc = task.exception()
            if exc is not None:
                raise exc
    finally:
        begin_handle.cancel()
        end_handle.cancel()
        state.finish()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for conn in conns:
            conn.close()
    window = state.ended - state.started if state.ended > state.started else 0.0
    return LoadResult(concurrency, window, sorted(out), state.failures)


def run(
    request: Request, *, concurrency: int, duration: float, warmup: float = 0.5, max_requests: int = 2_000_000
) -> LoadResult:
    """:func:`run_load` on a fresh uvloop event loop (the harness's synchronous entry point)."""
    import uvloop

    coro = run_load(request, concurrency=concurrency, duration=duration, warmup=warmup, max_requests=max_requests)
    result: LoadResult = uvloop.run(coro)
    return result
