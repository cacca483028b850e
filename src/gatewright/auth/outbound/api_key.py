"""API_KEY: a key from an API-key credential provider, in a header or a query parameter.

Defaults when the target does not say (AgentCore's are unconfirmed): header ``Authorization`` with prefix
``Bearer `` is what AWS's CDK constructs use; we default to header ``x-api-key`` with no prefix, the
convention of API Gateway and most API-key APIs, and document it.
"""

from __future__ import annotations

from urllib.parse import quote

from gatewright.upstream.http import OutboundRequest

DEFAULT_HEADER = "x-api-key"
DEFAULT_QUERY = "api_key"


class ApiKeyAuth:
    def __init__(self, key: str, *, name: str | None, prefix: str | None, location: str) -> None:
        self._location = location
        if location == "QUERY_PARAMETER":
            self._name = name or DEFAULT_QUERY
            self._pair = f"{quote(self._name, safe='')}={quote((prefix or '') + key, safe='')}"
        else:
            self._name = name or DEFAULT_HEADER
            self._value = (prefix or "") + key

    async def apply(self, request: OutboundRequest, caller_token: str | None) -> None:
        if self._location == "QUERY_PARAMETER":
            request.url += ("&" if "?" in request.url else "?") + self._pair
        else:
            request.headers[self._name] = self._value

    async def refresh(self, rejected: OutboundRequest) -> bool:
        return False
