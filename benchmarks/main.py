"""``benchmarks/run``: one command, one report. See benchmarks/README.md for the method.

Order of a run: upstream and gatewright start (each its own process, pinned); boto3 creates the gateways
(one per variant for tools/call, six for tools/list); every answer is checked once; then tools/call
(direct and through each gateway, alternating, in rounds), the load generator's ceiling, tools/list,
RSS, an optional py-spy profile; then start-up (a second store holding a 500-tool target), the
micro-benchmarks, the report and the JSON results file.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import loadgen, procs, profiling, source
from benchmarks.configure import CatalogGateway, Refused, create_catalog_gateway, create_gateway, create_targets, rpc
from benchmarks.measure import Durations, Layout, loadgen_ceiling, measure_calls, measure_list, measure_startup
from benchmarks.micro import run_micro
from benchmarks.report import render, targets, write
from benchmarks.specs import CALL_ARGUMENTS, CALL_PATH, CALL_TOOL, small_api
from benchmarks.upstream import ITEM
from benchmarks.variants import SigningKey, Variant, none_variant, variants

JSON = dict[str, Any]
CATALOG_SIZES = (3, 500, 5000)
COMPARE = "none@compare"  # the side measured through the --compare gatewright


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="benchmarks/run", description="gatewright's performance harness")
    parser.add_argument("--quick", action="store_true", help="short windows and one round (a check, not a result)")
    parser.add_argument("--no-pin", action="store_true", help="do not pin processes to cores")
    parser.add_argument("--variants", default="none,jwt", help="gateway variants for tools/call (default none,jwt)")
    parser.add_argument("--profile", type=float, metavar="SECONDS", help="py-spy the gateway at c=32 for SECONDS")
    parser.add_argument("--rev", help="measure src/ of this git revision (extracted to the temp folder), not the tree")
    parser.add_argument(
        "--compare",
        metavar="SRC_OR_REV",
        help="also measure tools/call through another gatewright (a src/ folder or a git revision), same rounds",
    )
    parser.add_argument(
        "--priority",
        type=int,
        default=0,
        metavar="N",
        help="run the harness and its servers at nice -N (needs root) so that other work on a shared machine "
        "disturbs less",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, stores)")
    parser.add_argument("--results-dir", type=Path, help="where to write <timestamp>.json (default benchmarks/results)")
    return parser


def _machine() -> JSON:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return {"cpu": model, "cpus": os.cpu_count(), "python": platform.python_version(), "kernel": platform.release()}


def call_gateways(control: Any, upstream_url: str, chosen: list[Variant]) -> tuple[dict[str, loadgen.Request], JSON]:
    """One gateway per variant, the small API as its target, each checked with one real call."""
    requests: dict[str, loadgen.Request] = {}
    skipped: JSON = {}
    params = {"name": f"items___{CALL_TOOL}", "arguments": CALL_ARGUMENTS}
    for variant in chosen:
        try:
            gateway = create_gateway(control, f"bench-call-{variant.name}", variant, paginate=False)
            create_targets(control, gateway["gatewayId"], {"items": small_api(upstream_url)})
            result = rpc(gateway["gatewayUrl"], "tools/call", params, variant.headers)
            if result.get("isError") or result["content"][0]["text"].encode() != ITEM:
                raise RuntimeError(f"unexpected tools/call result: {result}")
        except Refused as exc:
            skipped[variant.name] = f"CreateGateway refused it: {exc}"
            continue
        except (OSError, RuntimeError) as exc:
            if variant.name == "none":
                raise
            skipped[variant.name] = f"{type(exc).__name__}: {exc}"
            continue
        requests[variant.name] = loadgen.mcp_request(gateway["gatewayUrl"], "tools/call", params, variant.headers)
    return requests, skipped


def _profile(gateway: procs.Gatewright, request: loadgen.Request, seconds: float, workdir: Path) -> JSON:
    out = workdir / "profile.txt"
    recorder = profiling.start(gateway.process.pid, seconds, out)
    load = loadgen.run(request, concurrency=32, duration=seconds + 1.0, warmup=0.5)
    summary = profiling.finish(recorder, out)
    summary["calls_per_s_while_sampled"] = round(load.rate, 1)
    return summary


@contextlib.contextmanager
def _watch(gateway: procs.Gatewright, upstream: procs.Upstream) -> Iterator[None]:
    """Turn a failure caused by a dead server into a message that says so."""
    try:
        yield
    except (OSError, RuntimeError, TimeoutError) as exc:
        for name, process in (("gatewright", gateway.process), ("upstream", upstream.process)):
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with code {process.returncode} during the run") from exc
        raise


@dataclass(frozen=True)
class Setup:
    """The running processes and configured gateways that the load phases use."""

    gateway: procs.Gatewright
    upstream: procs.Upstream
    calls: dict[str, loadgen.Request]
    catalogs: list[CatalogGateway]
    layout: Layout
    durations: Durations
    compare_pid: int | None = None


def _catalog_plan() -> list[tuple[int, bool]]:
    """The tools/list gateways: every size, with the full list and paginated."""
    return [(n, paginate) for n in CATALOG_SIZES for paginate in (False, True)]


def _start_compare(
    spec: str, workdir: Path, layout: Layout, upstream_url: str
) -> tuple[procs.Gatewright, loadgen.Request]:
    """A second gatewright from another source, on the gateway core (idle while the first one is measured).

    It gets the same catalogs as the first one, so that both processes carry the same heap (the garbage
    collector's cost grows with it).
    """
    src = source.resolve(spec, workdir / "compare")
    other = procs.start_gatewright(workdir / "data-compare", cpus=layout.gateway, pythonpath=src)
    try:
        control = other.control()
        requests, _ = call_gateways(control, upstream_url, [none_variant()])
        for tools, paginate in _catalog_plan():
            create_catalog_gateway(control, upstream_url, tools, paginate=paginate, base=none_variant())
    except Exception:
        procs.stop(other.process)
        raise
    return other, requests["none"]


def _meter(setup: Setup) -> procs.CpuMeter | None:
    layout = setup.layout
    if layout.gateway is None or layout.client is None:
        return None
    gateways = [setup.gateway.process.pid] + ([setup.compare_pid] if setup.compare_pid else [])
    client = [os.getpid(), setup.upstream.process.pid]
    return procs.CpuMeter({min(layout.gateway): gateways, min(layout.client): client})


def _load(results: JSON, setup: Setup, profile: float | None, workdir: Path) -> None:
    """The load phases against the configured gateway: calls, load-generator ceiling, lists, RSS, profile."""
    pid = setup.gateway.process.pid
    before = procs.memory_kib(pid)
    direct = loadgen.build_request(setup.upstream.url + CALL_PATH, headers={"Accept": "application/json"})
    meter = _meter(setup)
    results["calls"] = measure_calls(direct, setup.calls, setup.durations)
    results["cpu_during_calls"] = meter.read() if meter is not None else {}
    results["loadgen_ceiling"] = loadgen_ceiling(setup.upstream, direct, setup.layout, setup.durations)
    results["lists"] = [measure_list(c.url, c.tools, c.paginated, setup.durations) for c in setup.catalogs]
    results["memory_kib"] = {"before_load": before, "after_load": procs.memory_kib(pid)}
    if profile:
        results["profile"] = _profile(setup.gateway, setup.calls["none"], profile, workdir)


def run(args: argparse.Namespace, workdir: Path) -> JSON:
    layout = Layout.choose(not args.no_pin)
    if layout.client is not None:
        os.sched_setaffinity(0, layout.client)  # the load generator (this process) shares the upstream's core
    durations = Durations.quick() if args.quick else Durations()
    if args.rev:
        source.use(source.extract(args.rev, workdir / "rev"))
    key = SigningKey.generate()
    jwks = workdir / "jwks.json"
    jwks.write_bytes(key.jwks())
    results: JSON = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "layout": layout.describe(),
        "durations": vars(durations),
        "machine": _machine(),
        "git": source.describe(args.rev),
        "load_average_before": os.getloadavg(),
        "nice": os.getpriority(os.PRIO_PROCESS, 0),
    }
    upstream = procs.start_upstream(workdir, cpus=layout.client, jwks=jwks)
    other: tuple[procs.Gatewright, loadgen.Request] | None = None
    try:
        gateway = procs.start_gatewright(workdir / "data", cpus=layout.gateway)
        try:
            empty = procs.memory_kib(gateway.process.pid)
            control = gateway.control()
            chosen = variants([v.strip() for v in args.variants.split(",") if v.strip()], upstream.url, key)
            if "none" not in [v.name for v in chosen]:
                chosen.insert(0, none_variant())
            gateways, results["skipped_variants"] = call_gateways(control, upstream.url, chosen)
            catalogs = [
                create_catalog_gateway(control, upstream.url, n, paginate=p, base=none_variant())
                for n, p in _catalog_plan()
            ]
            if args.compare:
                other = _start_compare(args.compare, workdir, layout, upstream.url)
                gateways[COMPARE] = other[1]
            tools = 3 * len(gateways) + sum(c.tools for c in catalogs)
            results["configured"] = {"gateways": len(gateways) + len(catalogs), "tools": tools}
            with _watch(gateway, upstream):
                compare_pid = other[0].process.pid if other is not None else None
                setup = Setup(gateway, upstream, gateways, catalogs, layout, durations, compare_pid)
                _load(results, setup, args.profile, workdir)
            results["memory_kib"] = {"empty_store": empty, **results["memory_kib"]}
        finally:
            procs.stop(gateway.process)
            if other is not None:
                procs.stop(other[0].process)
        results["startup"] = measure_startup(workdir, upstream.url, layout, durations.startup_runs)
    finally:
        procs.stop(upstream.process)
    results["micro"] = run_micro(budget_s=0.05 if args.quick else 0.15)
    results["targets"] = targets(results)
    results["load_average_after"] = os.getloadavg()
    return results


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="gatewright-bench-"))
    try:
        with procs.raised_priority(args.priority):
            results = run(args, workdir)
    finally:
        if args.keep:
            print(f"temporary files kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(render(results))
    path = write(results, args.results_dir) if args.results_dir else write(results)
    print(f"\nresults: {path}")
    missed = [c["name"] for c in results["targets"] if not c["pass"]]
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    raise SystemExit(main())
