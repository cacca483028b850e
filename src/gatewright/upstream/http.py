"""The outbound HTTP client: one pooled keep-alive aiohttp session per process.

aiohttp was measured on this hardware at about 10x the calls/s of httpx for this proxying workload
(see benchmarks/README.md). Every aiohttp exception stays in this module: callers see
:class:`UpstreamError` (no response) or an :class:`UpstreamResponse` (any status).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
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
                skip_auto_headers=("User-Agent",),
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
                body = await resp.content.read(self._max_response_bytes + 1)
                if len(body) > self._max_response_bytes:
                    raise UpstreamError("The upstream response is too large.")
                return UpstreamResponse(resp.status, resp.headers, body)
        except TimeoutError:
            raise UpstreamError("The upstream did not answer in time.", detail=f"{method} {url}") from None
        except aiohttp.ClientError as exc:
            raise UpstreamError("The upstream could not be reached.", detail=f"{method} {url}: {exc}") from None

    async def send(self, request: OutboundRequest) -> UpstreamResponse:
        return await self.request(request.method, request.url, headers=request.headers, data=request.body, encoded=True)

    async def aclose(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
            await asyncio.sleep(0)
        self._session = None
