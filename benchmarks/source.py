"""Which gatewright is measured: the working tree (default), a git revision, or another source folder.

A revision's ``src/`` is extracted with ``git archive`` into the run's temporary folder and put first on
``PYTHONPATH`` (the venv is the same, so the revision must work with the installed dependencies).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

JSON = dict[str, Any]


def _git(*argv: str) -> str:
    try:
        return subprocess.run(["git", *argv], capture_output=True, text=True, check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def describe(rev: str | None) -> JSON:
    if rev:
        return {"measured": "revision", "commit": _git("rev-parse", rev)}
    return {
        "measured": "working tree",
        "commit": _git("rev-parse", "HEAD"),
        "src_dirty": bool(_git("status", "--porcelain", "--", "src")),
    }


def extract(rev: str, dest: Path) -> Path:
    """``src/`` of ``rev`` under ``dest``; returns the folder to put on PYTHONPATH."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev, "src"], capture_output=True, check=True, timeout=60
    )
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(dest, filter="data")
    return dest / "src"


def resolve(spec: str, dest: Path) -> Path:
    """A source folder (containing ``gatewright/``) as given, or a git revision extracted under ``dest``."""
    folder = Path(spec)
    if (folder / "gatewright").is_dir():
        return folder.resolve()
    if (folder / "src" / "gatewright").is_dir():
        return (folder / "src").resolve()
    return extract(spec, dest)


def use(src: Path) -> None:
    """Make ``src`` the gatewright that this process (micro-benchmarks) and its children import."""
    sys.path.insert(0, str(src))
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(src), os.environ.get("PYTHONPATH", "")) if p)
