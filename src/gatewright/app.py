"""The composition root: the only module that wires every layer together.

One process, one port: the control plane, every gateway's MCP endpoint, the built-in OAuth issuer, the
OAuth protected-resource metadata, the web console and the health checks.
"""

from __future__ import annotations

import logging
import re

import orjson

from gatewright.admin import ensure_admin_credentials
from gatewright.auth.inbound.authorizers import PRM_PATH, Authorizers
from gatewright.auth.inbound.iam import IamKeys
from gatewright.auth.issuer.clients import Clients
from gatewright.auth.issuer.keys import IssuerKeys
from gatewright.auth.issuer.server import PATHS as ISSUER_PATHS
from gatewright.auth.issuer.server import IssuerServer
from gatewright.auth.outbound.resolver import CredentialResolver
from gatewright.console.assets import Console, is_console_path
from gatewright.console.operations import console_extensions
from gatewright.control import identities, tags
from gatewright.control.access import AdminClients, ControlAccess
from gatewright.control.app import ControlPlane
from gatewright.control.common import ControlContext
from gatewright.control.gateway_options import gateway_option_extensions
from gatewright.control.iam_keys import iam_key_extensions
from gatewright.control.ids import MCP_PATH_PREFIX, Naming
from gatewright.control.jobs import Jobs
from gatewright.control.oauth import oauth_extensions
from gatewright.mcp.transport import McpTransport
from gatewright.resources import GATEWAY
from gatewright.runtime.registry import Registry
from gatewright.secrets import SecretBox
from gatewright.settings import Settings
from gatewright.store import Store, open_store
from gatewright.targets.apigateway import ApiGatewayKind
from gatewright.targets.aws_lambda import LambdaKind
from gatewright.targets.base import TargetEnv
from gatewright.targets.mcp_server import McpServerKind
from gatewright.targets.openapi import OpenApiKind
from gatewright.targets.registry import TargetKinds
from gatewright.targets.smithy import SmithyKind
from gatewright.upstream.http import HttpClient
from gatewright.web.asgi import JSON_TYPE, HttpError, Receive, Scope, Send, send, send_text
from gatewright.web.hosts import HostPolicy

log = logging.getLogger("gatewright")
_MCP_PATH = re.compile(r"^" + re.escape(MCP_PATH_PREFIX) + r"([^/]+)/mcp/?$")
_GATEWAY_PRM = re.compile(
    r"^(?:"
    + re.escape(PRM_PATH + MCP_PATH_PREFIX)
    + r"([^/]+)/mcp|"
    + re.escape(MCP_PATH_PREFIX)
    + r"([^/]+)"
    + re.escape(PRM_PATH)
    + r")/?$"
)


def target_kinds() -> TargetKinds:
    return TargetKinds([OpenApiKind(), ApiGatewayKind(), LambdaKind(), SmithyKind(), McpServerKind()])


