"""The outbound-auth interface and the send helper every HTTP-based target kind uses."""

from __future__ import annotations

from typing import Protocol

from gatewright.upstream.http import HttpClient, OutboundRequest, UpstreamError, UpstreamResponse


class OutboundAuth(Protocol):
    async def apply(self, request: OutboundRequest, caller_token: str | None) -> None:
        """Add credentials to ``request`` (headers, query string or signature)."""
        ...

    async def refresh(self, rejected: OutboundRequest) -> bool:
        """Forget the credentials ``rejected`` carried (the upstream answered 401); True when retrying may help.

        Credentials already replaced since ``rejected`` was sent are kept, so concurrent 401s refresh once.
        """
        ...


class AuthUnavailable(Exception):
    """Credentials cannot be obtained (token endpoint down, provider deleted). Safe message; detail for DEBUG."""

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


async def send(
    http: HttpClient, request: OutboundRequest, auth: OutboundAuth | None, caller_token: str | None = None
) -> UpstreamResponse:
    """Send ``request`` with ``auth`` applied; on a 401, refresh the credentials and retry once."""
    if auth is None:
        return await http.send(request)
    attempt = request.copy()
    await auth.apply(attempt, caller_token)
    response = await _send(http, attempt, request)
    if response.status == 401 and await auth.refresh(attempt):
        attempt = request.copy()
        await auth.apply(attempt, caller_token)
        response = await _send(http, attempt, request)
    return response


async def _send(http: HttpClient, attempt: OutboundRequest, original: OutboundRequest) -> UpstreamResponse:
    """Send ``attempt``; a failure names the URL as it was before credentials (an API key in the query)."""
    try:
        return await http.send(attempt)
    except UpstreamError as exc:
        if exc.detail is None or attempt.url == original.url:
            raise
        detail = exc.detail.replace(attempt.url, original.url)
        if attempt.url.startswith(original.url):  # what the credentials appended, wherever it shows
            detail = detail.replace(attempt.url[len(original.url) :].lstrip("?&"), "(credentials)")
        raise UpstreamError(exc.message, detail=detail) from None
