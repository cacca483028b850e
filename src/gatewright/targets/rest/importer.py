"""Import a whole API description: every operation exposed, renamed, degraded or skipped, and all of it reported.

Swagger 2.0 is converted to OpenAPI 3.0 first (``swagger2.py``); 3.0 and 3.1 are read as they are. Each
operation is converted on its own (``convert.py``): one that cannot become a tool is skipped with its
reason and the others still import. Nothing is dropped silently: the report has one entry per operation
(``exposed``, ``renamed``, ``degraded`` with how, or ``skipped`` with why) and a summary, whose lines
become the target's ``statusReasons``.

Limits (``ImportLimits``, from settings): the number of tools per target, the bytes of schema per tool,
and the seconds one import may take; a document over the time limit fails with a reason that names the
setting. The parsed document is not kept: the artifact holds only tools and call bindings.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from gatewright.settings import Settings
from gatewright.targets.base import Artifact, BuildError, ToolSpec
from gatewright.targets.names import MAX_NAME
from gatewright.targets.rest.closure import DEFAULT_BUDGET
from gatewright.targets.rest.convert import Converted, OperationConverter, SkipOperation, operations
from gatewright.targets.rest.naming import with_suffix
from gatewright.targets.rest.refs import RefError
from gatewright.targets.rest.schema import DocSchemas
from gatewright.targets.rest.servers import ServerError, server_url
from gatewright.targets.rest.swagger2 import convert_swagger2

JSON = dict[str, Any]
MAX_TOOLS = 1000  # AgentCore's quota of tools per target; GATEWRIGHT_MAX_TOOLS_PER_TARGET changes it
MAX_LISTED_REASONS = 20


@dataclass(frozen=True)
class ImportLimits:
    max_tools: int = MAX_TOOLS
    schema_bytes: int = DEFAULT_BUDGET
    seconds: float = 120.0

    @classmethod
    def from_settings(cls, settings: Settings) -> ImportLimits:
        return cls(
            max_tools=settings.max_tools_per_target,
            schema_bytes=settings.openapi_max_schema_bytes,
            seconds=settings.openapi_import_seconds,
        )


def normalise(doc: JSON) -> tuple[JSON, str]:
    """(an OpenAPI 3.x document, the version the input was written in); BuildError when unsupported."""
    if "swagger" in doc:
        version = str(doc["swagger"])
        if not version.startswith("2."):
            raise BuildError([f"Swagger {version} documents are not supported: expected Swagger 2.0 or OpenAPI 3"])
        return convert_swagger2(doc), f"swagger {version}"
    version = str(doc.get("openapi", ""))
    if not version.startswith("3."):
        raise BuildError([f"unsupported document version {version or '(none)'}: expected Swagger 2.0 or OpenAPI 3"])
    return doc, f"openapi {version}"


class _Names:
    """Tool names already given; a clash gets the next free ``_2``, ``_3``... (document order)."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._taken: set[str] = set()

    def claim(self, name: str) -> str:
        n = 2
        candidate = name
        while candidate in self._taken:
            candidate = with_suffix(name, f"_{n}", self._limit)
            n += 1
        self._taken.add(candidate)
        return candidate


