"""JWT_PASSTHROUGH: the caller's validated bearer token, forwarded only to targets configured for it."""

from __future__ import annotations

from gatewright.auth.outbound.base import AuthUnavailable
from gatewright.upstream.http import OutboundRequest


class Passthrough:
    async def apply(self, request: OutboundRequest, caller_token: str | None) -> None:
        if not caller_token:
            raise AuthUnavailable("This tool needs the caller's token, and the request carried none.")
        request.headers["Authorization"] = f"Bearer {caller_token}"

    async def refresh(self, rejected: OutboundRequest) -> bool:
        return False
