"""OAUTH (client credentials): a token from the provider's token endpoint, cached until shortly before it
expires. Concurrent calls that need a token at the same moment share one token request; after a 401 from
the upstream the token is dropped and fetched again once.
"""

from __future__ import annotations

import asyncio
import base64
import time
from typing import Any
from urllib.parse import quote, urlencode

import orjson

from gatewright.auth.outbound.base import AuthUnavailable
from gatewright.upstream.http import HttpClient, OutboundRequest, UpstreamError

EARLY_REFRESH = 60.0  # seconds before expiry at which a token is replaced


class ClientCredentials:
    def __init__(
        self,
        http: HttpClient,
        *,
        token_endpoint: str,
        client_id: str,
        client_secret: str,
        scopes: list[str],
        custom: dict[str, str] | None = None,
        method: str = "CLIENT_SECRET_BASIC",
        resolve_endpoint: Any = None,
    ) -> None:
        self._http = http
        self._endpoint = token_endpoint
        self._resolve_endpoint = resolve_endpoint  # async () -> str, for providers given by a discovery URL
        self._client_id = client_id
        self._secret = client_secret
        self._scopes = scopes
        self._custom = custom or {}
        self._method = method
        self._token: str | None = None
        self._expires = 0.0
        self._pending: asyncio.Task[str] | None = None
        self.fetches = 0

    async def apply(self, request: OutboundRequest, caller_token: str | None) -> None:
        request.headers["Authorization"] = f"Bearer {await self.token()}"

    async def refresh(self, rejected: OutboundRequest) -> bool:
        if self._token is not None and rejected.headers.get("Authorization") == f"Bearer {self._token}":
            self._token = None
        return True

    async def token(self) -> str:
        if self._token is not None and time.monotonic() < self._expires:
            return self._token
        pending = self._pending
        if pending is None:
            # A task of its own: a caller that is cancelled while waiting does not cancel the others' token.
            pending = self._pending = asyncio.get_running_loop().create_task(self._fetch())
            pending.add_done_callback(self._fetched)
        return await asyncio.shield(pending)

    def _fetched(self, task: asyncio.Task[str]) -> None:
        if self._pending is task:
            self._pending = None
        if not task.cancelled():
            task.exception()  # mark retrieved: the waiters (if any) re-raise it themselves

    async def _fetch(self) -> str:
        endpoint = self._endpoint or (await self._resolve_endpoint() if self._resolve_endpoint else "")
        form: dict[str, str] = {"grant_type": "client_credentials", **self._custom}
        if self._scopes:
            form["scope"] = " ".join(self._scopes)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
        if self._method == "CLIENT_SECRET_POST":
            form |= {"client_id": self._client_id, "client_secret": self._secret}
        else:
            pair = f"{quote(self._client_id, safe='')}:{quote(self._secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        self.fetches += 1
        try:
            response = await self._http.send(OutboundRequest("POST", endpoint, headers, urlencode(form).encode()))
        except UpstreamError as exc:
            raise AuthUnavailable("The upstream's authorization server could not be reached.", exc.detail) from None
        try:
            body = orjson.loads(response.body)
        except orjson.JSONDecodeError:
            body = {}
        token = body.get("access_token") if isinstance(body, dict) else None
        if response.status != 200 or not isinstance(token, str):
            error = body.get("error") if isinstance(body, dict) else None
            raise AuthUnavailable(
                "The upstream's authorization server refused the gateway's credentials.",
                f"HTTP {response.status} from {endpoint}: {error or 'no access_token'}",
            )
        lifetime = body.get("expires_in")
        seconds = float(lifetime) if isinstance(lifetime, int | float) and lifetime > 0 else 3600.0
        self._token = token
        self._expires = time.monotonic() + max(1.0, seconds - min(EARLY_REFRESH, seconds / 2))
        return token
