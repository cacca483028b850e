"""Real-world API descriptions, imported whole: a fixed, seeded sample of 300+ specs (``sample.py``).

For every spec: not rejected whole unless it has no operation; every tool's inputSchema valid JSON Schema
2020-12; no dangling ``$ref``; no invalid or duplicate tool name; every operation in the report. Two
worker processes share the sample; the summary (specs, operations by status, reasons) is written to
``.tools/corpus/summary.json``.
"""

from __future__ import annotations

import gzip
import json
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from corpus.checks import check_document
from corpus.sample import MODULES, REPO, directory_sample, named_specs, shared_31
from gatewright.targets.sources import parse_document

Result = dict[str, Any]


def _check(name: str, raw: bytes) -> Result:
    started = time.perf_counter()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    artifact, problems = check_document(parse_document(raw, name))
    report = artifact.report if artifact is not None and artifact.report else {}
    return {
        "spec": name,
        "problems": problems,
        "source": report.get("source", "(no operation)"),
        "counts": report.get("counts", {}),
        "reasons": report.get("reasons", {}),
        "seconds": round(time.perf_counter() - started, 3),
    }


def _check_file(path: str) -> Result:
    return _check(str(Path(path).relative_to(REPO.parent)), Path(path).read_bytes())


def _check_bytes(item: tuple[str, bytes]) -> Result:
    return _check(*item)


@pytest.mark.timeout(600)
def test_corpus_imports_cleanly() -> None:
    if not MODULES.exists():
        pytest.fail("the corpus is not installed: run scripts/setup-corpus (scripts/test does)")
    files = [str(p) for p in [*directory_sample(), *named_specs()]]
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_check_file, files, chunksize=4))
        results += list(pool.map(_check_bytes, shared_31(), chunksize=4))
    assert len(results) >= 300
    bad = {r["spec"]: r["problems"][:3] for r in results if r["problems"]}
    assert bad == {}

    status: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    for r in results:
        status.update(r["counts"])
        reasons.update(r["reasons"])
        sources[" ".join(r["source"].split(" ")[:2])[: len("swagger 2.0")]] += 1
    summary = {
        "specs": len(results),
        "by_version": dict(sources.most_common()),
        "operations": dict(status.most_common()),
        "reasons": dict(reasons.most_common(25)),
        "slowest": sorted(((r["seconds"], r["spec"]) for r in results), reverse=True)[:5],
    }
    (MODULES.parent / "summary.json").write_text(json.dumps(summary, indent=2))
    assert status["exposed"] + status["renamed"] + status["degraded"] > 0
