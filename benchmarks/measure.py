"""What the harness measures: tools/call (direct against through gatewright), tools/list, start-up.

Baselines and candidates alternate inside each round (direct, then every gateway variant, repeated
``rounds`` times) so that a slow spell of the machine hits both sides; each figure is the median over
rounds.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import loadgen, procs
from benchmarks.configure import create_gateway, create_targets, post, rpc
from benchmarks.specs import generated_api
from benchmarks.stats import combine, summary
from benchmarks.variants import none_variant

JSON = dict[str, Any]
MCP_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}


@dataclass(frozen=True)
class Layout:
    """Core placement: the gateway alone on one core; the load generator and the upstream on the other."""

    gateway: set[int] | None
    client: set[int] | None

    @classmethod
    def choose(cls, pin: bool) -> Layout:
        cpus = sorted(os.sched_getaffinity(0))
        if not pin or len(cpus) < 2:
            return cls(None, None)
        return cls({cpus[0]}, {cpus[1]})

    def describe(self) -> str:
        if self.gateway is None or self.client is None:
            return "unpinned"
        return f"gateway on core {min(self.gateway)}; load generator and upstream on core {min(self.client)}"


@dataclass(frozen=True)
class Durations:
    """Seconds of warm-up and recording per measurement, and the rounds."""

    rounds: int = 3
    c1_warmup: float = 0.5
    c1: float = 2.5
    c32_warmup: float = 1.0
    c32: float = 3.0
    list_warmup: float = 0.3
    list: float = 1.5
    startup_runs: int = 3

    @classmethod
    def quick(cls) -> Durations:
        return cls(rounds=1, c1_warmup=0.2, c1=0.5, c32_warmup=0.2, c32=0.5, list_warmup=0.1, list=0.3, startup_runs=1)


def one(request: loadgen.Request, concurrency: int, duration: float, warmup: float) -> JSON:
    result = loadgen.run(request, concurrency=concurrency, duration=duration, warmup=warmup)
    if result.count == 0:
        raise RuntimeError(f"no successful response in {duration}s (failures: {result.failures})")
    return summary(result)


def measure_calls(direct: loadgen.Request, gateways: dict[str, loadgen.Request], d: Durations) -> JSON:
    """{"c1": {side: figures}, "c32": {...}} where side is "direct" or a variant name."""
    sides = {"direct": direct, **gateways}
    out: JSON = {}
    for key, concurrency, duration, warmup in (("c1", 1, d.c1, d.c1_warmup), ("c32", 32, d.c32, d.c32_warmup)):
        rounds: dict[str, list[JSON]] = {side: [] for side in sides}
        for _ in range(d.rounds):
            for side, request in sides.items():
                rounds[side].append(one(request, concurrency, duration, warmup))
        out[key] = {side: combine(runs) for side, runs in rounds.items()}
    return out


def loadgen_ceiling(upstream: procs.Upstream, direct: loadgen.Request, layout: Layout, d: Durations) -> JSON:
    """The direct upstream at concurrency 32 with the upstream moved to the (idle) gateway core.

    The load generator then has its core to itself: this bounds what it can drive, to compare with the
    gateway's calls/s.
    """
    if layout.gateway is None or layout.client is None:
        return {"skipped": "unpinned run"}
    procs.pin(upstream.process.pid, layout.gateway)
    try:
        return one(direct, 32, d.c32, d.c32_warmup)
    finally:
        procs.pin(upstream.process.pid, layout.client)


def measure_list(url: str, tools: int, paginated: bool, d: Durations) -> JSON:
    """tools/list at concurrency 1 (a page, or the whole list when pagination is disabled)."""
    raw = post(url, "tools/list", {})
    result = json.loads(raw)["result"]
    listed = len(result["tools"])
    expected = min(tools, 100) if "nextCursor" in result else tools
    if listed != expected:
        raise RuntimeError(f"tools/list returned {listed} tools, expected {expected}")
    request = loadgen.mcp_request(url, "tools/list", {})
    figures = one(request, 1, d.list, d.list_warmup)
    figures["tools"] = tools
    figures["paginated"] = paginated
    figures["bytes"] = len(raw)
    figures["tools_returned"] = listed
    return figures


def _first_list(url: str, tools: int) -> bool:
    try:
        return len(rpc(url, "tools/list", {}, timeout=5)["tools"]) == tools
    except (OSError, RuntimeError, ValueError):
        return False


def measure_startup(workdir: Path, upstream_url: str, layout: Layout, runs: int, tools: int = 500) -> JSON:
    """Seconds from process start to the first successful tools/list, the store holding a 500-tool target."""
    data_dir = workdir / "startup"
    server = procs.start_gatewright(data_dir, cpus=layout.gateway)
    port = int(server.url.rsplit(":", 1)[1])
    try:
        control = server.control()
        gateway = create_gateway(control, "bench-startup", none_variant(), paginate=False)
        create_targets(control, gateway["gatewayId"], {"api": generated_api(upstream_url, tools)})
        url = gateway["gatewayUrl"]
    finally:
        procs.stop(server.process)
    seconds: list[float] = []
    memory: dict[str, int] = {}
    for _ in range(runs):
        start = time.perf_counter()
        process = procs.start_gatewright(data_dir, cpus=layout.gateway, ready=False, port=port).process

        def listed(process: procs.Process = process) -> bool:
            return procs.alive(process, "gatewright") and _first_list(url, tools)

        try:
            procs.wait_for(listed, timeout=60, what="the first tools/list", interval=0.002)
            seconds.append(time.perf_counter() - start)
            memory = procs.memory_kib(process.pid)
        finally:
            procs.stop(process)
    return {
        "tools": tools,
        "runs_s": [round(s, 3) for s in seconds],
        "median_s": round(sorted(seconds)[len(seconds) // 2], 3),
        "memory_kib": memory,
    }
