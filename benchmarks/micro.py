"""Micro-benchmarks: the in-process cost of each step of a tools/call, and of steps later issues add.

Each item is timed in a loop in the harness process (pinned to the client core, with the gateway idle),
and reported in microseconds per operation. They say where the budget of the added latency goes (the
end-to-end figures include the HTTP server and client work these leave out) and what a new step will
cost before it is written:

* the steps of today's pipeline: header decoding, JSON-RPC parse, argument validation, building the
  upstream request, wrapping the upstream response, encoding the answer, the per-request id;
* inbound JWT validation: a whole RS256 token check with joserfc (what gatewright's CUSTOM_JWT
  authorizer runs when a token is not in its cache of verified tokens), the signature checks alone
  (RS256, ES256, with ``cryptography``) and a minimal hand-written RS256 check (split, base64, JSON,
  signature, ``exp``): the floor of any implementation.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from typing import Any

import orjson
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding

from benchmarks.specs import CALL_ARGUMENTS, CALL_TOOL, small_api
from benchmarks.upstream import ITEM
from benchmarks.variants import SigningKey

JSON = dict[str, Any]


def per_call_us(fn: Callable[[], object], *, budget_s: float = 0.15, min_loops: int = 50) -> float:
    """Median-of-5 microseconds per call of ``fn``, with the loop count sized to ``budget_s``."""
    start = time.perf_counter()
    loops = 0
    while loops < min_loops or time.perf_counter() - start < budget_s / 5:
        fn()
        loops += 1
    samples = []
    for _ in range(5):
        t0 = time.perf_counter_ns()
        for _ in range(loops):
            fn()
        samples.append((time.perf_counter_ns() - t0) / loops / 1000)
    return sorted(samples)[2]


def _b64d(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def pipeline_steps() -> dict[str, Callable[[], object]]:
    """Today's tools/call steps, called as the gateway calls them."""
    from gatewright.catalog.validation import compile_validator
    from gatewright.mcp.jsonrpc import encode_result, parse
    from gatewright.mcp.transport import next_request_id
    from gatewright.targets.http_result import to_tool_result
    from gatewright.targets.rest.importer import import_document
    from gatewright.targets.rest.request import build_request
    from gatewright.upstream.http import UpstreamResponse
    from gatewright.web.asgi import headers_of

    artifact = import_document(small_api("http://127.0.0.1:9"), target_name="items")
    tool = next(t for t in artifact.tools if t.name == CALL_TOOL)
    binding = artifact.data["operations"][CALL_TOOL]
    validate = compile_validator(tool.input_schema)
    body = orjson.dumps(
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/call",
            "params": {"name": f"items___{CALL_TOOL}", "arguments": CALL_ARGUMENTS},
        }
    )
    scope = {
        "headers": [
            (b"host", b"127.0.0.1:8080"),
            (b"content-type", b"application/json"),
            (b"accept", b"application/json, text/event-stream"),
            (b"content-length", str(len(body)).encode()),
            (b"user-agent", b"python-requests/2.32"),
            (b"accept-encoding", b"gzip, deflate"),
            (b"connection", b"keep-alive"),
        ]
    }
    response = UpstreamResponse(200, {"Content-Type": "application/json; charset=utf-8"}, ITEM)
    result = to_tool_result(response, resource_uri="gatewright://gw/items").to_mcp()
    return {
        "decode request headers (7)": lambda: headers_of(scope),
        "parse JSON-RPC request": lambda: parse(body),
        "request id": next_request_id,
        "validate arguments": lambda: validate(CALL_ARGUMENTS),
        "build upstream request": lambda: build_request(binding, binding["server"], CALL_ARGUMENTS),
        "wrap upstream response": lambda: to_tool_result(response, resource_uri="gatewright://gw/items").to_mcp(),
        "encode JSON-RPC response": lambda: encode_result(1, orjson.dumps(result)),
    }


def jwt_steps() -> dict[str, Callable[[], object]]:
    """Signature checks and a minimal whole RS256 token check, for the CUSTOM_JWT issue."""
    key = SigningKey.generate()
    public = key.key.public_key()
    token = key.token("http://127.0.0.1:9", aud="bench")
    signing_input, _, signature_b64 = token.rpartition(".")
    signature = _b64d(signature_b64)
    message = signing_input.encode()
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ec_signature = ec_key.sign(message, ec.ECDSA(hashes.SHA256()))
    ec_public = ec_key.public_key()

    def whole_token() -> JSON:
        head_b64, body_b64, sig_b64 = token.split(".")
        header = orjson.loads(_b64d(head_b64))
        if header.get("alg") != "RS256":
            raise ValueError("alg")
        public.verify(_b64d(sig_b64), f"{head_b64}.{body_b64}".encode(), padding.PKCS1v15(), hashes.SHA256())
        claims: JSON = orjson.loads(_b64d(body_b64))
        if claims["exp"] < time.time():
            raise ValueError("expired")
        return claims

    from joserfc import jwt
    from joserfc.jwk import KeySet

    key_set = KeySet.import_key_set(orjson.loads(key.jwks()))

    return {
        "RS256 token check, joserfc (a CUSTOM_JWT cache miss)": lambda: jwt.decode(
            token, key_set, algorithms=["RS256"]
        ),
        "RS256 signature check (2048-bit)": lambda: public.verify(
            signature, message, padding.PKCS1v15(), hashes.SHA256()
        ),
        "ES256 signature check (P-256)": lambda: ec_public.verify(ec_signature, message, ec.ECDSA(hashes.SHA256())),
        "RS256 token check, minimal (decode + verify + exp)": whole_token,
    }


def run_micro(budget_s: float = 0.15) -> JSON:
    """{"pipeline": {step: us}, "pipeline_total_us": sum, "jwt": {step: us}}."""
    pipeline = {name: round(per_call_us(fn, budget_s=budget_s), 3) for name, fn in pipeline_steps().items()}
    jwt = {name: round(per_call_us(fn, budget_s=budget_s), 3) for name, fn in jwt_steps().items()}
    return {"pipeline": pipeline, "pipeline_total_us": round(sum(pipeline.values()), 3), "jwt": jwt}
