"""What the corpus test asserts about one imported document, as plain functions (also used by scripts)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import orjson
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]

from gatewright.targets.base import Artifact, BuildError
from gatewright.targets.rest.convert import operations
from gatewright.targets.rest.importer import ImportLimits, import_document, normalise
from gatewright.targets.rest.schema import SCHEMA_LISTS, SCHEMA_MAPS, SCHEMA_ONE
from gatewright.targets.sources import parse_document

TARGET = "api"
NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Patterns are kept for clients even when Python's re cannot compile them (ECMA-262 \p{L}), so the
# metaschema's "format": "regex" is not checked with Python's re.
FORMATS = FormatChecker([f for f in FormatChecker.checkers if f != "regex"])


def read_spec(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    return parse_document(raw, str(path))


def _refs(node: Any, out: list[str]) -> list[str]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                out.append(ref)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


def dangling(schema: dict[str, Any]) -> list[str]:
    defs = schema.get("$defs") or {}
    bad = []
    for ref in _refs(schema, []):
        name = ref.removeprefix("#/$defs/").replace("~1", "/").replace("~0", "~")
        if not ref.startswith("#/$defs/") or name not in defs:
            bad.append(ref)
    return bad


_MAPS = (*SCHEMA_MAPS, "$defs")
_LISTS = SCHEMA_LISTS
_ONE = SCHEMA_ONE
_FREE_TEXT = ("description", "title", "pattern", "format")  # (pattern: "format": "regex" is not checked)
_ANY = ("default", "const", "enum")  # the metaschema accepts any value (enum: any array)
_META = Draft202012Validator(Draft202012Validator.META_SCHEMA, format_checker=FORMATS)


class SchemaChecker:
    """Metaschema validation of many large tool schemas that repeat the same subschemas.

    The 2020-12 metaschema validates every subschema on its own, so each schema object is checked as a
    *shell* (its subschemas replaced by ``true``), each distinct shell once, and its subschemas recursively:
    the same verdict as validating the whole, in a fraction of the time."""

    def __init__(self) -> None:
        self._seen: dict[bytes, str | None] = {}

    def _shell(self, node: dict[str, Any], children: list[Any]) -> dict[str, Any]:
        shell: dict[str, Any] = {}
        for key, value in node.items():
            if key in _MAPS and isinstance(value, dict):
                shell[key] = dict.fromkeys(value, True)
                children.extend(value.values())
            elif key in _LISTS and isinstance(value, list):
                shell[key] = [True] * len(value)
                children.extend(value)
            elif key in _ONE and isinstance(value, dict | bool):
                shell[key] = True
                children.append(value)
            elif key in _FREE_TEXT and isinstance(value, str):
                shell[key] = ""  # any string is as valid as any other
            elif key in _ANY:
                shell[key] = None if key != "enum" or not isinstance(value, list) else []
            else:
                shell[key] = value
        return shell

    def check(self, schema: Any) -> str | None:
        stack = [schema]
        while stack:
            node = stack.pop()
            if not isinstance(node, dict):
                key = orjson.dumps(node)
                shell: Any = node
            else:
                shell = self._shell(node, stack)
                key = orjson.dumps(shell)
            if key not in self._seen:
                error = next(iter(_META.iter_errors(shell)), None)
                self._seen[key] = None if error is None else f"{error.message[:200]} at {list(error.path)[:8]}"
            if self._seen[key] is not None:
                return self._seen[key]
        return None


def problems(doc: dict[str, Any], artifact: Artifact) -> list[str]:
    """Everything wrong with ``artifact`` as the import of ``doc`` (empty when it is right)."""
    out = []
    checker = SchemaChecker()
    names = [t.name for t in artifact.tools]
    if len(set(names)) != len(names):
        out.append("duplicate tool names")
    for tool in artifact.tools:
        exposed = f"{TARGET}___{tool.name}"
        if not NAME.match(exposed):
            out.append(f"invalid name {exposed!r}")
        if (error := checker.check(tool.input_schema)) is not None:
            out.append(f"{tool.name}: invalid schema: {error}")
        if bad := dangling(tool.input_schema):
            out.append(f"{tool.name}: dangling $ref {bad[:3]}")
    report = artifact.report or {}
    reported = [e["operation"] for e in report.get("operations", [])]
    expected = [f"{m.upper()} {p}" for m, p, _, _ in operations(normalise(doc)[0])]
    if sorted(reported) != sorted(expected):
        out.append(f"report has {len(reported)} operations, document {len(expected)}")
    exposed_in_report = {e.get("tool") for e in report.get("operations", []) if e["status"] != "skipped"}
    if exposed_in_report != set(names):
        out.append("report and tools disagree")
    return out


def check_document(doc: dict[str, Any], limits: ImportLimits | None = None) -> tuple[Artifact | None, list[str]]:
    """(the artifact, problems); a document without operations may fail whole, nothing else may."""
    try:
        artifact = import_document(doc, target_name=TARGET, limits=limits or ImportLimits(max_tools=100_000))
    except BuildError as exc:
        try:
            count = len(operations(normalise(doc)[0]))
        except BuildError:
            count = 0
        if count == 0:
            return None, []
        return None, [f"rejected whole with {count} operations: {exc.reasons[:3]}"]
    return artifact, problems(doc, artifact)
