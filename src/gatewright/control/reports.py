"""gatewright extension operation: the full import report of a target (AgentCore has no such API).

    GET /gateways/{gatewayIdentifier}/targets/{targetId}/importReport[?status=skipped,degraded]

SigV4-signed like every control-plane request (``control/extensions.py``). The report is the blob
``report:<targetId>`` that the last build wrote (``control/jobs.py``); the target's ``statusReasons``
only summarise it. ``status`` keeps only the operations with those statuses (exposed, renamed, degraded,
skipped); the summary and counts always cover every operation.
"""

from __future__ import annotations

from typing import Any

import orjson

from gatewright.control.common import ControlContext, get_or_404
from gatewright.control.extensions import Extension
from gatewright.errors import NotFoundError, ValidationError
from gatewright.resources import GATEWAY, TARGET, report_blob_key

JSON = dict[str, Any]
ROUTE = "/gateways/{gatewayIdentifier}/targets/{targetId}/importReport"
STATUSES = frozenset({"exposed", "renamed", "degraded", "skipped"})


def _statuses(raw: Any) -> frozenset[str] | None:
    if not raw:
        return None
    wanted = frozenset(s.strip() for s in str(raw).split(",") if s.strip())
    unknown = wanted - STATUSES
    if unknown:
        raise ValidationError.for_field("status", f"Unknown status {', '.join(sorted(unknown))}")
    return wanted


async def get_import_report(ctx: ControlContext, params: JSON) -> JSON:
    gateway_id, target_id = params["gatewayIdentifier"], params["targetId"]
    wanted = _statuses(params.get("status"))
    await get_or_404(ctx.store, GATEWAY, gateway_id, "Gateway")
    record = await ctx.store.get(TARGET, target_id)
    if record is None or record.parent != gateway_id:
        raise NotFoundError(f"Target {target_id} was not found in gateway {gateway_id}")
    blob = await ctx.store.get_blob(report_blob_key(target_id))
    if blob is None:
        raise NotFoundError(f"Target {target_id} has no import report (not built yet, or its kind makes none)")
    report: JSON = orjson.loads(blob)
    if wanted is not None:
        report["operations"] = [op for op in report.get("operations", []) if op.get("status") in wanted]
    return {
        "gatewayId": gateway_id,
        "targetId": target_id,
        "name": record.doc.get("name"),
        "status": record.doc.get("status"),
        "statusReasons": record.doc.get("statusReasons", []),
        "report": report,
    }


def report_extensions() -> list[Extension]:
    return [Extension("GetTargetImportReport", "GET", ROUTE, get_import_report)]
