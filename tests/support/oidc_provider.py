"""An independent OpenID provider on 127.0.0.1: the npm package ``oidc-provider``, driven from Python.

``start_oidc_provider(clients)`` runs ``tests/support/oidc/provider.mjs`` on Node 22 (both installed by
``scripts/setup-node``) and returns an :class:`OidcProvider`: issuer, discovery URL, token endpoint, a
client-credentials ``token()`` call, and ``rotate_key()``. Access tokens are RS256 (or ES256) JWTs with a ``kid``
and ``iss``, ``sub``, ``client_id``, ``scope``, ``aud``, ``exp``, ``iat``, ``jti``; ``aud`` is the requested
``resource`` (RFC 8707) or ``default_resource``.

A client is a dict: ``client_id``; ``client_secret`` (generated when absent; read it back with ``secret()``);
``scope`` ("a b/c") or ``scopes`` (list): the scopes it may ask for; ``ttl``: token lifetime in seconds. Every client
authenticates at the token endpoint by HTTP Basic or by form fields (oidc-provider accepts either for a
client_secret_basic client); ``token(auth=...)`` picks one.
A requested scope that another client owns is ``invalid_scope``; a scope no client owns is dropped silently
(oidc-provider's behaviour). With no ``scope`` in the request the token has no ``scope`` claim.

For pytest, ``oidc_provider_session()`` and ``oidc_provider_factory_session()`` are plain generator functions to
wrap in session fixtures (``yield from``).
"""

from __future__ import annotations

import json
import secrets
import selectors
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import requests
from joserfc.jwk import KeySetSerialization

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = ROOT / ".tools/node22/node_modules"
MODULES = ROOT / ".tools/oidc"
SCRIPT = Path(__file__).resolve().parent / "oidc" / "provider.mjs"
DEFAULT_RESOURCE = "urn:gatewright:test-api"
START_TIMEOUT = 15.0
HTTP_TIMEOUT = 10.0

Auth = Literal["basic", "post"]

DEFAULT_CLIENTS: list[dict[str, Any]] = [
    {"client_id": "agent", "scopes": ["gateway/read", "gateway/write"]},
    {"client_id": "reader", "scopes": ["gateway/read"]},
    {"client_id": "upstream-caller", "scopes": ["upstream/invoke"]},
]


class OidcTokenError(RuntimeError):
    """The token endpoint refused a request; ``status`` and ``body`` (the RFC 6749 error) say why."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"token endpoint answered {status}: {body.get('error')}: {body.get('error_description')}")
        self.status = status
        self.body = body


@dataclass
class OidcProvider:
    issuer: str
    default_resource: str
    clients: dict[str, dict[str, Any]]
    process: subprocess.Popen[bytes]
    log_path: Path
    _admin_token: str = field(repr=False)
    _own_log_dir: bool = False

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def token_endpoint(self) -> str:
        return f"{self.issuer}/token"

    @property
    def jwks_uri(self) -> str:
        return f"{self.issuer}/jwks"

    def secret(self, client_id: str) -> str:
        value: str = self.clients[client_id]["client_secret"]
        return value

    def discovery(self) -> dict[str, Any]:
        meta: dict[str, Any] = _get_json(self.discovery_url)
        return meta

    def jwks(self) -> KeySetSerialization:
        keys: KeySetSerialization = _get_json(self.jwks_uri)
        return keys

    def token_request(
        self,
        client_id: str,
        secret: str | None = None,
        scope: str | None = None,
        resource: str | None = None,
        auth: Auth = "basic",
    ) -> requests.Response:
        """POST a client-credentials grant and return the raw response (for tests of refusals).

        ``secret`` defaults to the client's configured secret; ``auth`` is HTTP Basic or form fields.
        """
        if secret is None:
            secret = self.secret(client_id)
        form = {"grant_type": "client_credentials"}
        if scope is not None:
            form["scope"] = scope
        if resource is not None:
            form["resource"] = resource
        if auth == "post":
            form |= {"client_id": client_id, "client_secret": secret}
            return requests.post(self.token_endpoint, data=form, timeout=HTTP_TIMEOUT)
        return requests.post(self.token_endpoint, data=form, auth=(client_id, secret), timeout=HTTP_TIMEOUT)

    def token(
        self,
        client_id: str,
        secret: str | None = None,
        scope: str | None = None,
        resource: str | None = None,
        auth: Auth = "basic",
    ) -> dict[str, Any]:
        """The token response (``access_token``, ``expires_in``, ``token_type``, ``scope``); raises OidcTokenError."""
        response = self.token_request(client_id, secret, scope, resource, auth)
        body: dict[str, Any] = response.json()
        if response.status_code != 200:
            raise OidcTokenError(response.status_code, body)
        return body

    def access_token(self, client_id: str, scope: str | None = None, resource: str | None = None) -> str:
        value: str = self.token(client_id, scope=scope, resource=resource)["access_token"]
        return value

    def rotate_key(self, retire: bool = False) -> dict[str, str]:
        """Sign new tokens with a new key; old keys stay in the JWKS unless ``retire``. Returns the new kid per alg."""
        response = requests.post(
            f"{self.issuer}/__admin/rotate",
            params={"retire": "1"} if retire else None,
            headers={"Authorization": f"Bearer {self._admin_token}"},
            timeout=HTTP_TIMEOUT,
        )
        response.raise_for_status()
        kids: dict[str, str] = response.json()["kids"]
        return kids

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        """Close stdin (the provider exits at end of input); kill it if it lingers. Removes its temporary log."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        if self._own_log_dir:
            shutil.rmtree(self.log_path.parent, ignore_errors=True)


