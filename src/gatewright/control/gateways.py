"""Gateway operations: Create, Get, List, Update, Delete."""

from __future__ import annotations

from typing import Any

from gatewright.control.common import (
    ControlContext,
    encode_token,
    get_or_404,
    idempotent,
    page,
    save,
)
from gatewright.control.gateway_rules import check_gateway
from gatewright.control.ids import new_gateway_id
from gatewright.errors import ConflictError, ValidationError
from gatewright.resources import GATEWAY, TARGET
from gatewright.store import AlreadyExists, Record

JSON = dict[str, Any]

# Members of the request that become the stored configuration (everything but identity and tokens).
_CONFIG_FIELDS = (
    "name",
    "description",
    "roleArn",
    "protocolType",
    "protocolConfiguration",
    "authorizerType",
    "authorizerConfiguration",
    "kmsKeyArn",
    "interceptorConfigurations",
    "policyEngineConfiguration",
    "exceptionLevel",
    "domainOverride",
)


def view(ctx: ControlContext, record: Record) -> JSON:
    doc = record.doc
    out = {k: doc[k] for k in _CONFIG_FIELDS if doc.get(k) is not None}
    out.update(
        gatewayId=record.id,
        gatewayArn=ctx.naming.gateway_arn(record.id),
        gatewayUrl=ctx.naming.gateway_url(record.id),
        createdAt=record.created_at,
        updatedAt=record.updated_at,
        status=doc["status"],
        statusReasons=doc.get("statusReasons", []),
        workloadIdentityDetails={"workloadIdentityArn": ctx.naming.workload_identity_arn(record.id)},
    )
    return out


def _summary(record: Record) -> JSON:
    doc = record.doc
    out = {
        "gatewayId": record.id,
        "name": record.name,
        "status": doc["status"],
        "createdAt": record.created_at,
        "updatedAt": record.updated_at,
        "authorizerType": doc.get("authorizerType"),
        "protocolType": doc.get("protocolType", "MCP"),
    }
    if doc.get("description"):
        out["description"] = doc["description"]
    return out


def _config(params: JSON) -> JSON:
    doc = {k: params[k] for k in _CONFIG_FIELDS if params.get(k) is not None}
    doc.setdefault("protocolType", "MCP")
    return doc


async def create_gateway(ctx: ControlContext, params: JSON) -> JSON:
    check_gateway(params)

    async def create() -> JSON:
        doc = _config(params) | {"status": "CREATING", "statusReasons": [], "generation": 1}
        if params.get("tags"):
            doc["tags"] = params["tags"]
        try:
            record = await ctx.store.create(GATEWAY, new_gateway_id(params["name"]), "", params["name"], doc)
        except AlreadyExists:
            raise ConflictError(f"A gateway named {params['name']} already exists") from None
        ctx.jobs.gateway_changed(record.id, 1)
        return view(ctx, record)

    return await idempotent(ctx, "CreateGateway", params, create)


async def get_gateway(ctx: ControlContext, params: JSON) -> JSON:
    return view(ctx, await get_or_404(ctx.store, GATEWAY, params["gatewayIdentifier"], "Gateway"))


async def list_gateways(ctx: ControlContext, params: JSON) -> JSON:
    records, token = await page(ctx.store, GATEWAY, "", params)
    out: JSON = {"items": [_summary(r) for r in records]}
    if token:
        out["nextToken"] = token
    return out


async def update_gateway(ctx: ControlContext, params: JSON) -> JSON:
    record = await get_or_404(ctx.store, GATEWAY, params["gatewayIdentifier"], "Gateway")
    if params["name"] != record.name:
        raise ValidationError.for_field("name", "A gateway cannot be renamed: name must be the current name")
    if record.doc["status"] in ("CREATING", "DELETING"):
        raise ConflictError(f"Gateway {record.id} is {record.doc['status']}; retry when it is READY")
    old_search = (record.doc.get("protocolConfiguration") or {}).get("mcp", {}).get("searchType")
    new_search = (params.get("protocolConfiguration") or {}).get("mcp", {}).get("searchType")
    if old_search != new_search:
        raise ValidationError.for_field(
            "protocolConfiguration.mcp.searchType", "searchType can only be set when the gateway is created"
        )
    check_gateway(params)
    generation = int(record.doc.get("generation", 1)) + 1
    doc = _config(params) | {"status": "UPDATING", "statusReasons": [], "generation": generation}
    for kept in ("tags", "gatewrightOptions"):  # not part of UpdateGateway's replacement
        if record.doc.get(kept):
            doc[kept] = record.doc[kept]
    updated = await save(ctx.store, record, doc)
    ctx.jobs.gateway_changed(updated.id, generation)
    return view(ctx, updated)


async def delete_gateway(ctx: ControlContext, params: JSON) -> JSON:
    record = await get_or_404(ctx.store, GATEWAY, params["gatewayIdentifier"], "Gateway")
    targets = await ctx.store.list_records(TARGET, record.id, limit=1)
    if targets:
        raise ConflictError("Gateway has targets associated; delete its targets first")
    doc = record.doc | {"status": "DELETING"}
    await save(ctx.store, record, doc)
    ctx.jobs.delete_gateway(record.id)
    return {"gatewayId": record.id, "status": "DELETING", "statusReasons": []}


__all__ = ["create_gateway", "delete_gateway", "encode_token", "get_gateway", "list_gateways", "update_gateway"]
