"""A sample local function serving several tools, as AgentCore Lambda targets usually do: it reads the
prefixed tool name from the client context and dispatches on the part after ``___``.

Used by the Lambda e2e tests (timeouts, memory cap, crashes, warm workers) and as an example in docs/lambda.md.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

CALLS = {"count": 0}  # module state: survives between calls while the worker stays warm


def _tool(context: Any) -> str:
    custom = context.client_context.custom if context.client_context else {}
    return str(custom.get("bedrockAgentCoreToolName", "")).split("___", 1)[-1]


def handler(event: dict[str, Any], context: Any) -> Any:
    tool = _tool(context)
    CALLS["count"] += 1
    if tool == "whoami":
        return {
            "event": event,
            "custom": context.client_context.custom,
            "functionName": context.function_name,
            "arn": context.invoked_function_arn,
            "requestId": context.aws_request_id,
            "memoryMb": context.memory_limit_in_mb,
            "remainingMs": context.get_remaining_time_in_millis(),
            "pid": os.getpid(),
            "calls": CALLS["count"],
            "env": {k: v for k, v in os.environ.items() if k.startswith(("AWS_LAMBDA", "GATEWRIGHT"))},
        }
    if tool == "add":
        return event["a"] + event["b"]
    if tool == "shout":
        print("to stdout: this must not break the reply")
        print("to stderr", file=sys.stderr)
        return str(event["text"]).upper()
    if tool == "fail":
        raise ValueError(f"cannot do {event.get('what', 'that')}")
    if tool == "sleep":
        time.sleep(float(event["seconds"]))
        return "awake"
    if tool == "hog":
        hoard = bytearray(int(event["mb"]) * 1024 * 1024)
        return len(hoard)
    if tool == "crash":
        os._exit(3)
    if tool == "unserialisable":
        return {"when": object()}
    return {"unknown tool": tool}
