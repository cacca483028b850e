"""Returns what it was given: the event and the client context's ``custom`` keys (for the Lambda stand-in
endpoint of tests/support/lambda_endpoint.py and for local runs alike)."""

from __future__ import annotations

from typing import Any


def handler(event: Any, context: Any) -> dict[str, Any]:
    if isinstance(event, dict) and event.get("fail"):
        raise RuntimeError("asked to fail")
    custom = context.client_context.custom if context.client_context else None
    return {"event": event, "custom": custom, "functionName": context.function_name}
