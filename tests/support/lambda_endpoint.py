"""The smallest Lambda-Invoke-API-compatible endpoint: runs the handlers of ``tests/functions`` for real.

moto's Lambda runs code only in Docker (not available here; without Docker it echoes the event), so
tests that need a function to see its client context point ``AWS_ENDPOINT_URL_LAMBDA`` here.
``POST /2015-03-31/functions/{name}/invocations`` decodes ``X-Amz-Client-Context`` (base64 JSON),
calls ``handler(event, context)`` of ``tests/functions/<name>.py`` (the function name may be an ARN, as
boto3 sends it) and answers like Lambda: 200 with the JSON payload, or with
``X-Amz-Function-Error: Unhandled`` and an error object. Every invocation is recorded, with the outcome of
a SigV4 check (service ``lambda``, the test secret).
"""

from __future__ import annotations

import base64
import importlib.util
import json
import time
import traceback
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from gatewright.auth.sigv4 import SignatureError, verify
from support.net import free_port
from support.upstream import serve_app

FUNCTIONS = Path(__file__).resolve().parents[1] / "functions"
SECRET = "testing"


@dataclass
class Invoked:
    function: str
    event: Any
    client_context: Any
    signed: bool
    invocation_type: str | None


@dataclass
class LambdaEndpoint:
    url: str
    invoked: list[Invoked] = field(default_factory=list)


def _handler_of(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"standin_{name}", FUNCTIONS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, "handler", None) or module.lambda_handler


def _context(name: str, arn: str, custom: Any) -> Any:
    deadline = time.monotonic() + 30
    return SimpleNamespace(
        function_name=name,
        invoked_function_arn=arn,
        aws_request_id=str(uuid.uuid4()),
        memory_limit_in_mb="128",
        client_context=SimpleNamespace(custom=custom.get("custom"), env=None, client=None) if custom else None,
        get_remaining_time_in_millis=lambda: int((deadline - time.monotonic()) * 1000),
    )


def _signed(request: web.Request, body: bytes) -> bool:
    try:
        verify(
            method=request.method,
            raw_path=request.raw_path.split("?", 1)[0],
            raw_query=request.query_string,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
            service="lambda",
            lookup_secret=lambda key: SECRET,
        )
    except SignatureError:
        return False
    return True


def _invoke(endpoint: LambdaEndpoint) -> Any:
    async def invoke(request: web.Request) -> web.Response:
        target = unquote(request.match_info["name"])
        name = target.split(":")[6] if target.startswith("arn:") else target
        body = await request.read()
        header = request.headers.get("X-Amz-Client-Context")
        custom = json.loads(base64.b64decode(header)) if header else None
        event = json.loads(body) if body else None
        endpoint.invoked.append(
            Invoked(name, event, custom, _signed(request, body), request.headers.get("X-Amz-Invocation-Type"))
        )
        if not (FUNCTIONS / f"{name}.py").is_file():
            error = {"Type": "User", "message": f"Function not found: {target}"}
            return web.json_response(error, status=404, headers={"X-Amzn-ErrorType": "ResourceNotFoundException"})
        try:
            result = _handler_of(name)(event, _context(name, target, custom))
        except Exception as exc:  # noqa: BLE001 - the function's error is the response
            error = {"errorMessage": str(exc), "errorType": type(exc).__name__, "stackTrace": traceback.format_exc()}
            return web.json_response(error, headers={"X-Amz-Function-Error": "Unhandled"})
        return web.json_response(result, headers={"X-Amz-Executed-Version": "$LATEST"})

    return invoke


def lambda_endpoint_session() -> Iterator[LambdaEndpoint]:
    port = free_port()
    endpoint = LambdaEndpoint(f"http://127.0.0.1:{port}")
    app = web.Application()
    app.router.add_post("/2015-03-31/functions/{name}/invocations", _invoke(endpoint))
    stop = serve_app(app, port, "lambda-endpoint")
    yield endpoint
    stop()
