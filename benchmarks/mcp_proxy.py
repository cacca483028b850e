"""MCP server targets: ``tools/call`` through gatewright against the same MCP server called directly, one run.

    .venv/bin/python -m benchmarks.mcp_proxy                 # about 1 minute; prints the table, writes JSON
    .venv/bin/python -m benchmarks.mcp_proxy --priority 15   # the same at nice -15 (a shared machine)
    .venv/bin/python -m benchmarks.mcp_proxy --quick         # short windows, one round: checks the harness

Two MCP servers, each called directly and through one gateway that has one MCP server target per server
(method and placement: benchmarks/mcp_proxy.md):

* ``fast``: ``benchmarks/mcp_upstream.py``, a minimal aiohttp MCP server, so that the figures are the
  gateway's own cost;
* ``sdk``: ``tests/support/everything_server.py --stateless --json``, a real Python SDK (mcp 2.3.0) server.

Direct and gateway measurements alternate inside each round; each figure is the median over rounds, and the
ratio gateway/direct is taken inside the run. The JSON goes to ``benchmarks/results/mcp-proxy-<time>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks import loadgen, procs
from benchmarks.configure import ROLE, _wait_ready, rpc
from benchmarks.measure import Durations, Layout, one
from benchmarks.stats import combine, ratio

JSON = dict[str, Any]
FIXTURE_SERVER = procs.REPO / "tests" / "support" / "everything_server.py"
MODERN = "2026-07-28"
MODERN_META = {
    "io.modelcontextprotocol/protocolVersion": MODERN,
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": {"name": "bench", "version": "1"},
}
# server name -> (tool as the server names it, the text it answers)
TOOLS = {
    "fast": ("echo", '{"id": "42", "name": "widget", "price": 9.99, "tags": ["blue", "small"]}'),
    "sdk": ("test_simple_text", "This is a simple text response for testing."),
}


def start_servers(workdir: Path, cpus: set[int] | None) -> dict[str, procs.Upstream]:
    ports = {name: procs.free_port() for name in TOOLS}
    argv = {
        "fast": [sys.executable, "-m", "benchmarks.mcp_upstream", str(ports["fast"])],
        "sdk": [sys.executable, "-P", str(FIXTURE_SERVER), "--port", str(ports["sdk"]), "--stateless", "--json"],
    }
    servers = {}
    for name, command in argv.items():
        process = procs.spawn(command, cpus=cpus, log=workdir / f"{name}.log")
        servers[name] = procs.Upstream(f"http://127.0.0.1:{ports[name]}/mcp", process)
    for name, server in servers.items():
        procs.wait_for(partial(_answers, server, name), timeout=60, what=name)
    return servers


def _answers(server: procs.Upstream, name: str) -> bool:
    procs.alive(server.process, name)
    try:
        rpc(server.url, "tools/list", {}, timeout=2)
    except OSError:
        return False
    return True


def configure(gateway: procs.Gatewright, servers: dict[str, procs.Upstream]) -> str:
    """One gateway (no inbound auth) with one MCP server target per server, as a user creates them."""
    control = gateway.control()
    created = control.create_gateway(name="mcp-proxy", roleArn=ROLE, protocolType="MCP", authorizerType="NONE")
    gateway_id = created["gatewayId"]
    _wait_ready(lambda: control.get_gateway(gatewayIdentifier=gateway_id), "gateway")
    for name, server in servers.items():
        target = control.create_gateway_target(
            gatewayIdentifier=gateway_id,
            name=name,
            targetConfiguration={"mcp": {"mcpServer": {"endpoint": server.url}}},
        )
        get = partial(control.get_gateway_target, gatewayIdentifier=gateway_id, targetId=target["targetId"])
        _wait_ready(get, f"target {name}")
    url: str = created["gatewayUrl"]
    return url


def requests_for(gateway_url: str, servers: dict[str, procs.Upstream]) -> dict[str, dict[str, loadgen.Request]]:
    """Per server: the direct request and the same call through the gateway, each checked once.

    The gateway is called as AgentCore users call it (a bare JSON-RPC POST); the server directly as the gateway
    calls it (the 2026-07-28 wire: routing headers and the ``_meta`` envelope, no session).
    """
    out: dict[str, dict[str, loadgen.Request]] = {}
    for name, server in servers.items():
        tool, text = TOOLS[name]
        direct_params = {"name": tool, "arguments": {}, "_meta": MODERN_META}
        direct_headers = {"MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/call", "Mcp-Name": tool}
        calls = {
            "direct": (server.url, direct_params, direct_headers),
            "gateway": (gateway_url, {"name": f"{name}___{tool}", "arguments": {}}, {}),
        }
        out[name] = {}
        for side, (url, params, headers) in calls.items():
            result = rpc(url, "tools/call", params, headers)
            if result["content"][0]["text"] != text or result.get("isError"):
                raise RuntimeError(f"{side} call of {name} answered {result}")
            out[name][side] = loadgen.mcp_request(url, "tools/call", params, headers)
    return out


def measure(plan: dict[str, dict[str, loadgen.Request]], d: Durations) -> JSON:
    rounds: dict[str, list[JSON]] = {}
    for _ in range(d.rounds):
        for name, sides in plan.items():
            for concurrency, warmup, window in ((1, d.c1_warmup, d.c1), (32, d.c32_warmup, d.c32)):
                for side, request in sides.items():
                    key = f"{name}|{concurrency}|{side}"
                    rounds.setdefault(key, []).append(one(request, concurrency, window, warmup))
    return {key: combine(runs) for key, runs in rounds.items()}


def rows(results: JSON) -> list[JSON]:
    out = []
    for name in TOOLS:
        for concurrency in (1, 32):
            direct, gateway = results[f"{name}|{concurrency}|direct"], results[f"{name}|{concurrency}|gateway"]
            out.append(
                {
                    "server": name,
                    "concurrency": concurrency,
                    "direct_rate": direct["rate"],
                    "gateway_rate": gateway["rate"],
                    "ratio": round(ratio(gateway["rate"], direct["rate"]) or 0.0, 3),
                    "direct_p50_ms": direct["p50_ms"],
                    "gateway_p50_ms": gateway["p50_ms"],
                    "added_p50_ms": round(gateway["p50_ms"] - direct["p50_ms"], 3),
                    "direct_p99_ms": direct["p99_ms"],
                    "gateway_p99_ms": gateway["p99_ms"],
                }
            )
    return out


def table(lines: list[JSON]) -> str:
    head = "server  conc  direct/s  gateway/s  ratio  p50 direct  p50 gateway  p50 added  p99 direct  p99 gateway"
    out = [head]
    for r in lines:
        out.append(
            f"{r['server']:<6}  {r['concurrency']:>4}  {r['direct_rate']:>8.0f}  {r['gateway_rate']:>9.0f}  "
            f"{r['ratio']:>5.2f}  {r['direct_p50_ms']:>8.3f}ms  {r['gateway_p50_ms']:>9.3f}ms  "
            f"{r['added_p50_ms']:>7.3f}ms  {r['direct_p99_ms']:>8.3f}ms  {r['gateway_p99_ms']:>9.3f}ms"
        )
    return "\n".join(out)


def run(args: argparse.Namespace, workdir: Path) -> JSON:
    layout = Layout.choose(pin=not args.no_pin)
    durations = Durations.quick() if args.quick else Durations(rounds=args.rounds)
    load_before = os.getloadavg()
    servers = start_servers(workdir, layout.client)
    gateway = procs.start_gatewright(workdir / "gatewright", cpus=layout.gateway)
    try:
        plan = requests_for(configure(gateway, servers), servers)
        started = time.monotonic()
        results = measure(plan, durations)
        elapsed = time.monotonic() - started
    finally:
        procs.stop(gateway.process)
        for server in servers.values():
            procs.stop(server.process)
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "layout": layout.describe(),
        "durations": vars(durations),
        "load_average_before_after": [load_before, os.getloadavg()],
        "seconds": round(elapsed, 1),
        "rows": rows(results),
        "results": results,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="short windows, one round (checks the harness)")
    parser.add_argument("--priority", type=int, default=0, help="run at nice -N (root only)")
    parser.add_argument("--no-pin", action="store_true", help="do not pin processes to cores")
    parser.add_argument("--results-dir", type=Path, default=procs.REPO / "benchmarks" / "results")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gatewright-mcp-bench-") as tmp, procs.raised_priority(args.priority):
        report = run(args, Path(tmp))
    print(f"MCP server target: tools/call direct and through gatewright ({report['layout']})")
    loads = " / ".join(f"{load[0]:.1f}" for load in report["load_average_before_after"])
    print(f"median of {report['durations']['rounds']} rounds; 1-minute load average before / after: {loads}")
    print(table(report["rows"]))
    if not args.quick:
        args.results_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = args.results_dir / f"mcp-proxy-{stamp}.json"
        path.write_text(json.dumps(report, indent=2))
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
