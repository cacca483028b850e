"""Tool-search evaluation: retrieval quality on labelled queries, query latency, index build time, memory.

    .venv/bin/python -m benchmarks.search.evaluate                 # lexical, plus embeddings if installed
    .venv/bin/python -m benchmarks.search.evaluate --backend minilm --json benchmarks/results/search.json

Quality: every query of queries.yaml (the tuning set) and of heldout.yaml (written before the tuning, used only
to check it) against the 1,849 tools of GitHub + Stripe + Slack (one gateway, three targets), and against the
same tools hidden among 10,000 (other real APIs added); recall@k counts a query as found when any of its
correct tools is in the top k; MRR uses the first correct tool within the top 10. Only totals are printed.
Latency: wall time of ``SearchIndex.search(query, 10)`` (query embedding included) on catalogs of 100,
1,000 and 10,000 tools. Build: time to index 1,000 tools from their ToolSpecs (lexical + embeddings).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchmarks.search.candidates import load
from benchmarks.search.catalogs import QUERY_SETS, Query, Tool, distractors, labelled_tools, queries
from gatewright.catalog.search.embedding import Embedder
from gatewright.catalog.search.index import Method, SearchIndex
from gatewright.catalog.search.text import embedding_passages, tool_text
from gatewright.catalog.search.vectors import VectorFile

SIZES = (100, 1_000, 10_000)


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(tools: list[Tool], embedder: Embedder | None) -> tuple[SearchIndex, dict[str, float]]:
    started = time.perf_counter()
    texts = [tool_text(t.name, t.spec.description, t.spec.input_schema) for t in tools]
    index = SearchIndex(texts)
    lexical = time.perf_counter() - started
    if embedder is None:
        return index, {"lexical_s": lexical, "embed_s": 0.0, "total_s": lexical}
    # As the gateway does (indexer.py): a passage that is the same text as another is embedded once.
    vectors = VectorFile(None).vectors(embedder, embedding_passages(texts))
    index = index.with_vectors(embedder, vectors)
    total = time.perf_counter() - started
    return index, {"lexical_s": lexical, "embed_s": total - lexical, "total_s": total}


def quality(index: SearchIndex, names: list[str], items: list[Query], method: Method) -> dict[str, float]:
    hits = {1: 0, 5: 0, 10: 0}
    reciprocal = 0.0
    for query in items:
        found = [names[i] for i in index.search(query.text, 10, method=method)]
        rank = next((r for r, name in enumerate(found, start=1) if name in query.relevant), None)
        for k in hits:
            hits[k] += rank is not None and rank <= k
        reciprocal += 1.0 / rank if rank else 0.0
    n = len(items) or 1
    return {"recall@1": hits[1] / n, "recall@5": hits[5] / n, "recall@10": hits[10] / n, "mrr": reciprocal / n}


def latency(index: SearchIndex, items: list[Query], repeat: int) -> dict[str, float]:
    for query in items[:20]:  # warm-up
        index.search(query.text, 10)
    samples: list[float] = []
    cpu: list[float] = []
    for _ in range(repeat):
        for query in items:
            started, started_cpu = time.perf_counter(), time.thread_time()
            index.search(query.text, 10)
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - started_cpu) * 1000)
    samples.sort()
    cpu.sort()
    return {
        "p50_ms": statistics.median(samples),
        "p99_ms": samples[min(len(samples) - 1, int(len(samples) * 0.99))],
        # CPU time of the calling thread: what the query costs, whatever else the machine is doing.
        "cpu_p50_ms": statistics.median(cpu),
        "cpu_p99_ms": cpu[min(len(cpu) - 1, int(len(cpu) * 0.99))],
        "queries": len(samples),
    }


def _methods(embedder: Embedder | None) -> list[Method]:
    return ["lexical"] if embedder is None else ["lexical", "dense", "hybrid"]


def run(backend: str, repeat: int, quick: bool = False) -> dict[str, Any]:
    """Every measure; with ``quick``, only quality on the labelled catalog (for trying settings)."""
    gc.collect()
    rss_start = _rss_mb()
    started = time.perf_counter()
    embedder = load(backend)
    load_s = time.perf_counter() - started
    rss_model = _rss_mb()
    tools = labelled_tools()
    sets = {name: queries(tools, path) for name, path in QUERY_SETS.items()}
    result: dict[str, Any] = {
        "backend": backend,
        "model": embedder.model_id if embedder else "lexical",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
        "model_load_s": load_s,
        "model_rss_mb": rss_model - rss_start,
        "queries": {name: len(qs) for name, qs in sets.items()},
        "labelled_tools": len(tools),
    }
    index, _ = build(tools, embedder)
    names = [t.name for t in tools]
    methods = _methods(embedder)
    result["quality"] = {s: {m: quality(index, names, qs, m) for m in methods} for s, qs in sets.items()}
    best: Method = "lexical" if embedder is None else "hybrid"
    result["quality_by_catalog"] = {}
    for name, qs in sets.items():
        by_catalog: dict[str, list[Query]] = defaultdict(list)
        for query in qs:
            by_catalog[query.catalog].append(query)
        result["quality_by_catalog"][name] = {c: quality(index, names, q, best) for c, q in by_catalog.items()}
    if quick:
        return result
    pool = tools + distractors(SIZES[-1] - len(tools))
    result["build_1000"] = build(pool[:1_000], embedder)[1]
    result["sizes"] = {}
    for size in SIZES:
        index, timing = build(pool[:size], embedder)
        entry: dict[str, Any] = {"build": timing, "latency": latency(index, sets["tuning"], repeat)}
        if size == SIZES[-1]:
            big = [t.name for t in pool[:size]]
            entry["quality"] = {s: {m: quality(index, big, qs, m) for m in methods} for s, qs in sets.items()}
            entry["rss_mb"] = _rss_mb()
        result["sizes"][str(size)] = entry
    result["machine"]["load"] = os.getloadavg()  # 1, 5 and 15 minute averages at the end of the run
    return result


def _quality_rows(r: dict[str, Any], label: str) -> list[str]:
    """One row per query set and method: recall@1/5/10 and MRR, and recall@5 among 10,000 tools."""
    rows = []
    for qset, by_method in r["quality"].items():
        big = r["sizes"][str(SIZES[-1])]["quality"][qset] if "sizes" in r else None
        for method, q in by_method.items():
            if method == "lexical" and r["model"] != "lexical" and label:
                continue  # the lexical run has its own rows
            among = f"{big[method]['recall@5']:.3f}" if big else "-"
            rows.append(
                f"| {label or method}{' | ' + method if label else ''} | {qset} ({r['queries'][qset]}) "
                f"| {q['recall@1']:.3f} | {q['recall@5']:.3f} | {q['recall@10']:.3f} | {q['mrr']:.3f} | {among} |"
            )
    return rows


def report(result: dict[str, Any]) -> str:
    lines = [f"backend {result['backend']} ({result['model']})", ""]
    lines.append("| method | queries | recall@1 | recall@5 | recall@10 | MRR | recall@5 among 10,000 |")
    lines.append("|---|---|---|---|---|---|---|")
    lines += _quality_rows(result, "")
    for qset, by in result["quality_by_catalog"].items():
        lines.append(f"recall@5 per catalog, {qset}: " + ", ".join(f"{c} {q['recall@5']:.3f}" for c, q in by.items()))
    if "sizes" not in result:
        return "\n".join(lines)
    lines += [
        "",
        "| tools | query p50 ms | query p99 ms | CPU p50 ms | CPU p99 ms | index build s |",
        "|---|---|---|---|---|---|",
    ]
    for size, entry in result["sizes"].items():
        lat = entry["latency"]
        lines.append(
            f"| {int(size):,} | {lat['p50_ms']:.2f} | {lat['p99_ms']:.2f} | {lat['cpu_p50_ms']:.2f} "
            f"| {lat['cpu_p99_ms']:.2f} | {entry['build']['total_s']:.2f} |"
        )
    lines.append(f"load average during the run: {', '.join(f'{x:.1f}' for x in result['machine']['load'])}")
    b = result["build_1000"]
    lines.append("")
    lines.append(
        f"build 1,000 tools: {b['total_s']:.2f} s (lexical {b['lexical_s']:.2f} s, embeddings {b['embed_s']:.2f} s)"
    )
    lines.append(f"model load {result['model_load_s']:.2f} s, +{result['model_rss_mb']:.0f} MB RSS")
    return "\n".join(lines)


def combined(results: list[dict[str, Any]]) -> str:
    """One table per measure over several runs (``--combine``): the tables of benchmarks/search/README.md."""
    lines = [
        "| backend | method | queries | recall@1 | recall@5 | recall@10 | MRR | recall@5, 10,000 tools |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines += _quality_rows(r, r["backend"])
    lines += [
        "",
        "| backend | tools | p50 ms | p99 ms | CPU p50 ms | CPU p99 ms | index build s |",
        "|---|---|---|---|---|---|---|",
    ]
    full = [r for r in results if "sizes" in r]  # --quick runs have quality only
    for r in full:
        for size, entry in r["sizes"].items():
            lat = entry["latency"]
            lines.append(
                f"| {r['backend']} | {int(size):,} | {lat['p50_ms']:.2f} | {lat['p99_ms']:.2f} "
                f"| {lat['cpu_p50_ms']:.2f} | {lat['cpu_p99_ms']:.2f} | {entry['build']['total_s']:.2f} |"
            )
    lines += ["", "| backend | build 1,000 tools s | model load s | model RSS MB | RSS at 10,000 tools MB | load avg |"]
    lines.append("|---|---|---|---|---|---|")
    for r in full:
        load = r["machine"]["load"]
        lines.append(
            f"| {r['backend']} | {r['build_1000']['total_s']:.2f} | {r['model_load_s']:.2f} | {r['model_rss_mb']:.0f} "
            f"| {r['sizes'][str(SIZES[-1])]['rss_mb']:.0f} | {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", default="auto", help="auto, lexical, minilm, wordllama, st-minilm")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the queries per catalog size")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--combine", type=Path, nargs="+", help="print the tables of earlier --json results")
    parser.add_argument("--quick", action="store_true", help="quality on the labelled catalog only")
    args = parser.parse_args()
    if args.combine:
        print(combined([json.loads(p.read_text()) for p in args.combine]))
        return
    result = run(args.backend, args.repeat, args.quick)
    print(report(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