class GatewrightApp:
    """The ASGI application (with lifespan) for one gatewright process."""

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings = ensure_admin_credentials(settings)
        self.store = store if store is not None else open_store(settings)
        self.secrets = SecretBox(settings)
        self.http = HttpClient(
            timeout=settings.upstream_timeout_seconds,
            connect_timeout=settings.upstream_connect_timeout_seconds,
            max_connections=settings.upstream_max_connections,
            max_response_bytes=settings.upstream_max_response_bytes,
        )
        self.kinds = target_kinds()
        self.credentials = CredentialResolver(self.store, self.secrets, self.http, settings)
        self.env = TargetEnv(settings=settings, http=self.http, credentials=self.credentials)
        self.iam_keys = IamKeys(self.store, self.secrets, settings)
        issuer_keys = IssuerKeys(self.store, self.secrets, settings.issuer_token_seconds)
        # The admin key pair is also a client of the issuer (control/access.py): the console's login.
        self.issuer = IssuerServer(
            settings.base_url, issuer_keys, AdminClients(self.store, settings), settings.issuer_token_seconds
        )
        self.authorizers = Authorizers(
            self.http,
            self.iam_keys,
            base_url=settings.base_url,
            leeway=settings.jwt_leeway_seconds,
            jwks_min_refresh=settings.jwks_min_refresh_seconds,
            local=self.issuer.key_sources(),
        )
        self.registry = Registry(settings, self.store, self.kinds, self.env, self.authorizers)
        self.jobs = Jobs(
            self.store,
            self.kinds,
            self.env,
            on_change=self.registry.refresh,
            check_gateway=self.authorizers.check_discovery,
        )
        self.naming = Naming(settings.region, settings.account_id, settings.base_url)
        context = ControlContext(
            settings,
            self.store,
            self.naming,
            self.jobs,
            self.kinds,
            on_change=self.registry.refresh,
            secrets=self.secrets,
        )
        extensions = [
            *oauth_extensions(self.issuer, Clients(self.store), issuer_keys),
            *iam_key_extensions(self.iam_keys),
            *gateway_option_extensions(),
            *console_extensions(self.env),
        ]
        hosts = HostPolicy.from_settings(settings)
        access = ControlAccess(settings, hosts, self.issuer.key_sources()[self.issuer.discovery_url])
        self.control = ControlPlane(
            context, extra_handlers=identities.HANDLERS | tags.HANDLERS, extensions=extensions, access=access
        )
        if hosts.hosts is None:
            log.warning(
                "listening on all interfaces without GATEWRIGHT_PUBLIC_URL or GATEWRIGHT_ALLOWED_HOSTS: "
                "any Host header is accepted"
            )
        self.mcp = McpTransport(self.registry.get, hosts, settings.max_body_bytes)
        self.console = Console()
        self.started = False

    async def startup(self) -> None:
        await self.store.open()
        await self.registry.start()
        await self.jobs.resume()
        self.started = True
        log.info("gatewright ready on %s", self.settings.base_url)

    async def shutdown(self) -> None:
        await self.jobs.aclose()
        await self.registry.aclose()
        await self.http.aclose()
        await self.store.close()

    async def __call__(self, scope: Scope, receive: Receive, send_: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            try:
                await self._http(scope, receive, send_)
            except HttpError as err:
                await send(send_, err.status, err.body, err.headers)
        elif kind == "lifespan":
            await self._lifespan(receive, send_)

    async def _http(self, scope: Scope, receive: Receive, send_: Send) -> None:
        path: str = scope["path"]
        found = _MCP_PATH.match(path) if path.startswith(MCP_PATH_PREFIX) else None
        if found is not None:
            await self.mcp(scope, receive, send_, found[1])
        elif path in ISSUER_PATHS:
            await self.issuer(scope, receive, send_)
        elif path.startswith(PRM_PATH) or (path.startswith(MCP_PATH_PREFIX) and path.endswith(PRM_PATH)):
            await self._protected_resource(path, send_)
        elif is_console_path(path):
            await self.console(scope, receive, send_)
        elif path == "/healthz":
            await send_text(send_, 200, "ok")
        elif path == "/readyz":
            await self._ready(send_)
        else:
            await self.control(scope, receive, send_)

    async def _protected_resource(self, path: str, send_: Send) -> None:
        """OAuth protected-resource metadata (RFC 9728) of a CUSTOM_JWT gateway, or of the whole server."""
        found = _GATEWAY_PRM.match(path)
        if found is None:
            if path.rstrip("/") != PRM_PATH:
                raise HttpError.json(404, {"message": "not found"})
            body = {
                "resource": self.settings.base_url,
                "authorization_servers": [self.issuer.issuer],
                "bearer_methods_supported": ["header"],
            }
        else:
            gateway_id = found[1] or found[2]
            record = await self.store.get(GATEWAY, gateway_id)
            metadata = (
                await self.authorizers.protected_resource(self.naming.gateway_url(gateway_id), record.doc)
                if record is not None
                else None
            )
            if metadata is None:
                raise HttpError.json(404, {"message": f"gateway {gateway_id} has no OAuth protected-resource metadata"})
            body = metadata
        await send(send_, 200, orjson.dumps(body), [JSON_TYPE, (b"cache-control", b"public, max-age=3600")])

    async def _ready(self, send_: Send) -> None:
        if not (self.started and self.registry.ready):
            await send_text(send_, 503, "starting")
            return
        try:
            await self.store.ping()
        except Exception as exc:  # noqa: BLE001 - any store failure means not ready
            await send_text(send_, 503, f"store unavailable: {type(exc).__name__}")
            return
        await send(send_, 200, b"ready", [(b"content-type", b"text/plain")])

    async def _lifespan(self, receive: Receive, send_: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except Exception as exc:
                    log.exception("start-up failed")
                    await send_({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send_({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send_({"type": "lifespan.shutdown.complete"})
                return
