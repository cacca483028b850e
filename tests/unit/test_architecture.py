"""The dependency rules of docs/architecture.md, checked on the import statements of every module."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "gatewright"
# Packages under targets/ that are shared libraries for kinds, not kinds themselves.
SHARED = {"rest"}
KINDS = sorted(
    p.name for p in (SRC / "targets").iterdir() if p.is_dir() and not p.name.startswith("_") and p.name not in SHARED
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {n for n in names if n.startswith("gatewright")}


def _all_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules(folder: str) -> list[Path]:
    return sorted((SRC / folder).rglob("*.py"))


def _violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    out = []
    for path in _modules(folder):
        for name in _imports(path):
            if name.startswith(forbidden):
                out.append(f"{path.relative_to(SRC)} imports {name}")
    return out


def test_mcp_knows_no_targets_store_control_or_runtime() -> None:
    forbidden = (
        "gatewright.targets",
        "gatewright.store",
        "gatewright.control",
        "gatewright.runtime",
        "gatewright.catalog",
        "gatewright.auth",
    )
    assert _violations("mcp", forbidden) == []


def test_target_kinds_stay_apart() -> None:
    problems = []
    for kind in KINDS:
        others = tuple(f"gatewright.targets.{k}" for k in KINDS if k != kind)
        forbidden = (*others, "gatewright.mcp", "gatewright.store", "gatewright.control", "gatewright.runtime")
        problems += _violations(f"targets/{kind}", forbidden)
    assert problems == []


def test_shared_target_code_knows_no_kind() -> None:
    kinds = tuple(f"gatewright.targets.{k}" for k in KINDS)
    forbidden = (*kinds, "gatewright.mcp", "gatewright.store", "gatewright.control", "gatewright.runtime")
    assert [v for shared in SHARED for v in _violations(f"targets/{shared}", forbidden)] == []


def test_control_plane_does_not_import_the_data_plane() -> None:
    assert _violations("control", ("gatewright.runtime", "gatewright.mcp.transport", "gatewright.app")) == []


def test_library_exceptions_stay_in_their_adapters() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = str(path.relative_to(SRC))
        if rel.startswith(("upstream/", "demo/")):  # demo/ is a local upstream server, not a client of one
            continue
        if any(name == "aiohttp" or name.startswith("aiohttp.") for name in _all_imports(path)):
            offenders.append(rel)
    assert offenders == []


def test_no_module_over_600_lines() -> None:
    big = [f"{p.relative_to(SRC)}: {n}" for p in SRC.rglob("*.py") if (n := len(p.read_text().splitlines())) > 600]
    assert big == []
