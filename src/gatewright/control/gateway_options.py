"""gatewright extension operations: a gateway's options that the AgentCore model has no field for.

PUT /gatewright/gateways/{gatewayIdentifier}/options   set options (the body names the ones to change)
GET /gatewright/gateways/{gatewayIdentifier}/options   read them (every option, with its current value)

Options live in the gateway record beside the AgentCore fields (``gatewrightOptions``): UpdateGateway, a
full replacement of the AWS fields, keeps them, and GetGateway does not show them.

* ``unprefixedNames`` (default false): when the gateway has exactly one target, its tools and prompts are
  served under their own names instead of ``<target>___<name>`` (a transparent proxy of one MCP server,
  or of one API). With two targets or more, names are prefixed as AgentCore does.
"""

from __future__ import annotations

from typing import Any

from gatewright.control.common import ControlContext, get_or_404, save
from gatewright.control.extensions import Extension
from gatewright.errors import ConflictError, ValidationError
from gatewright.resources import GATEWAY

JSON = dict[str, Any]
ROUTE = "/gatewright/gateways/{gatewayIdentifier}/options"
DEFAULTS: JSON = {"unprefixedNames": False}
_LABELS = ("gatewayIdentifier",)


def _view(gateway_id: str, doc: JSON) -> JSON:
    return {"gatewayId": gateway_id, **DEFAULTS, **(doc.get("gatewrightOptions") or {})}


async def get_options(ctx: ControlContext, params: JSON) -> JSON:
    record = await get_or_404(ctx.store, GATEWAY, params["gatewayIdentifier"], "Gateway")
    return _view(record.id, record.doc)


async def put_options(ctx: ControlContext, params: JSON) -> JSON:
    record = await get_or_404(ctx.store, GATEWAY, params["gatewayIdentifier"], "Gateway")
    if record.doc["status"] == "DELETING":
        raise ConflictError(f"Gateway {record.id} is being deleted")
    changes = {k: v for k, v in params.items() if k not in _LABELS}
    for key, value in changes.items():
        if key not in DEFAULTS:
            raise ValidationError.for_field(key, f"unknown option {key} (known: {', '.join(DEFAULTS)})")
        if not isinstance(value, bool):
            raise ValidationError.for_field(key, f"{key} must be true or false")
    options = {**(record.doc.get("gatewrightOptions") or {}), **changes}
    updated = await save(ctx.store, record, record.doc | {"gatewrightOptions": options})
    await ctx.on_change()
    return _view(updated.id, updated.doc)


def gateway_option_extensions() -> list[Extension]:
    return [
        Extension("PutGatewayOptions", "PUT", ROUTE, put_options),
        Extension("GetGatewayOptions", "GET", ROUTE, get_options),
    ]
