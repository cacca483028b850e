"""The issuer's HTTP endpoints: token (client credentials), JWKS and discovery documents.

Errors follow RFC 6749 section 5.2: ``invalid_client`` is 401 with ``WWW-Authenticate: Basic``;
``invalid_request``, ``invalid_grant``, ``invalid_scope``, ``unsupported_grant_type`` and (RFC 8707)
``invalid_target`` are 400. Token responses are never cached.
"""

from __future__ import annotations

import base64
import binascii
import logging
import time
import uuid
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import orjson
from joserfc import jwt

from gatewright.auth.admin import ADMIN_AUDIENCE, ADMIN_SCOPE
from gatewright.auth.issuer.clients import Client, Clients
from gatewright.auth.issuer.keys import ALGORITHM, IssuerKeys, IssuerKeySource
from gatewright.secrets import SecretError
from gatewright.web.asgi import BodyTooLarge, HttpError, Receive, Scope, Send, headers_of, read_body, send

TOKEN_PATH = "/oauth2/token"  # noqa: S105 - a URL path, not a secret
JWKS_PATH = "/oauth2/jwks"
# Discovery documents must name an authorization endpoint (RFC 8414, OpenID Discovery; MCP clients insist).
# There is no user-facing flow: it answers every request with ``unsupported_response_type``.
AUTHORIZE_PATH = "/oauth2/authorize"
OIDC_PATH = "/.well-known/openid-configuration"
OAUTH_PATH = "/.well-known/oauth-authorization-server"
PATHS = frozenset({TOKEN_PATH, JWKS_PATH, AUTHORIZE_PATH, OIDC_PATH, OAUTH_PATH})
log = logging.getLogger("gatewright.issuer")
_NO_STORE = [(b"content-type", b"application/json"), (b"cache-control", b"no-store"), (b"pragma", b"no-cache")]


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def _basic(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthError("invalid_client", "malformed Basic credentials", 401) from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise OAuthError("invalid_client", "malformed Basic credentials", 401)
    return unquote(client_id), unquote(secret)


class IssuerServer:
    def __init__(self, issuer_url: str, keys: IssuerKeys, clients: Clients, token_seconds: int) -> None:
        self.issuer = issuer_url.rstrip("/")
        self._keys = keys
        self._clients = clients
        self._token_seconds = token_seconds

    @property
    def discovery_url(self) -> str:
        return self.issuer + OIDC_PATH

    @property
    def token_endpoint(self) -> str:
        return self.issuer + TOKEN_PATH

    def key_sources(self) -> dict[str, IssuerKeySource]:
        """This issuer's keys by the discovery URLs a gateway may be configured with."""
        source = IssuerKeySource(self.issuer, self._keys)
        return {self.issuer + OIDC_PATH: source, self.issuer + OAUTH_PATH: source}

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + AUTHORIZE_PATH,
            "token_endpoint": self.token_endpoint,
            "jwks_uri": self.issuer + JWKS_PATH,
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "response_types_supported": ["token"],
            "id_token_signing_alg_values_supported": [ALGORITHM],
            "subject_types_supported": ["public"],
        }

    async def __call__(self, scope: Scope, receive: Receive, send_: Send) -> None:
        path = scope["path"]
        if path in (OIDC_PATH, OAUTH_PATH):
            await send(send_, 200, orjson.dumps(self.metadata()), [(b"content-type", b"application/json")])
        elif path == JWKS_PATH:
            body = orjson.dumps(await self._keys.public_jwks())
            await send(send_, 200, body, [(b"content-type", b"application/json"), (b"cache-control", b"max-age=300")])
        elif path == TOKEN_PATH:
            await self._token_endpoint(scope, receive, send_)
        elif path == AUTHORIZE_PATH:
            refusal = {
                "error": "unsupported_response_type",
                "error_description": "this authorization server issues tokens by the client_credentials grant only",
            }
            await send(send_, 400, orjson.dumps(refusal), list(_NO_STORE))
        else:
            await send(send_, 404, b'{"error":"not_found"}', [(b"content-type", b"application/json")])

    async def _token_endpoint(self, scope: Scope, receive: Receive, send_: Send) -> None:
        if scope["method"] != "POST":
            raise HttpError(405, b"", [(b"allow", b"POST")])
        try:
            body = await read_body(receive, 64 * 1024)
            status, payload = 200, await self._token(headers_of(scope), body)
            headers = list(_NO_STORE)
        except BodyTooLarge:
            status, payload, headers = 413, {"error": "invalid_request"}, list(_NO_STORE)
        except SecretError:
            log.error("cannot sign tokens: the signing key cannot be decrypted with the configured master keys")
            status, payload, headers = 500, {"error": "server_error"}, list(_NO_STORE)
        except OAuthError as exc:
            status, payload = exc.status, {"error": exc.error, "error_description": exc.description}
            headers = list(_NO_STORE)
            if exc.status == 401:
                headers.append((b"www-authenticate", b'Basic realm="gatewright", error="invalid_client"'))
        await send(send_, status, orjson.dumps(payload), headers)

    async def _token(self, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        ctype = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            raise OAuthError("invalid_request", "the body must be application/x-www-form-urlencoded")
        form: dict[str, str] = {}
        resources: list[str] = []
        for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
            if key == "resource":  # RFC 8707: the one parameter that may repeat
                resources.append(value)
            elif key in form:
                raise OAuthError("invalid_request", f"parameter {key} is repeated")
            else:
                form[key] = value
        client = await self._client(headers, form)
        grant = form.get("grant_type")
        if not grant:
            raise OAuthError("invalid_request", "grant_type is required")
        if grant != "client_credentials":
            raise OAuthError("unsupported_grant_type", f"grant_type {grant} is not supported")
        scopes = self._scopes(client, form.get("scope"))
        audience = [self._resource(r) for r in dict.fromkeys(resources)]
        return await self._issue(client, scopes, audience)

    async def _client(self, headers: dict[str, str], form: dict[str, str]) -> Client:
        basic = _basic(headers["authorization"]) if "authorization" in headers else None
        posted = form.get("client_id"), form.get("client_secret")
        if basic is not None and posted[1] is not None:
            raise OAuthError("invalid_request", "use one client authentication method, not two")
        client_id, secret = basic if basic is not None else posted
        if not client_id or secret is None:
            raise OAuthError("invalid_client", "client authentication is required", 401)
        client = await self._clients.authenticate(client_id, secret)
        if client is None:
            raise OAuthError("invalid_client", "client authentication failed", 401)
        return client

    def _scopes(self, client: Client, requested: str | None) -> list[str]:
        if requested is None or not requested.strip():
            return client.scopes
        wanted = list(dict.fromkeys(requested.split()))
        unknown = [s for s in wanted if s not in client.scopes]
        if unknown:
            raise OAuthError("invalid_scope", f"scope {' '.join(unknown)} is not allowed for this client")
        return wanted

    @staticmethod
    def _resource(resource: str) -> str:
        parts = urlsplit(resource)
        if not parts.scheme or not parts.netloc or parts.fragment:
            raise OAuthError("invalid_target", "resource must be an absolute URI without a fragment")
        return resource

    async def _issue(self, client: Client, scopes: list[str], audience: list[str]) -> dict[str, Any]:
        if ADMIN_SCOPE in scopes and ADMIN_AUDIENCE not in audience:
            # Marks the token as the control plane's: gateways refuse it (auth/inbound/jwt.py).
            audience = [*audience, ADMIN_AUDIENCE]
        key = await self._keys.current()
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": client.client_id,
            "client_id": client.client_id,
            "token_use": "access",
            "scope": " ".join(scopes),
            "iat": now,
            "nbf": now,
            "exp": now + self._token_seconds,
            "jti": str(uuid.uuid4()),
        }
        if audience:
            claims["aud"] = audience[0] if len(audience) == 1 else audience
        token = jwt.encode({"alg": ALGORITHM, "kid": key.kid, "typ": "at+jwt"}, claims, key.key)
        response: dict[str, Any] = {"access_token": token, "token_type": "Bearer", "expires_in": self._token_seconds}
        if scopes:
            response["scope"] = " ".join(scopes)
        return response
