"""TagResource, UntagResource and ListTagsForResource for gateways (the taggable resource gatewright has)."""

from __future__ import annotations

from typing import Any

from gatewright.control.common import ControlContext, save
from gatewright.errors import NotFoundError, ValidationError
from gatewright.resources import GATEWAY
from gatewright.store import Record

JSON = dict[str, Any]
MAX_TAGS = 50


async def _gateway(ctx: ControlContext, arn: str) -> Record:
    prefix = f"arn:aws:bedrock-agentcore:{ctx.settings.region}:{ctx.settings.account_id}:gateway/"
    if not arn.startswith(prefix):
        raise NotFoundError(f"No taggable resource {arn} (gatewright tags gateways)")
    record = await ctx.store.get(GATEWAY, arn.removeprefix(prefix))
    if record is None:
        raise NotFoundError(f"Resource {arn} was not found")
    return record


async def tag_resource(ctx: ControlContext, params: JSON) -> JSON:
    record = await _gateway(ctx, params["resourceArn"])
    tags = {**(record.doc.get("tags") or {}), **params["tags"]}
    if len(tags) > MAX_TAGS:
        raise ValidationError.for_field("tags", f"a resource can have at most {MAX_TAGS} tags")
    await save(ctx.store, record, record.doc | {"tags": tags})
    return {}


async def untag_resource(ctx: ControlContext, params: JSON) -> JSON:
    record = await _gateway(ctx, params["resourceArn"])
    remove = set(params.get("tagKeys") or [])
    tags = {k: v for k, v in (record.doc.get("tags") or {}).items() if k not in remove}
    await save(ctx.store, record, record.doc | {"tags": tags})
    return {}


async def list_tags(ctx: ControlContext, params: JSON) -> JSON:
    record = await _gateway(ctx, params["resourceArn"])
    return {"tags": record.doc.get("tags") or {}}


HANDLERS = {"TagResource": tag_resource, "UntagResource": untag_resource, "ListTagsForResource": list_tags}
