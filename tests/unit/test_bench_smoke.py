"""The benchmark harness imports and its helpers work (no benchmark runs here, no timing assertions)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # benchmarks/ lives beside src/ and tests/, outside the installed package

from benchmarks import loadgen, micro, procs, profiling, report, stats  # noqa: E402
from benchmarks.configure import catalog_specs  # noqa: E402
from benchmarks.main import _parser  # noqa: E402
from benchmarks.specs import generated_api  # noqa: E402
from benchmarks.variants import SigningKey, variants  # noqa: E402


def test_percentiles_are_nearest_rank() -> None:
    values = list(range(1, 101))
    assert stats.percentile(values, 50) == 50
    assert stats.percentile(values, 99) == 99
    assert stats.percentile(values, 100) == 100
    assert stats.percentile([], 50) == 0
    assert stats.ratio(3.0, 1.5) == 2.0
    assert stats.ratio(1.0, 0.0) is None


def test_request_bytes_and_response_framing() -> None:
    request = loadgen.mcp_request("http://127.0.0.1:9/gw/x/mcp", "tools/list", {})
    head, _, body = request.raw.partition(b"\r\n\r\n")
    assert head.startswith(b"POST /gw/x/mcp HTTP/1.1\r\nHost: 127.0.0.1:9\r\n")
    assert f"Content-Length: {len(body)}".encode() in head
    assert loadgen._frame(b"HTTP/1.1 200 OK\r\nContent-Type: x\r\ncontent-length: 12") == (200, 12)
    assert loadgen._frame(b"HTTP/1.1 204 No Content\r\nServer: x") == (204, 0)
    with pytest.raises(loadgen.ProtocolError):
        loadgen._frame(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked")


def test_load_generator_drives_the_bench_upstream(tmp_path: Path) -> None:
    upstream = procs.start_upstream(tmp_path, cpus=None)
    try:
        request = loadgen.build_request(f"{upstream.url}/items/42")
        result = loadgen.run(request, concurrency=4, duration=2.0, warmup=0.05, max_requests=200)
    finally:
        procs.stop(upstream.process)
    assert result.count > 0
    assert result.failures == {}
    assert stats.summary(result)["requests"] == result.count


def test_generated_catalogs_have_the_asked_size() -> None:
    assert len([op for item in generated_api("http://u", 7)["paths"].values() for op in item]) == 7
    specs = catalog_specs("http://u", 2500)
    assert [len([op for item in s["paths"].values() for op in item]) for s in specs.values()] == [1000, 1000, 500]


def test_variants_and_tokens() -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    key = SigningKey.generate()
    none, jwt = variants(["none", "jwt"], "http://127.0.0.1:9", key)
    assert none.gateway_params == {"authorizerType": "NONE"}
    assert none.headers == {}
    assert jwt.gateway_params["authorizerType"] == "CUSTOM_JWT"
    token = jwt.headers["Authorization"].removeprefix("Bearer ")
    signing_input, _, signature = token.rpartition(".")
    key.key.public_key().verify(micro._b64d(signature), signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    with pytest.raises(ValueError, match="unknown variant"):
        variants(["nope"], "http://127.0.0.1:9", key)


def test_micro_benchmarks_still_match_the_code() -> None:
    result = micro.run_micro(budget_s=0.001)
    assert set(result["pipeline"]) >= {"parse JSON-RPC request", "validate arguments", "build upstream request"}
    assert all(us > 0 for us in result["jwt"].values())


def test_profile_summary_from_collapsed_stacks() -> None:
    collapsed = (
        "run_asgi (uvicorn/protocols/http/httptools_impl.py:422);_serve (gatewright/mcp/transport.py:137) 3\n"
        "run_asgi (uvicorn/protocols/http/httptools_impl.py:422) 1\n"
    )
    summary = profiling.summarise(collapsed)
    assert summary["samples"] == 4
    assert summary["self"][0] == ["_serve (gatewright/mcp/transport.py)", 75.0]
    assert ["run_asgi (uvicorn/protocols/http/httptools_impl.py)", 100.0] in summary["inclusive"]


def test_cli_and_targets() -> None:
    args = _parser().parse_args(["--quick", "--variants", "none"])
    assert args.quick
    assert args.variants == "none"
    results = {
        "calls": {"c1": {"direct": {"p50_ms": 0.1}, "none": {"p50_ms": 0.4}}, "c32": {"none": {"rate": 3500.0}}},
        "lists": [{"tools": 500, "paginated": False, "p50_ms": 1.0}],
    }
    checks = {c["name"]: c["pass"] for c in report.targets(results)}
    assert all(checks.values()), checks
