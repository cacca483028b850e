"""Sending one HTTP call for an HTTP-based target kind: outbound credentials, forwarded metadata, retries.

* The target's outbound auth (``credentialProviderConfigurations``) comes from the runtime's credential
  resolver; after a 401 the credentials are refreshed and the call retried once.
* Headers and query parameters the gateway allows through (``metadataConfiguration``) are already filtered
  into the call context by the runtime; they are added here.
* Every failure becomes a :class:`TargetError` (upstream details only for DEBUG gateways).
"""

from __future__ import annotations

from urllib.parse import quote

from gatewright.auth.outbound.base import AuthUnavailable, send
from gatewright.targets.base import CallContext, TargetConfig, TargetEnv, TargetError
from gatewright.upstream.http import OutboundRequest, UpstreamError, UpstreamResponse


async def call_http(
    env: TargetEnv,
    target: TargetConfig,
    request: OutboundRequest,
    ctx: CallContext,
    *,
    default_service: str | None = None,
) -> UpstreamResponse:
    for name, value in ctx.headers.items():
        request.headers.setdefault(name, value)
    if ctx.query:
        pairs = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in ctx.query.items())
        request.url += ("&" if "?" in request.url else "?") + pairs
    try:
        auth = None
        if target.credential_providers and env.credentials is not None:
            auth = await env.credentials.auth_for(
                target.target_id, target.credential_providers, default_service=default_service
            )
        return await send(env.http, request, auth, ctx.caller_token)
    except AuthUnavailable as exc:
        raise TargetError(exc.message, detail=exc.detail) from None
    except UpstreamError as exc:
        raise TargetError(exc.message, detail=exc.detail) from None
