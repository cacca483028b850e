"""The control plane as an ASGI app: SigV4 authentication (or an admin bearer token, control/access.py),
routing by the service model, AWS errors."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson

from gatewright.auth.sigv4 import SignatureError, verify
from gatewright.control import gateways, targets
from gatewright.control.access import ControlAccess
from gatewright.control.common import ControlContext
from gatewright.control.extensions import Extension, extension_params, match_extension
from gatewright.control.reports import report_extensions
from gatewright.control.wire import build_routes, match, parse_request, render_error, render_output
from gatewright.errors import AccessDeniedError, GatewrightError, InternalError, ValidationError
from gatewright.web.asgi import BodyTooLarge, ClientGone, Receive, Scope, Send, headers_of, read_body, send

log = logging.getLogger("gatewright.control")
JSON = dict[str, Any]
Handler = Callable[[ControlContext, JSON], Awaitable[JSON]]
SIGNING_NAME = "bedrock-agentcore"
MAX_CONTROL_BODY = 12 * 1024 * 1024

HANDLERS: dict[str, Handler] = {
    "CreateGateway": gateways.create_gateway,
    "GetGateway": gateways.get_gateway,
    "ListGateways": gateways.list_gateways,
    "UpdateGateway": gateways.update_gateway,
    "DeleteGateway": gateways.delete_gateway,
    "CreateGatewayTarget": targets.create_target,
    "GetGatewayTarget": targets.get_target,
    "ListGatewayTargets": targets.list_targets,
    "UpdateGatewayTarget": targets.update_target,
    "DeleteGatewayTarget": targets.delete_target,
    "SynchronizeGatewayTargets": targets.synchronize_targets,
}


class ControlPlane:
    """ASGI app for every AgentCore control-plane operation this gateway implements."""

    def __init__(
        self,
        ctx: ControlContext,
        extra_handlers: Mapping[str, Handler] | None = None,
        extensions: list[Extension] | None = None,
        access: ControlAccess | None = None,
    ) -> None:
        self._ctx = ctx
        self._access = access
        self._handlers = dict(HANDLERS)
        if extra_handlers:
            self._handlers.update(extra_handlers)
        self._routes = build_routes(list(self._handlers))
        # gatewright's own import-report route (control/reports.py) is always served, beside the caller's.
        self._extensions = [*report_extensions(), *(extensions or [])]

    def _lookup_secret(self, access_key_id: str) -> str | None:
        settings = self._ctx.settings
        if access_key_id == settings.admin_access_key_id and settings.admin_secret_access_key:
            return settings.admin_secret_access_key.get()
        return None

    async def __call__(self, scope: Scope, receive: Receive, send_: Send) -> None:
        request_id = str(uuid.uuid4())
        try:
            status, body = await self._handle(scope, receive)
            headers = [(b"content-type", b"application/json"), (b"x-amzn-requestid", request_id.encode())]
            await send(send_, status, body, headers)
        except ClientGone:
            return
        except GatewrightError as error:
            status, headers, body = render_error(error)
            headers.append((b"x-amzn-requestid", request_id.encode()))
            await send(send_, status, body, headers)

    async def _handle(self, scope: Scope, receive: Receive) -> tuple[int, bytes]:
        try:
            body = await read_body(receive, MAX_CONTROL_BODY)
        except BodyTooLarge:
            raise ValidationError("The request body is too large", reason="CannotParse") from None
        headers = headers_of(scope)
        raw_path = scope.get("raw_path") or scope["path"].encode()
        raw_path_text = raw_path.decode("latin-1").split("?", 1)[0]
        query = scope.get("query_string", b"").decode("latin-1")
        if self._access is not None:
            self._access.check_origin(headers)
        if self._access is None or not await self._access.bearer(scope, headers):
            self._verify_signature(scope, raw_path_text, query, headers, body)
        # Routes match the raw (still percent-encoded) path, so that a label may hold an encoded "/" (an ARN);
        # each label is decoded once by the matcher.
        extension = match_extension(self._extensions, scope["method"], raw_path_text)
        if extension is not None:
            ext, labels = extension
            result = await self._run(ext.name, ext.handler, extension_params(labels, query, body), ext.method)
            return ext.status, orjson.dumps(result)
        found = match(self._routes, scope["method"], raw_path_text)
        if found is None:
            raise ValidationError(f"Unknown operation {scope['method']} {scope['path']}", reason="CannotParse")
        op, labels = found
        params = parse_request(op, labels, query, headers, body)
        result = await self._run(op.name, self._handlers[op.name], params, op.http["method"])
        return render_output(op, result)

    def _verify_signature(self, scope: Scope, raw_path: str, query: str, headers: dict[str, str], body: bytes) -> None:
        try:
            verify(
                method=scope["method"],
                raw_path=raw_path,
                raw_query=query,
                headers=headers,
                body=body,
                service=SIGNING_NAME,
                lookup_secret=self._lookup_secret,
            )
        except SignatureError as exc:
            raise AccessDeniedError(str(exc)) from None

    async def _run(self, name: str, handler: Handler, params: JSON, method: str) -> JSON:
        try:
            result = await handler(self._ctx, params)
        except GatewrightError:
            raise
        except Exception:
            log.exception("%s failed", name)
            raise InternalError("The request failed because of an internal error; see the server log") from None
        if method != "GET":
            await self._ctx.on_change()
        return result
