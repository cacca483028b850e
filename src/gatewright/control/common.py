"""What every control-plane handler shares: its context, pagination tokens, idempotency."""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from gatewright.control.ids import Naming
from gatewright.errors import ConflictError, NotFoundError, ValidationError
from gatewright.settings import Settings
from gatewright.store import Record, Store
from gatewright.store.base import VersionConflict

JSON = dict[str, Any]
DEFAULT_PAGE = 100


async def _nothing() -> None:
    return None


@dataclass
class ControlContext:
    settings: Settings
    store: Store
    naming: Naming
    # Runs lifecycle work in the background (builds, deletions); see control/jobs.py
    jobs: Any
    # The target kinds (targets/registry.py)
    kinds: Any
    # Awaited after every write, so that this process serves the new configuration at once.
    on_change: Callable[[], Awaitable[None]] = field(default=_nothing)
    # Encrypts secrets at rest (gatewright.secrets.SecretBox)
    secrets: Any = None


def encode_token(last_id: str) -> str:
    return base64.urlsafe_b64encode(last_id.encode()).decode().rstrip("=")


def decode_token(token: str | None) -> str:
    if not token:
        return ""
    try:
        return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ValidationError.for_field("nextToken", "The pagination token is not valid") from None


async def page(store: Store, kind: str, parent: str | None, params: JSON) -> tuple[list[Record], str | None]:
    limit = int(params.get("maxResults") or DEFAULT_PAGE)
    after = decode_token(params.get("nextToken"))
    records = await store.list_records(kind, parent, after=after, limit=limit + 1)
    if len(records) > limit:
        return records[:limit], encode_token(records[limit - 1].id)
    return records, None


def _request_hash(params: JSON) -> str:
    body = {k: v for k, v in params.items() if k != "clientToken"}
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


# (scope, token) -> lock: a retry that arrives while the first request is still running waits for it and
# replays its answer instead of creating a second resource. Per process: requests with one token that reach
# two processes sharing PostgreSQL at the same moment can still both create.
_TOKEN_LOCKS: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = weakref.WeakValueDictionary()


def _token_lock(scope: str, token: str) -> asyncio.Lock:
    lock = _TOKEN_LOCKS.get((scope, token))
    if lock is None:
        lock = _TOKEN_LOCKS[(scope, token)] = asyncio.Lock()
    return lock


async def idempotent(ctx: ControlContext, scope: str, params: JSON, create: Callable[[], Awaitable[JSON]]) -> JSON:
    """Run ``create`` once per clientToken; a retry with other parameters is a ValidationException."""
    token = params.get("clientToken")
    if not token:
        return await create()
    digest = _request_hash(params)
    async with _token_lock(scope, token):
        seen = await ctx.store.get_idempotency(scope, token)
        if seen is None:
            result = await create()
            await ctx.store.put_idempotency(scope, token, digest, orjson.dumps(result))
            return result
    if seen[0] != digest:
        raise ValidationError(
            "The clientToken was already used with different parameters",
            reason="IdempotentParameterMismatchException",
        )
    replay: JSON = orjson.loads(seen[1])
    return replay


async def get_or_404(store: Store, kind: str, id: str, what: str) -> Record:
    record = await store.get(kind, id)
    if record is None:
        raise NotFoundError(f"{what} {id} was not found")
    return record


async def save(store: Store, record: Record, doc: JSON) -> Record:
    """Write ``doc`` over ``record`` unless someone else wrote since it was read."""
    try:
        return await store.update(record.kind, record.id, doc, expected_version=record.version)
    except VersionConflict:
        raise ConflictError(
            "The resource was modified by another request at the same time; read it again and retry"
        ) from None


def unsupported(field: str, why: str = "is not supported yet by this gateway") -> ValidationError:
    return ValidationError.for_field(field, f"{field} {why}")
