"""AgentCore's documented example (AGENTCORE_SPEC A.3) as a folder function: ``lambda_handler`` in
``lambda_function.py``, the file name AWS uses by default."""

from __future__ import annotations

import json
from typing import Any


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"statusCode": 200, "body": json.dumps({"orderId": event["orderId"]})}