def start_oidc_provider(
    clients: list[dict[str, Any]] | None = None,
    *,
    port: int = 0,
    default_resource: str = DEFAULT_RESOURCE,
    access_token_ttl: int = 300,
    alg: Literal["RS256", "ES256"] = "RS256",
    log_dir: Path | None = None,
) -> OidcProvider:
    """Start oidc-provider on 127.0.0.1 (``port`` 0 picks a free one) and wait until it listens.

    Its stderr goes to ``provider.log`` in a new folder under ``log_dir`` (kept), or under the system temporary
    folder (removed by ``stop()``).
    """
    node = next(NODE_DIR.glob("node-linux-*/bin/node"), None)  # x64 or arm64, as scripts/setup-node installed
    if node is None or not (MODULES / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError("Node 22 or oidc-provider is missing: run scripts/setup-node")
    normalised = {c["client_id"]: _normalise(c) for c in (clients if clients is not None else DEFAULT_CLIENTS)}
    admin_token = secrets.token_urlsafe(24)
    config = {
        "port": port,
        "clients": [
            {
                "client_id": c["client_id"],
                "client_secret": c["client_secret"],
                "scope": c["scope"],
                "ttl": c.get("ttl"),
            }
            for c in normalised.values()
        ],
        "default_resource": default_resource,
        "access_token_ttl": access_token_ttl,
        "alg": alg,
        "admin_token": admin_token,
    }
    log_path = Path(tempfile.mkdtemp(prefix="oidc-provider-", dir=log_dir)) / "provider.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(node), str(SCRIPT), str(MODULES)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
        )
    assert process.stdin is not None
    process.stdin.write(json.dumps(config).encode() + b"\n")
    process.stdin.flush()
    try:
        ready = _read_ready_line(process, log_path)
    except BaseException:
        process.kill()
        process.wait(5)
        raise
    return OidcProvider(
        ready["issuer"], default_resource, normalised, process, log_path, admin_token, _own_log_dir=log_dir is None
    )


def _normalise(client: dict[str, Any]) -> dict[str, Any]:
    scopes = client.get("scopes")
    scope = " ".join(scopes) if scopes is not None else client.get("scope", "")
    secret = client.get("client_secret") or secrets.token_urlsafe(32)
    return {**client, "client_secret": secret, "scope": scope}


def _read_ready_line(process: subprocess.Popen[bytes], log_path: Path) -> dict[str, Any]:
    assert process.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while (remaining := deadline - time.monotonic()) > 0:
            if selector.select(remaining):
                line = process.stdout.readline()
                if line:
                    ready: dict[str, Any] = json.loads(line)
                    return ready
                break  # end of output: the provider exited
    status = process.poll()
    what = f"exited with {status}" if status is not None else f"did not listen within {START_TIMEOUT}s"
    raise RuntimeError(f"oidc-provider {what}:\n{log_path.read_text(errors='replace')}")


def _get_json(url: str) -> Any:
    response = requests.get(url, timeout=HTTP_TIMEOUT)
    response.raise_for_status()
    return response.json()


class OidcProviderFactory:
    """Starts providers with their own clients and options; ``close()`` stops every one of them."""

    def __init__(self) -> None:
        self._started: list[OidcProvider] = []

    def __call__(self, clients: list[dict[str, Any]] | None = None, **options: Any) -> OidcProvider:
        provider = start_oidc_provider(clients, **options)
        self._started.append(provider)
        return provider

    def close(self) -> None:
        while self._started:
            self._started.pop().stop()


def oidc_provider_session(clients: list[dict[str, Any]] | None = None) -> Iterator[OidcProvider]:
    """Body of a session fixture: one provider with ``clients`` (DEFAULT_CLIENTS when None)."""
    provider = start_oidc_provider(clients)
    try:
        yield provider
    finally:
        provider.stop()


def oidc_provider_factory_session() -> Iterator[OidcProviderFactory]:
    """Body of a session fixture that hands out providers started on demand and stops them all at the end."""
    factory = OidcProviderFactory()
    try:
        yield factory
    finally:
        factory.close()
