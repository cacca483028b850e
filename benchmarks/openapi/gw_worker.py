"""One spec through gatewright's import, in a fresh process; prints one JSON line.

Measured: ``import_s`` (parse + import: tools and bindings), ``list_s`` (the stored artifact serialised and
the catalog compiled: every tool's tools/list JSON), the tools/list payload, peak RSS, and the p50 of a
tools/list of the first 1,000 tools from the compiled catalog (the request path's work: page + envelope).
"""

from __future__ import annotations

import gzip
import json
import resource
import statistics
import sys
import time
from pathlib import Path

import orjson

from gatewright.catalog.catalog import Catalog, TargetTools
from gatewright.targets.base import artifact_to_json
from gatewright.targets.rest.importer import ImportLimits, import_document
from gatewright.targets.sources import parse_document


def _list_p50(tools: list[object], target: TargetTools) -> float:
    catalog = Catalog([TargetTools(target.target_id, "api", target.target, tools)], page_size=None)  # type: ignore[arg-type]
    samples = []
    for _ in range(200):
        started = time.perf_counter()
        page, _cursor = catalog.page(None)
        b'{"jsonrpc":"2.0","id":1,"result":{"tools":' + page + b"}}"
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main(path: str) -> None:
    started = time.perf_counter()
    raw = Path(path).read_bytes()
    if path.endswith(".gz"):
        raw = gzip.decompress(raw)
    doc = parse_document(raw, path)
    del raw
    artifact = import_document(doc, target_name="api", limits=ImportLimits(max_tools=1_000_000))
    del doc
    imported = time.perf_counter()
    stored = orjson.dumps(artifact_to_json(artifact))
    group = TargetTools("t", "api", None, artifact.tools)  # type: ignore[arg-type]
    catalog = Catalog([group], page_size=None)
    payload, _ = catalog.page(None)
    listed = time.perf_counter()
    result = {
        "tools": len(artifact.tools),
        "operations": len((artifact.report or {}).get("operations", [])),
        "counts": (artifact.report or {}).get("counts"),
        "import_s": round(imported - started, 2),
        "list_s": round(listed - imported, 2),
        "total_s": round(listed - started, 2),
        "list_mb": round(len(payload) / 1e6, 1),
        "stored_mb": round(len(stored) / 1e6, 1),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }
    if len(artifact.tools) >= 1000:
        result["list_1000_p50_ms"] = round(_list_p50(artifact.tools[:1000], group), 3)  # type: ignore[arg-type]
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
