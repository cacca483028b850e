"""The report of a run: side-by-side tables, the targets with PASS/FAIL, and the JSON results file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from benchmarks.stats import ratio

JSON = dict[str, Any]
RESULTS_DIR = Path(__file__).parent / "results"
# The targets of issue 2 (item 8).
TARGET_CALLS_PER_S = 3000.0
TARGET_ADDED_P50_MS = 0.5
TARGET_LIST500_P50_MS = 2.0


def _ms(value: float) -> str:
    return f"{value:.3f}"


def _ratio(value: float | None) -> str:
    return f"{value:.2f}x" if value is not None else "-"


def _row(label: str, cells: list[str], width: int = 16) -> str:
    return f"  {label:<30}" + "".join(f"{c:>{width}}" for c in cells)


def calls_table(calls: JSON, skipped: dict[str, str]) -> list[str]:
    c1, c32 = calls["c1"], calls["c32"]
    sides = list(c1)
    gateways = [s for s in sides if s != "direct"]
    lines = ["tools/call: direct upstream against through gatewright (median of rounds)"]
    header = ["direct", *(f"gw:{s}" for s in gateways), *(f"gw:{s}/direct" for s in gateways)]
    width = max(16, *(len(h) + 2 for h in header))
    lines.append(_row("", header, width))

    def figures(block: JSON, key: str, fmt: Any) -> list[str]:
        values = [fmt(block[s][key]) for s in sides]
        return values + [_ratio(ratio(block[s][key], block["direct"][key])) for s in gateways]

    lines.append(_row("p50 latency, c=1 (ms)", figures(c1, "p50_ms", _ms), width))
    lines.append(_row("p99 latency, c=1 (ms)", figures(c1, "p99_ms", _ms), width))
    lines.append(_row("calls/s, c=32", figures(c32, "rate", lambda v: f"{v:,.0f}"), width))
    lines.append(_row("p50 latency, c=32 (ms)", figures(c32, "p50_ms", _ms), width))
    lines.append(_row("p99 latency, c=32 (ms)", figures(c32, "p99_ms", _ms), width))
    for side in gateways:
        added = c1[side]["p50_ms"] - c1["direct"]["p50_ms"]
        lines.append(f"  added latency p50 ({side}): {added:.3f} ms")
    for side in gateways:
        if side != "none" and "none" in c1:
            lines.append(
                f"  {side} against none: p50 c=1 {_ratio(ratio(c1[side]['p50_ms'], c1['none']['p50_ms']))}, "
                f"calls/s c=32 {_ratio(ratio(c32[side]['rate'], c32['none']['rate']))}"
            )
    for name, why in skipped.items():
        lines.append(f"  variant {name}: skipped ({why})")
    return lines


NOISY_PCT = 5.0


def cpu_lines(cpu: JSON) -> list[str]:
    """Core use during the tools/call phase, and how long our processes waited for their core.

    The first core is the gateway's alone, so its wait is other work on the machine; on the second the
    load generator and the upstream also wait for each other, by design.
    """
    lines = []
    for i, (core, use) in enumerate(cpu.items()):
        who = "gatewright" if i == 0 else "load generator + upstream"
        lines.append(
            f"  {core} during tools/call: {use['busy_pct']:.0f}% busy; {who} ran {use['ours_pct']:.0f}% "
            f"of the time and waited for the core {use['ours_waiting_pct']:.1f}% (steal {use['steal_pct']:.0f}%)"
        )
    gateway = next(iter(cpu.values()), None)
    if gateway is not None and gateway["ours_waiting_pct"] > NOISY_PCT:
        lines.append(
            f"  WARNING: gatewright waited for its core {gateway['ours_waiting_pct']:.0f}% of the time (other work on "
            "the machine): the figures are disturbed; run again on a quiet machine or with --priority"
        )
    return lines


def list_table(lists: list[JSON]) -> list[str]:
    lines = ["tools/list at c=1 (full list: disableMcpListToolsPagination; first page: page size 100)"]
    lines.append(_row("tools in gateway", ["returned", "bytes", "p50 ms", "p99 ms", "calls/s"], 12))
    for item in lists:
        label = f"{item['tools']:,} ({'first page' if item['paginated'] else 'full list'})"
        row = [str(item["tools_returned"]), f"{item['bytes']:,}", _ms(item["p50_ms"]), _ms(item["p99_ms"])]
        lines.append(_row(label, [*row, f"{item['rate']:,.0f}"], 12))
    return lines


def targets(results: JSON) -> list[JSON]:
    calls = results["calls"]
    rate = calls["c32"]["none"]["rate"]
    added = calls["c1"]["none"]["p50_ms"] - calls["c1"]["direct"]["p50_ms"]
    full500 = [i for i in results["lists"] if i["tools"] == 500 and not i["paginated"]]
    list500 = full500[0]["p50_ms"] if full500 else float("inf")
    checks = [
        ("tools/call calls/s at c=32", rate, ">=", TARGET_CALLS_PER_S, rate >= TARGET_CALLS_PER_S, "calls/s"),
        ("added p50 latency over direct", added, "<=", TARGET_ADDED_P50_MS, added <= TARGET_ADDED_P50_MS, "ms"),
        ("tools/list of 500 tools, p50", list500, "<=", TARGET_LIST500_P50_MS, list500 <= TARGET_LIST500_P50_MS, "ms"),
    ]
    return [
        {"name": n, "measured": round(v, 3), "op": op, "target": t, "pass": ok, "unit": u}
        for n, v, op, t, ok, u in checks
    ]


def target_lines(checks: list[JSON]) -> list[str]:
    lines = ["Targets (issue 2):"]
    for c in checks:
        verdict = "PASS" if c["pass"] else "FAIL"
        lines.append(f"  {verdict}  {c['name']}: {c['measured']:,} {c['unit']} (target {c['op']} {c['target']:,})")
    return lines


def micro_lines(micro: JSON) -> list[str]:
    lines = ["Micro-benchmarks (in-process, microseconds per operation):"]
    for name, us in micro["pipeline"].items():
        lines.append(f"  {name:<52}{us:>10.2f}")
    lines.append(f"  {'sum of the pipeline steps above':<52}{micro['pipeline_total_us']:>10.2f}")
    for name, us in micro["jwt"].items():
        lines.append(f"  {name:<52}{us:>10.2f}")
    return lines


def profile_lines(profile: JSON) -> list[str]:
    if "error" in profile:
        return [f"Profile: {profile['error']}"]
    lines = [f"Profile of the gateway at c=32 (py-spy, {profile['samples']} busy samples), self time by area:"]
    lines += [f"  {share:5.1f}%  {name}" for name, share in profile["areas"]]
    lines.append("Top functions, self time:")
    lines += [f"  {share:5.1f}%  {name}" for name, share in profile["self"][:15]]
    lines.append("Top functions, inclusive time:")
    lines += [f"  {share:5.1f}%  {name}" for name, share in profile["inclusive"][:25]]
    return lines


def render(results: JSON) -> str:
    load = ", ".join(f"{x:.2f}" for x in results["load_average_before"])
    nice = f"; nice {results['nice']}" if results.get("nice") else ""
    head = f"gatewright benchmark, {results['started']} ({results['layout']}{nice}; load average before: {load})"
    lines = [head, ""]
    lines += calls_table(results["calls"], results["skipped_variants"])
    ceiling = results["loadgen_ceiling"]
    if "rate" in ceiling:
        gw = results["calls"]["c32"]["none"]["rate"]
        lines.append(
            f"  load generator ceiling (direct, upstream moved to the gateway core): {ceiling['rate']:,.0f} calls/s"
            f" = {ceiling['rate'] / gw:.1f}x the gateway's"
        )
    lines += cpu_lines(results.get("cpu_during_calls", {}))
    lines += ["", *list_table(results["lists"]), ""]
    mem, conf = results["memory_kib"], results["configured"]
    lines.append(
        f"gateway RSS: {mem['empty_store']['VmRSS'] / 1024:.1f} MiB started (empty store), "
        f"{mem['before_load']['VmRSS'] / 1024:.1f} MiB configured "
        f"({conf['gateways']} gateways, {conf['tools']:,} tools), "
        f"{mem['after_load']['VmRSS'] / 1024:.1f} MiB after the load (peak {mem['after_load']['VmHWM'] / 1024:.1f} MiB)"
    )
    startup = results["startup"]
    lines.append(
        f"start-up to first tools/list ({startup['tools']} tools in the store): median {startup['median_s']:.3f} s "
        f"(runs: {', '.join(f'{s:.3f}' for s in startup['runs_s'])}); "
        f"RSS then {startup['memory_kib']['VmRSS'] / 1024:.1f} MiB"
    )
    lines += ["", *micro_lines(results["micro"])]
    if "profile" in results:
        lines += ["", *profile_lines(results["profile"])]
    lines += ["", *target_lines(results["targets"])]
    return "\n".join(lines)


def write(results: JSON, directory: Path = RESULTS_DIR) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"{stamp}.json"
    path.write_text(json.dumps(results, indent=1) + "\n")
    return path
