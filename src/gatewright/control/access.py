"""Who may call the control plane, besides a SigV4 signature made with the admin key pair.

* ``Authorization: Bearer <JWT>``: an access token of the built-in issuer that carries the scope
  ``gatewright/admin``, checked by the CUSTOM_JWT verifier (``auth/inbound/jwt.py``: algorithm allow-list,
  signature with the issuer's own keys, ``exp``/``nbf``/``iat``, ``iss``) with one rule: the admin scope.
  Any other token, or a token without the scope, is refused with 403 AccessDeniedException.
* The admin key pair is also an OAuth client of the built-in issuer (:class:`AdminClients`): its access key
  id is the client id, its secret access key the client secret, and its tokens carry the admin scope. This is
  how the web console logs in with the admin credentials (docs/console.md).
* Requests that carry an ``Origin`` header (browsers) must come from the server's own origin: the host the
  request was sent to (when the Host policy accepts it) or the public URL. Credentials never travel as cookies,
  so a cross-site request carries none; refusing foreign origins on top makes cross-site requests fail early.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from urllib.parse import urlsplit

import orjson

from gatewright.auth.admin import ADMIN_SCOPE
from gatewright.auth.inbound.jwt import JwtAuthorizer
from gatewright.auth.inbound.oidc import KeySource
from gatewright.auth.issuer.clients import Client, Clients
from gatewright.errors import AccessDeniedError
from gatewright.settings import Settings
from gatewright.store import Store
from gatewright.web.asgi import HttpError, Scope
from gatewright.web.hosts import HostPolicy

_STARTED = datetime.now(UTC)


class AdminClients(Clients):
    """The issuer's clients plus the admin key pair, as a client whose only scope is ``gatewright/admin``."""

    def __init__(self, store: Store, settings: Settings) -> None:
        super().__init__(store)
        self._admin_id = settings.admin_access_key_id
        self._admin_secret = settings.admin_secret_access_key.get() if settings.admin_secret_access_key else ""

    async def authenticate(self, client_id: str, secret: str) -> Client | None:
        if self._admin_id and self._admin_secret and hmac.compare_digest(client_id.encode(), self._admin_id.encode()):
            if hmac.compare_digest(secret.encode(), self._admin_secret.encode()):
                return Client(self._admin_id, "admin", [ADMIN_SCOPE], _STARTED)
            return None
        return await super().authenticate(client_id, secret)


def _netloc(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc.lower() if parts.scheme in ("http", "https") else ""


class ControlAccess:
    """The control plane's bearer-token and Origin checks (SigV4 stays in control/app.py)."""

    def __init__(self, settings: Settings, hosts: HostPolicy, keys: KeySource) -> None:
        self._hosts = hosts
        self._public = _netloc(settings.base_url)
        self._jwt = JwtAuthorizer(
            {"allowedScopes": [ADMIN_SCOPE]},
            keys,
            resource_metadata=settings.base_url.rstrip("/") + "/.well-known/oauth-protected-resource",
            leeway=settings.jwt_leeway_seconds,
            control_plane=True,
        )

    def check_origin(self, headers: dict[str, str]) -> None:
        """Refuse a browser request sent from another origin (AccessDeniedError)."""
        origin = headers.get("origin")
        if origin is None:
            return
        host = headers.get("host", "").lower()
        found = _netloc(origin)
        if found and (found == self._public or (found == host and self._hosts.host_ok(host))):
            return
        raise AccessDeniedError(f"Requests from origin {origin[:200]} are not accepted by the control plane")

    async def bearer(self, scope: Scope, headers: dict[str, str]) -> bool:
        """True when the request carries a valid admin bearer token; False when it carries no bearer token.

        A bearer token that fails any check is an AccessDeniedError naming the reason.
        """
        header = headers.get("authorization", "")
        if header[:7].lower() != "bearer ":
            return False
        try:
            await self._jwt.authenticate(scope, headers, b"")
        except HttpError as refused:
            raise AccessDeniedError(f"The bearer token was refused: {_description(refused)}") from None
        return True


def _description(error: HttpError) -> str:
    try:
        body = orjson.loads(error.body)
    except orjson.JSONDecodeError:
        return "it is not valid"
    text = body.get("error_description") if isinstance(body, dict) else None
    if isinstance(text, str) and text == "the token has none of the required scopes":
        return f"it does not carry the {ADMIN_SCOPE} scope"
    return str(text or "it is not valid")
