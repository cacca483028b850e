"""Gateway target operations: Create, Get, List, Update, Delete, Synchronize."""

from __future__ import annotations

from typing import Any

from gatewright.control.common import (
    ControlContext,
    get_or_404,
    idempotent,
    page,
    save,
)
from gatewright.control.ids import new_target_id, new_target_name
from gatewright.control.target_rules import check_credentials, check_metadata
from gatewright.errors import ConflictError, NotFoundError, ValidationError
from gatewright.resources import GATEWAY, TARGET
from gatewright.store import AlreadyExists, Record
from gatewright.targets.registry import target_config

JSON = dict[str, Any]
_CONFIG_FIELDS = (
    "name",
    "description",
    "targetConfiguration",
    "credentialProviderConfigurations",
    "metadataConfiguration",
    "privateEndpoint",
    "certificateConfigurations",
)
_BUSY = ("CREATING", "UPDATING", "SYNCHRONIZING", "DELETING")


def view(ctx: ControlContext, gateway_id: str, record: Record) -> JSON:
    doc = record.doc
    out = {k: doc[k] for k in _CONFIG_FIELDS if doc.get(k) is not None}
    out.update(
        gatewayArn=ctx.naming.gateway_arn(gateway_id),
        targetId=record.id,
        createdAt=record.created_at,
        updatedAt=record.updated_at,
        status=doc["status"],
        statusReasons=doc.get("statusReasons", []),
        protocolType="MCP",
    )
    if doc.get("lastSynchronizedAt"):
        out["lastSynchronizedAt"] = doc["lastSynchronizedAt"]
    return out


def _summary(ctx: ControlContext, record: Record) -> JSON:
    doc = record.doc
    kind = ctx.kinds.kind_of(doc["targetConfiguration"])
    out = {
        "targetId": record.id,
        "name": record.name,
        "status": doc["status"],
        "createdAt": record.created_at,
        "updatedAt": record.updated_at,
        "targetType": kind.target_type,
    }
    for key in ("description", "lastSynchronizedAt"):
        if doc.get(key):
            out[key] = doc[key]
    mcp_server = doc["targetConfiguration"].get("mcp", {}).get("mcpServer")
    if mcp_server:
        out["listingMode"] = mcp_server.get("listingMode", "DEFAULT")
        out["resourcePriority"] = mcp_server.get("resourcePriority", 1000)
    return out


async def _check(ctx: ControlContext, params: JSON, gateway_doc: JSON) -> None:
    ctx.kinds.check_target(params, gateway_doc)
    kind = ctx.kinds.kind_of(params["targetConfiguration"])
    await check_credentials(ctx, params, gateway_doc, kind)
    check_metadata(params, gateway_doc)
    # Last: kinds that read their upstream to answer synchronously (targets/base.py PrecheckingKind).
    await ctx.kinds.precheck(params, ctx.settings)


async def _gateway(ctx: ControlContext, params: JSON) -> Record:
    gateway = await get_or_404(ctx.store, GATEWAY, params["gatewayIdentifier"], "Gateway")
    if gateway.doc["status"] == "DELETING":
        raise ConflictError(f"Gateway {gateway.id} is being deleted")
    return gateway


async def _target(ctx: ControlContext, params: JSON) -> Record:
    record = await ctx.store.get(TARGET, params["targetId"])
    if record is None or record.parent != params["gatewayIdentifier"]:
        raise NotFoundError(f"Target {params['targetId']} was not found in gateway {params['gatewayIdentifier']}")
    return record


def _config(params: JSON, name: str) -> JSON:
    doc = {k: params[k] for k in _CONFIG_FIELDS if params.get(k) is not None}
    doc["name"] = name
    return doc


async def create_target(ctx: ControlContext, params: JSON) -> JSON:
    gateway = await _gateway(ctx, params)
    name = params.get("name") or new_target_name()
    await _check(ctx, params, gateway.doc)

    async def create() -> JSON:
        doc = _config(params, name) | {"status": "CREATING", "statusReasons": [], "generation": 1}
        try:
            record = await ctx.store.create(TARGET, new_target_id(), gateway.id, name, doc)
        except AlreadyExists:
            raise ConflictError(f"A target named {name} already exists in gateway {gateway.id}") from None
        ctx.jobs.build_target(gateway.id, record.id, 1, "CREATE")
        return view(ctx, gateway.id, record)

    return await idempotent(ctx, f"CreateGatewayTarget:{gateway.id}", params, create)


