"""The program a local function runs in: one worker process per warm function, standard library only.

Started by ``worker.py`` as ``python -I runtime.py SPEC`` (SPEC is JSON: name, handler file, task root,
memory cap, ARN). It caps its own address space (``RLIMIT_AS``), asks Linux to kill it when the gateway
dies, moves the protocol off stdin/stdout (the function's ``print`` goes to stderr, which the gateway
logs), then serves invocations one at a time: a 4-byte big-endian length and a JSON message each way.

Request: ``{"event": <json text>, "requestId", "clientContext": {...} | null, "timeoutMs"}``.
Reply: ``{"payload": <json text>}`` or ``{"error": {"errorType", "errorMessage", "stackTrace"}}``, with
``"fatal": true`` when this process must not be reused (out of memory, the module failed to load).

The handler is ``handler`` or, failing that, ``lambda_handler`` in the function's module, called as
``handler(event, context)`` with a context shaped like AWS Lambda's Python runtime.
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import struct
import sys
import time
import traceback
from typing import Any, BinaryIO

HANDLERS = ("handler", "lambda_handler")


class ClientContext:
    def __init__(self, value: dict[str, Any]) -> None:
        self.custom = value.get("custom")
        self.env = value.get("env")
        self.client = value.get("client")


class LambdaContext:
    def __init__(self, spec: dict[str, Any], request: dict[str, Any]) -> None:
        self.function_name: str = spec["name"]
        self.function_version = "$LATEST"
        self.invoked_function_arn: str = spec["arn"]
        self.memory_limit_in_mb = str(spec["memoryMb"])
        self.aws_request_id: str = request["requestId"]
        self.log_group_name = f"/aws/lambda/{spec['name']}"
        self.log_stream_name = f"gatewright/{os.getpid()}"
        self.identity = None
        self.tenant_id = None
        custom = request.get("clientContext")
        self.client_context = ClientContext(custom) if isinstance(custom, dict) else None
        self._deadline = time.monotonic() + request["timeoutMs"] / 1000.0

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _error(exc: BaseException, error_type: str | None = None) -> dict[str, Any]:
    stack = traceback.format_list(traceback.extract_tb(exc.__traceback__)[1:])
    return {
        "errorType": error_type or type(exc).__name__,
        "errorMessage": str(exc),
        "stackTrace": [line.rstrip("\n") for line in stack],
    }


def _load(spec: dict[str, Any]) -> Any:
    module_name = "".join(c if c.isalnum() else "_" for c in os.path.basename(spec["path"])[:-3]) or "function"
    found = importlib.util.spec_from_file_location(module_name, spec["path"])
    if found is None or found.loader is None:
        raise ImportError(f"cannot load {spec['path']}")
    module = importlib.util.module_from_spec(found)
    sys.modules[module_name] = module
    found.loader.exec_module(module)
    for name in HANDLERS:
        handler = getattr(module, name, None)
        if callable(handler):
            return handler
    raise AttributeError(f"{spec['path']} defines no handler(event, context) or lambda_handler(event, context)")


def _invoke(handler: Any, spec: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    try:
        event = json.loads(request["event"])
        result = handler(event, LambdaContext(spec, request))
    except MemoryError as exc:
        return {"error": _error(exc, "Runtime.OutOfMemory"), "fatal": True}
    except Exception as exc:  # noqa: BLE001 - any exception of the function is its error result
        return {"error": _error(exc)}
    try:
        return {"payload": json.dumps(result)}
    except (TypeError, ValueError) as exc:
        error = {"errorType": "Runtime.MarshalError", "errorMessage": f"Unable to marshal response: {exc}"}
        return {"error": error | {"stackTrace": []}}


def _read(stream: BinaryIO, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            return b""
        data += chunk
    return data


def _die_with_parent() -> None:
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the worker still exits when its stdin closes


def _isolate_stdio() -> tuple[BinaryIO, BinaryIO]:
    requests = os.fdopen(os.dup(0), "rb", buffering=0)
    replies = os.fdopen(os.dup(1), "wb", buffering=0)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    return requests, replies


def main(argv: list[str]) -> int:
    spec: dict[str, Any] = json.loads(argv[1])
    _die_with_parent()
    requests, replies = _isolate_stdio()
    limit = int(spec["memoryMb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    sys.path.insert(0, spec["taskRoot"])
    handler: Any = None
    while True:
        header = _read(requests, 4)
        if not header:
            return 0
        request = json.loads(_read(requests, struct.unpack(">I", header)[0]))
        reply: dict[str, Any]
        if handler is None:
            try:
                handler = _load(spec)
            except MemoryError as exc:
                reply = {"error": _error(exc, "Runtime.OutOfMemory"), "fatal": True}
            except BaseException as exc:  # noqa: BLE001 - SyntaxError, ImportError, SystemExit in module code...
                reply = {"error": _error(exc, "Runtime.ImportModuleError"), "fatal": True}
        if handler is not None:
            reply = _invoke(handler, spec, request)
        sys.stdout.flush()
        sys.stderr.flush()
        data = json.dumps(reply).encode()
        replies.write(struct.pack(">I", len(data)) + data)
        if reply.get("fatal"):
            return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