def import_document(
    doc: JSON, *, target_name: str, limits: ImportLimits | None = None, base_url: str | None = None
) -> Artifact:
    limits = limits or ImportLimits()
    started = time.monotonic()
    doc, source = normalise(doc)
    schemas = DocSchemas(doc, openapi30=source.startswith("swagger") or source.startswith("openapi 3.0"))
    converter = OperationConverter(doc, schemas, target_name=target_name, budget=limits.schema_bytes)
    names = _Names(max(16, MAX_NAME - len(target_name) - 3))
    entries: list[JSON] = []
    tools: list[ToolSpec] = []
    bindings: JSON = {}
    for method, path, item, op in operations(doc):
        if time.monotonic() - started > limits.seconds:
            raise BuildError(
                [
                    f"importing the document took longer than {limits.seconds:g} s after {len(entries)} operations "
                    "(GATEWRIGHT_OPENAPI_IMPORT_SECONDS)"
                ]
            )
        entry: JSON = {"operation": f"{method.upper()} {path}"}
        if isinstance(op.get("operationId"), str):
            entry["operationId"] = op["operationId"]
        if len(tools) >= limits.max_tools:
            entries.append(
                entry
                | _skip(f"over the limit of {limits.max_tools} tools per target (GATEWRIGHT_MAX_TOOLS_PER_TARGET)")
            )
            continue
        server, server_note = _server(doc, item, op, base_url)
        try:
            converted = converter.convert(method, path, item, op, server)
        except (SkipOperation, RefError) as exc:
            entries.append(entry | _skip(str(exc)))
            continue
        if server_note:
            converted.degraded.append(server_note)
        entries.append(entry | _admit(converted, names, tools, bindings))
    return _finish(entries, tools, bindings, source)


def _server(doc: JSON, item: JSON, op: JSON, base_url: str | None) -> tuple[str | None, str | None]:
    """The operation's base URL; without a usable one the tool is listed but its calls fail with the reason."""
    try:
        return server_url(doc, item, op, base_url), None
    except ServerError as exc:
        return None, f"{exc}; calls fail until the document has one"


def _skip(reason: str) -> JSON:
    return {"status": "skipped", "reasons": [reason]}


def _admit(converted: Converted, names: _Names, tools: list[ToolSpec], bindings: JSON) -> JSON:
    tool = converted.tool
    name = names.claim(tool.name)
    notes = list(converted.notes)
    renamed = converted.renamed
    if name != tool.name:
        notes.append(f"{tool.name} was already taken: named {name}")
        renamed = True
        tool = ToolSpec(name, tool.description, tool.input_schema, tool.output_schema, tool.annotations, tool.title)
    tools.append(tool)
    bindings[name] = converted.binding
    status = "degraded" if converted.degraded else "renamed" if renamed else "exposed"
    return {"status": status, "tool": name, "reasons": [*notes, *converted.degraded]}


def _finish(entries: list[JSON], tools: list[ToolSpec], bindings: JSON, source: str) -> Artifact:
    counts = Counter(e["status"] for e in entries)
    summary = (
        f"Imported {len(tools)} of {len(entries)} operations from {source} "
        f"({', '.join(f'{n} {s}' for s, n in sorted(counts.items()))})"
    )
    skipped = [f"{e['operation']}: {'; '.join(e['reasons'])}" for e in entries if e["status"] == "skipped"]
    by_reason = Counter(_reason_class(r) for e in entries if e["status"] != "exposed" for r in e["reasons"])
    if not tools:
        if not entries:
            raise BuildError(["The document has no operation (no paths with get, put, post, delete, ...)"])
        raise BuildError(["No operation could become a tool", *skipped[:MAX_LISTED_REASONS]])
    notes = [summary, *(f"Skipped {s}" for s in skipped[:MAX_LISTED_REASONS])]
    if len(skipped) > MAX_LISTED_REASONS:
        notes.append(f"... and {len(skipped) - MAX_LISTED_REASONS} more skipped operations (see the import report)")
    report = {
        "summary": summary,
        "source": source,
        "counts": dict(sorted(counts.items())),
        "reasons": dict(by_reason.most_common()),
        "operations": entries,
    }
    return Artifact(tools=tools, data={"operations": bindings}, notes=notes, report=report)


_SPECIFICS = re.compile(r"'[^']*'|\"[^\"]*\"|\{[^}]*\}|#/\S*|https?://\S*|\b\d+\b")


def _reason_class(reason: str) -> str:
    """A reason without its specifics (names, numbers, references), to count reasons across operations."""
    return _SPECIFICS.sub("_", reason.split(" (", 1)[0]).strip()
