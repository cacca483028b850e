"""The AWS REST-JSON wire format of ``bedrock-agentcore-control``, driven by botocore's service model.

The model shipped with botocore is the contract: URIs, methods, status codes, member locations, field
names, timestamp formats and constraints all come from it, so an unchanged boto3 client works.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, unquote

import botocore.session
import orjson
from botocore.model import OperationModel, ServiceModel, Shape

from gatewright.control.validate import validate
from gatewright.errors import GatewrightError, ValidationError

SERVICE = "bedrock-agentcore-control"


@lru_cache(maxsize=1)
def service_model() -> ServiceModel:
    return botocore.session.get_session().get_service_model(SERVICE)


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    operation: OperationModel


def _uri_regex(uri: str) -> re.Pattern[str]:
    path = uri.split("?", 1)[0].rstrip("/")
    out = []
    for part in re.split(r"(\{[^}]+\})", path):
        if part.startswith("{"):
            name = part[1:-1]
            greedy = name.endswith("+")
            out.append(f"(?P<{name.rstrip('+')}>{'.+' if greedy else '[^/]+'})")
        else:
            out.append(re.escape(part))
    return re.compile("^" + "".join(out) + "/?$")


def build_routes(operations: list[str]) -> list[Route]:
    model = service_model()
    routes = []
    for name in operations:
        op = model.operation_model(name)
        routes.append(Route(op.http["method"], _uri_regex(op.http["requestUri"]), op))
    # Literal segments win over labels: longer literal prefixes first.
    routes.sort(key=lambda r: -len(r.pattern.pattern.split("(?P")[0]))
    return routes


def match(routes: list[Route], method: str, path: str) -> tuple[OperationModel, dict[str, str]] | None:
    for route in routes:
        if route.method != method:
            continue
        found = route.pattern.match(path)
        if found:
            return route.operation, {k: unquote(v) for k, v in found.groupdict().items()}
    return None


def _coerce(value: str, shape: Shape, name: str) -> Any:
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(value)
        if kind in ("float", "double"):
            return float(value)
    except ValueError:
        raise ValidationError.for_field(name, f"Value '{value}' at '{name}' is not a number") from None
    if kind == "boolean":
        return value.lower() == "true"
    return value


def _model_names(value: Any, shape: Shape) -> Any:
    """Body members under their model names: a few members have another name on the wire
    (``domainOverride.defaultDomain`` is ``default``)."""
    if getattr(shape, "is_document_type", False):
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        names = {
            m.serialization.get("name", n): n for n, m in shape.members.items() if "location" not in m.serialization
        }
        out = {}
        for key, item in value.items():
            name = names.get(key, key)
            member = shape.members.get(name)
            out[name] = item if member is None else _model_names(item, member)
        return out
    if kind == "list" and isinstance(value, list):
        return [_model_names(v, shape.member) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _model_names(v, shape.value) for k, v in value.items()}
    return value


def json_object(body: bytes) -> dict[str, Any]:
    """A request body that must be one JSON object (else ValidationException, reason CannotParse)."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ValidationError("The request body is not valid JSON", reason="CannotParse") from None
    if not isinstance(payload, dict):
        raise ValidationError("The request body must be a JSON object", reason="CannotParse")
    return payload


def parse_request(
    op: OperationModel, labels: dict[str, str], query: str, headers: dict[str, str], body: bytes
) -> dict[str, Any]:
    """Turn an HTTP request into validated input parameters for ``op``."""
    shape = op.input_shape
    if shape is None:
        return {}
    params: dict[str, Any] = {}
    if body.strip():
        params.update(_model_names(json_object(body), shape))
    pairs = parse_qsl(query, keep_blank_values=True)
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location in ("uri", "querystring", "header") and name in params:
            del params[name]  # a located member cannot also come in the body
        if location == "uri" and wire in labels:
            params[name] = labels[wire]
        elif location == "querystring":
            values = [v for k, v in pairs if k == wire]
            if values:
                params[name] = (
                    [_coerce(v, member.member, name) for v in values]
                    if member.type_name == "list"
                    else _coerce(values[-1], member, name)
                )
        elif location == "header" and wire.lower() in headers:
            params[name] = _coerce(headers[wire.lower()], member, name)
    validate(params, shape)
    return params


def _timestamp(value: datetime | str) -> str:
    """ISO 8601 in UTC with milliseconds (``2025-01-02T03:04:05.678Z``), whatever form the value was kept in
    (a datetime, or an ISO string: a replayed idempotent response, ``lastSynchronizedAt``)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _shape_output(value: Any, shape: Shape) -> Any:
    if value is None:
        return None
    if getattr(shape, "is_document_type", False):
        return value
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for name, member in shape.members.items():
            if name in value and value[name] is not None and "location" not in member.serialization:
                out[member.serialization.get("name", name)] = _shape_output(value[name], member)
        return out
    if kind == "list":
        return [_shape_output(v, shape.member) for v in value]
    if kind == "map":
        return {k: _shape_output(v, shape.value) for k, v in value.items()}
    if kind == "timestamp" and isinstance(value, datetime | str):
        return _timestamp(value)
    return value


def render_output(op: OperationModel, result: dict[str, Any]) -> tuple[int, bytes]:
    """Serialise ``result`` through the operation's output shape (unknown keys dropped)."""
    status = int(op.http.get("responseCode", 200))
    if status == 204:
        return status, b""
    shape = op.output_shape
    body = _shape_output(result, shape) if shape is not None else {}
    return status, orjson.dumps(body)


def render_error(error: GatewrightError) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    body: dict[str, Any] = {"message": error.message}
    if isinstance(error, ValidationError):
        body["reason"] = error.detail.reason
        if error.detail.fields:
            body["fieldList"] = [{"name": f.name, "message": f.message} for f in error.detail.fields]
    headers = [(b"x-amzn-errortype", error.code.encode()), (b"content-type", b"application/json")]
    return error.status, headers, orjson.dumps(body)
