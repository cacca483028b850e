"""Profile the gateway process under load with py-spy (sampling, from outside the process).

``benchmarks/run --profile`` records the gateway while the harness drives ``tools/call`` at concurrency 32
and prints the functions that cost the most: *self* (the sampled frame itself) and *inclusive* (the
frame anywhere on the stack), as shares of the samples in which the gateway was busy (idle samples,
waiting in the event loop, are not recorded). py-spy is not a dependency: ``.venv/bin/pip install py-spy``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

JSON = dict[str, Any]
_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")
_AREAS = (
    ("gatewright/", "gatewright"),
    ("aiohttp/", "aiohttp (upstream client)"),
    ("yarl/", "yarl (URLs)"),
    ("multidict/", "multidict"),
    ("uvicorn/", "uvicorn (HTTP server)"),
    ("httptools/", "httptools"),
    ("asyncio/", "asyncio"),
    ("uvloop/", "uvloop"),
    ("fastjsonschema", "fastjsonschema"),
    ("<string>", "generated code (validators)"),
    ("orjson", "orjson"),
)


def py_spy() -> str | None:
    local = Path(sys.executable).parent / "py-spy"
    return str(local) if local.exists() else shutil.which("py-spy")


def start(pid: int, seconds: float, out: Path, rate: int = 250) -> subprocess.Popen[bytes]:
    exe = py_spy()
    if exe is None:
        raise RuntimeError("py-spy is not installed: .venv/bin/pip install py-spy")
    argv = [exe, "record", "--pid", str(pid), "--duration", str(max(1, round(seconds))), "--rate", str(rate)]
    argv += ["--format", "raw", "--output", str(out), "--nonblocking"]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _frame(raw: str) -> str:
    found = _FRAME.match(raw.strip())
    if found is None:
        return raw.strip()
    file = found["file"]
    for marker in ("site-packages/", "/src/", "/lib/python3"):
        if marker in file:
            file = file.split(marker, 1)[1]
    return f"{found['func']} ({file})"


# Frames that enclose everything (process start-up, the event loop's entry): left out of "inclusive".
_OUTER = ("<frozen runpy>", "gatewright/__main__.py", "gatewright/cli/", "uvicorn/server.py", "uvicorn/_compat.py")
# Samples whose innermost Python frame is the loop's entry point are time in uvloop's C code (I/O, callbacks).
_LOOP = "Runner.run (asyncio/runners.py)"


def _area(frame: str) -> str:
    if frame == _LOOP:
        return "event loop (uvloop C code, socket I/O)"
    for marker, name in _AREAS:
        if marker in frame:
            return name
    return "other (Python runtime, stdlib)"


def summarise(collapsed: str, top: int = 20) -> JSON:
    """Self and inclusive shares per function from py-spy's raw (collapsed stacks) output."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_frame(f) for f in stack.split(";")]
        # The first frame is the thread ("process 123:\"python\"" or a thread name); it is not code.
        frames = [f for f in frames if f and not f.startswith(("process ", "thread "))]
        if not frames:
            continue
        total += count
        own[frames[-1]] += count
        areas[_area(frames[-1])] += count
        for frame in set(frames):
            if frame != _LOOP and not any(marker in frame for marker in _OUTER):
                inclusive[frame] += count

    def shares(counter: Counter[str]) -> list[list[Any]]:
        return [[name, round(100 * n / total, 1)] for name, n in counter.most_common(top)] if total else []

    return {"samples": total, "self": shares(own), "inclusive": shares(inclusive), "areas": shares(areas)}


def finish(process: subprocess.Popen[bytes], out: Path, timeout: float = 60) -> JSON:
    _, err = process.communicate(timeout=timeout)
    if process.returncode != 0 or not out.exists():
        return {"error": f"py-spy failed ({process.returncode}): {err.decode(errors='replace').strip()[-400:]}"}
    return summarise(out.read_text())
