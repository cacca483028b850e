"""JSON-RPC 2.0 framing: parse one message, encode results and errors.

Responses are assembled from bytes so that pre-serialised parts (a page of ``tools/list``) are copied,
not re-encoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
# MCP 2026-07-28 allocations
HEADER_MISMATCH = -32020
UNSUPPORTED_PROTOCOL_VERSION = -32022


class JsonRpcError(Exception):
    """A protocol-level error. ``http_status`` is what the transport answers with."""

    def __init__(self, code: int, message: str, *, data: Any = None, http_status: int = 200) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data
        self.http_status = http_status


@dataclass(frozen=True)
class Message:
    """One incoming JSON-RPC message (request, notification or response)."""

    method: str | None
    params: dict[str, Any]
    id: Any
    has_id: bool
    # A response or error from the client (to a server-initiated request), with its result or error member.
    is_response: bool = False
    result: Any = None
    error: Any = None


def parse(body: bytes) -> Message:
    try:
        obj = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise JsonRpcError(PARSE_ERROR, "Parse error: the body is not valid JSON", http_status=400) from None
    if isinstance(obj, list):
        raise JsonRpcError(INVALID_REQUEST, "Invalid Request: JSON-RPC batches are not supported", http_status=400)
    if not isinstance(obj, dict) or obj.get("jsonrpc") != "2.0":
        raise JsonRpcError(INVALID_REQUEST, "Invalid Request: expected a JSON-RPC 2.0 object", http_status=400)
    has_id = "id" in obj
    msg_id = obj.get("id")
    if (has_id and not (msg_id is None or isinstance(msg_id, str | int))) or isinstance(msg_id, bool):
        raise JsonRpcError(INVALID_REQUEST, "Invalid Request: id must be a string or a number", http_status=400)
    method = obj.get("method")
    if method is None:
        if has_id and ("result" in obj or "error" in obj):
            return Message(None, {}, msg_id, True, is_response=True, result=obj.get("result"), error=obj.get("error"))
        raise JsonRpcError(INVALID_REQUEST, "Invalid Request: method is missing", http_status=400)
    if not isinstance(method, str):
        raise JsonRpcError(INVALID_REQUEST, "Invalid Request: method must be a string", http_status=400)
    if has_id and msg_id is None:  # MCP: a request id MUST NOT be null (only a response's may be)
        raise JsonRpcError(INVALID_REQUEST, "Invalid Request: id must not be null", http_status=400)
    params = obj.get("params")
    if params is None:
        params = {}
    elif not isinstance(params, dict):
        raise JsonRpcError(INVALID_PARAMS, "Invalid params: params must be an object")
    return Message(method, params, msg_id, has_id)


def encode_result(msg_id: Any, result: bytes) -> bytes:
    return b'{"jsonrpc":"2.0","id":' + orjson.dumps(msg_id) + b',"result":' + result + b"}"


def encode_error(msg_id: Any, code: int, message: str, data: Any = None) -> bytes:
    error: dict[str, Any] = {"code": code, "message": message}
    if data is not None:
        error["data"] = data
    return orjson.dumps({"jsonrpc": "2.0", "id": msg_id, "error": error})


def encode_notification(method: str, params: dict[str, Any]) -> bytes:
    return orjson.dumps({"jsonrpc": "2.0", "method": method, "params": params})