async def get_target(ctx: ControlContext, params: JSON) -> JSON:
    await get_or_404(ctx.store, GATEWAY, params["gatewayIdentifier"], "Gateway")
    return view(ctx, params["gatewayIdentifier"], await _target(ctx, params))


async def list_targets(ctx: ControlContext, params: JSON) -> JSON:
    gateway = await get_or_404(ctx.store, GATEWAY, params["gatewayIdentifier"], "Gateway")
    records, token = await page(ctx.store, TARGET, gateway.id, params)
    out: JSON = {"items": [_summary(ctx, r) for r in records]}
    if token:
        out["nextToken"] = token
    return out


async def update_target(ctx: ControlContext, params: JSON) -> JSON:
    gateway = await _gateway(ctx, params)
    record = await _target(ctx, params)
    if record.doc["status"] == "DELETING":
        raise ConflictError(f"Target {record.id} is being deleted")
    # name is optional on UpdateGatewayTarget (unlike UpdateGateway): absent means "keep it".
    name = params.get("name") or record.name
    if name != record.name:
        other = await ctx.store.get_by_name(TARGET, gateway.id, name)
        if other is not None:
            raise ConflictError(f"A target named {name} already exists in gateway {gateway.id}")
        raise ValidationError.for_field("name", "A target cannot be renamed: name must be the current name")
    await _check(ctx, params, gateway.doc)
    generation = int(record.doc.get("generation", 1)) + 1
    doc = _config(params, record.name) | {"status": "UPDATING", "statusReasons": [], "generation": generation}
    for kept in ("lastSynchronizedAt", "builtGeneration"):  # the last good build keeps serving meanwhile
        if record.doc.get(kept):
            doc[kept] = record.doc[kept]
    updated = await save(ctx.store, record, doc)
    ctx.jobs.build_target(gateway.id, record.id, generation, "UPDATE")
    return view(ctx, gateway.id, updated)


async def delete_target(ctx: ControlContext, params: JSON) -> JSON:
    await get_or_404(ctx.store, GATEWAY, params["gatewayIdentifier"], "Gateway")
    record = await _target(ctx, params)
    if record.doc["status"] != "DELETING":
        record = await save(ctx.store, record, record.doc | {"status": "DELETING"})
    ctx.jobs.delete_target(params["gatewayIdentifier"], record.id)
    return {
        "gatewayArn": ctx.naming.gateway_arn(params["gatewayIdentifier"]),
        "targetId": record.id,
        "status": "DELETING",
        "statusReasons": [],
    }


async def synchronize_targets(ctx: ControlContext, params: JSON) -> JSON:
    gateway = await _gateway(ctx, params)
    ids = params["targetIdList"]
    if len(ids) != 1:
        raise ValidationError.for_field("targetIdList", "targetIdList must name exactly one target")
    record = await _target(ctx, {"gatewayIdentifier": gateway.id, "targetId": ids[0]})
    if record.doc["status"] in _BUSY:
        raise ConflictError(f"Target {record.id} is {record.doc['status']}; retry when it is done")
    kind = ctx.kinds.kind_of(record.doc["targetConfiguration"])
    refusal = getattr(kind, "synchronize_refusal", None)  # MCP server targets with a static tool list
    reason = refusal(target_config(record.id, gateway.id, record.doc, kind)) if refusal else None
    if reason:
        raise ValidationError.for_field("targetIdList", reason)
    generation = int(record.doc.get("generation", 1)) + 1
    doc = record.doc | {"status": "SYNCHRONIZING", "statusReasons": [], "generation": generation}
    updated = await save(ctx.store, record, doc)
    ctx.jobs.build_target(gateway.id, record.id, generation, "SYNCHRONIZE")
    return {"targets": [view(ctx, gateway.id, updated)]}
