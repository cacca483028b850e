"""The outbound-auth interface and the send helper every HTTP-based target kind uses."""

from __future__ import annotations

from typing import Protocol

from gatewright.upstream.http import HttpClient, OutboundRequest, UpstreamResponse


class OutboundAuth(Protocol):
    async def apply(self, request: OutboundRequest, caller_token: str | None) -> None:
        """Add credentials to ``request`` (headers, query string or signature)."""
        ...

    async def refresh(self) -> bool:
        """Forget cached credentials after a 401; True when retrying may help."""
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
    response = await http.send(attempt)
    if response.status == 401 and await auth.refresh():
        attempt = request.copy()
        await auth.apply(attempt, caller_token)
        response = await http.send(attempt)
    return response
