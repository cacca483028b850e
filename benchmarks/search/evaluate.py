"""Tool-search evaluation: retrieval quality on labelled queries, query latency, index build time, memory.

    .venv/bin/python -m benchmarks.search.evaluate                 # lexical, plus embeddings if installed
    .venv/bin/python -m benchmarks.search.evaluate --backend minilm --json benchmarks/results/search.json

Quality: every query of queries.yaml against the 1,738 tools of GitHub + Stripe + Slack (one gateway, three
targets), and against the same tools hidden among 10,000 (other real APIs added); recall@k counts a query
as found when any of its correct tools is in the top k; MRR uses the first correct tool within the top 10.
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
from benchmarks.search.catalogs import Query, Tool, distractors, labelled_tools, queries
from gatewright.catalog.search.embedding import Embedder
from gatewright.catalog.search.index import Method, SearchIndex
from gatewright.catalog.search.text import tool_text

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
    vectors = embedder.embed_documents([t.for_embedding() for t in texts])
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
    for _ in range(repeat):
        for query in items:
            started = time.perf_counter()
            index.search(query.text, 10)
            samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50_ms": statistics.median(samples),
        "p99_ms": samples[min(len(samples) - 1, int(len(samples) * 0.99))],
        "queries": len(samples),
    }


def _methods(embedder: Embedder | None) -> list[Method]:
    return ["lexical"] if embedder is None else ["lexical", "dense", "hybrid"]


def run(backend: str, repeat: int) -> dict[str, Any]:
    gc.collect()
    rss_start = _rss_mb()
    started = time.perf_counter()
    embedder = load(backend)
    load_s = time.perf_counter() - started
    rss_model = _rss_mb()
    tools = labelled_tools()
    items = queries(tools)
    pool = tools + distractors(SIZES[-1] - len(tools))
    result: dict[str, Any] = {
        "backend": backend,
        "model": embedder.model_id if embedder else "lexical",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
        "model_load_s": load_s,
        "model_rss_mb": rss_model - rss_start,
        "queries": len(items),
        "labelled_tools": len(tools),
    }
    index, _ = build(tools, embedder)
    names = [t.name for t in tools]
    result["quality"] = {m: quality(index, names, items, m) for m in _methods(embedder)}
    by_catalog: dict[str, list[Query]] = defaultdict(list)
    for query in items:
        by_catalog[query.catalog].append(query)
    best: Method = "lexical" if embedder is None else "hybrid"
    result["quality_by_catalog"] = {c: quality(index, names, qs, best) for c, qs in by_catalog.items()}
    result["build_1000"] = build(pool[:1_000], embedder)[1]
    result["sizes"] = {}
    for size in SIZES:
        index, timing = build(pool[:size], embedder)
        entry: dict[str, Any] = {"build": timing, "latency": latency(index, items, repeat)}
        if size == SIZES[-1]:
            entry["quality"] = {m: quality(index, [t.name for t in pool[:size]], items, m) for m in _methods(embedder)}
            entry["rss_mb"] = _rss_mb()
        result["sizes"][str(size)] = entry
    return result


def report(result: dict[str, Any]) -> str:
    lines = [f"backend {result['backend']} ({result['model']}), {result['queries']} queries", ""]
    lines.append("| method | recall@1 | recall@5 | recall@10 | MRR | recall@5 among 10,000 |")
    lines.append("|---|---|---|---|---|---|")
    big = result["sizes"][str(SIZES[-1])]["quality"]
    for method, q in result["quality"].items():
        lines.append(
            f"| {method} | {q['recall@1']:.3f} | {q['recall@5']:.3f} | {q['recall@10']:.3f} | {q['mrr']:.3f} "
            f"| {big[method]['recall@5']:.3f} |"
        )
    lines += ["", "| tools | query p50 ms | query p99 ms | index build s |", "|---|---|---|---|"]
    for size, entry in result["sizes"].items():
        lat = entry["latency"]
        lines.append(f"| {int(size):,} | {lat['p50_ms']:.2f} | {lat['p99_ms']:.2f} | {entry['build']['total_s']:.2f} |")
    b = result["build_1000"]
    lines.append("")
    lines.append(
        f"build 1,000 tools: {b['total_s']:.2f} s (lexical {b['lexical_s']:.2f} s, embeddings {b['embed_s']:.2f} s)"
    )
    lines.append(f"model load {result['model_load_s']:.2f} s, +{result['model_rss_mb']:.0f} MB RSS")
    by = ", ".join(f"{c} {q['recall@5']:.3f}" for c, q in result["quality_by_catalog"].items())
    lines.append(f"recall@5 per catalog: {by}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", default="auto", help="auto, lexical, minilm, wordllama, st-minilm")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the queries per catalog size")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    result = run(args.backend, args.repeat)
    print(report(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
