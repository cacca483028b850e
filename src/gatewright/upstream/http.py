"""The outbound HTTP client: one pooled keep-alive aiohttp session per process.

aiohttp was measured on this hardware at about 10x the calls/s of httpx for this proxying workload
(see benchmarks/README.md). Every aiohttp exception stays in this module: callers see
:class:`UpstreamError` (no response) or an :class:`UpstreamResponse` (any status).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL


class UpstreamError(Exception):
    """No usable response: connection refused, DNS failure, timeout, oversized body."""

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


async def _read_all(content: aiohttp.StreamReader, limit: int) -> bytes:
    """The body to its end, or its first ``limit + 1`` bytes (``read(n)`` alone returns what has arrived so far)."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = await content.read(limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class ConnectError(UpstreamError):
    """No connection could be opened (refused, unknown host): the request never reached the upstream."""


@dataclass
class OutboundRequest:
    """A request about to be sent; ``url`` is already percent-encoded. Auth objects change it in place."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None = None

    def copy(self) -> OutboundRequest:
        return OutboundRequest(self.method, self.url, dict(self.headers), self.body)


@dataclass(frozen=True)
class UpstreamResponse:
    status: int
    headers: CIMultiDictProxy[str] | Mapping[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()


class StreamedResponse:
    """A response whose body is read as it arrives (an SSE stream); aiohttp errors become UpstreamError."""

    def __init__(self, response: aiohttp.ClientResponse, max_bytes: int, what: str) -> None:
        self._response = response
        self._max_bytes = max_bytes
        self._what = what
        self.status = response.status
        self.headers: CIMultiDictProxy[str] = response.headers

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()

    async def read(self) -> bytes:
        """The whole body, at most ``max_response_bytes``."""
        try:
            body = await _read_all(self._response.content, self._max_bytes)
        except TimeoutError:
            raise UpstreamError("The upstream did not answer in time.", detail=self._what) from None
        except aiohttp.ClientError as exc:
            raise UpstreamError("The upstream could not be reached.", detail=f"{self._what}: {exc}") from None
        if len(body) > self._max_bytes:
            raise UpstreamError("The upstream response is too large.")
        return body

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body in pieces as they arrive (the reader bounds what it keeps)."""
        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except TimeoutError:
            raise UpstreamError("The upstream did not answer in time.", detail=self._what) from None
        except aiohttp.ClientError as exc:
            raise UpstreamError("The upstream could not be reached.", detail=f"{self._what}: {exc}") from None


class HttpClient:
    def __init__(
        self,
        *,
        timeout: float = 30.0,
        connect_timeout: float = 5.0,
        max_connections: int = 256,
        max_response_bytes: int = 6 * 1024 * 1024,
    ) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=connect_timeout)
        self._max_connections = max_connections
        self._max_response_bytes = max_response_bytes
        self._session: aiohttp.ClientSession | None = None

    @property
    def max_response_bytes(self) -> int:
        return self._max_response_bytes

    def _get_session(self) -> aiohttp.ClientSession:
        session = self._session
        if session is None or session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._max_connections, limit_per_host=0, ttl_dns_cache=300, keepalive_timeout=30
            )
            session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._timeout,
                auto_decompress=True,
                headers={"User-Agent": "gatewright"},
            )
            self._session = session
        return session

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
        data: bytes | None = None,
        encoded: bool = False,
    ) -> UpstreamResponse:
        """Send a request; ``encoded=True`` means ``url`` is already percent-encoded (sent as is)."""
        session = self._get_session()
        kwargs: dict[str, Any] = {"headers": headers, "data": data, "allow_redirects": False}
        if params:
            kwargs["params"] = params
        try:
            target = URL(url, encoded=True) if encoded else url
            async with session.request(method, target, **kwargs) as resp:
                length = resp.content_length
                if length is not None and length > self._max_response_bytes:
                    raise UpstreamError(
                        "The upstream response is too large.", detail=f"{length} bytes > {self._max_response_bytes}"
                    )
                body = await _read_all(resp.content, self._max_response_bytes)
                if len(body) > self._max_response_bytes:
                    raise UpstreamError("The upstream response is too large.")
                return UpstreamResponse(resp.status, resp.headers, body)
        except TimeoutError:
            raise UpstreamError("The upstream did not answer in time.", detail=f"{method} {url}") from None
        except aiohttp.ClientError as exc:
            raise UpstreamError("The upstream could not be reached.", detail=f"{method} {url}: {exc}") from None

    @contextlib.asynccontextmanager
    async def stream(
        self, request: OutboundRequest, *, seconds: float | None = None
    ) -> AsyncIterator[StreamedResponse]:
        """Send ``request`` (``url`` already percent-encoded) and read its body as it arrives.

        ``seconds`` bounds the whole exchange (default: the client's); the connection goes back to the pool
        when the body was read to the end, and is closed otherwise.
        """
        session = self._get_session()
        what = f"{request.method} {request.url}"
        kwargs: dict[str, Any] = {"headers": request.headers, "data": request.body, "allow_redirects": False}
        if seconds is not None:
            kwargs["timeout"] = aiohttp.ClientTimeout(total=seconds, sock_connect=self._timeout.sock_connect)
        try:
            response = await session.request(request.method, URL(request.url, encoded=True), **kwargs)
        except TimeoutError:
            raise UpstreamError("The upstream did not answer in time.", detail=what) from None
        except aiohttp.ClientConnectorError as exc:
            raise ConnectError("The upstream could not be reached.", detail=f"{what}: {exc}") from None
        except aiohttp.ClientError as exc:
            raise UpstreamError("The upstream could not be reached.", detail=f"{what}: {exc}") from None
        try:
            yield StreamedResponse(response, self._max_response_bytes, what)
        finally:
            response.release()

    async def send(self, request: OutboundRequest) -> UpstreamResponse:
        return await self.request(request.method, request.url, headers=request.headers, data=request.body, encoded=True)

    async def aclose(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
            await asyncio.sleep(0)
        self._session = None
