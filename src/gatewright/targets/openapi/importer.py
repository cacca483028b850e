"""Import a whole API description: every operation converted, skipped or renamed, and all of it reported.

The report has one entry per operation (``exposed``, ``renamed``, ``degraded`` or ``skipped`` with the
reasons) and a summary; the summary lines become the target's ``statusReasons``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from gatewright.targets.base import Artifact, BuildError, ToolSpec
from gatewright.targets.openapi.convert import OperationConverter, SkipOperation, operations
from gatewright.targets.openapi.servers import ServerError, server_url

JSON = dict[str, Any]
MAX_TOOLS = 1000  # AgentCore's quota of tools per target; raise with GATEWRIGHT_MAX_TOOLS_PER_TARGET


def _version(doc: JSON) -> str:
    if isinstance(doc.get("swagger"), str):
        raise BuildError([f"Swagger {doc['swagger']} documents are not supported yet; convert to OpenAPI 3"])
    version = str(doc.get("openapi", ""))
    if not version.startswith(("3.0", "3.1")):
        raise BuildError([f"unsupported document version {version or '(none)'}: expected OpenAPI 3.0 or 3.1"])
    return version


def import_document(
    doc: JSON, *, target_name: str, max_tools: int = MAX_TOOLS, base_url: str | None = None
) -> Artifact:
    version = _version(doc)
    converter = OperationConverter(doc, openapi30=version.startswith("3.0"), target_name=target_name)
    entries: list[JSON] = []
    tools: list[ToolSpec] = []
    bindings: JSON = {}
    for method, path, item, op in operations(doc):
        label = f"{method.upper()} {path}"
        entry: JSON = {"operation": label}
        if op.get("operationId"):
            entry["operationId"] = op["operationId"]
        try:
            base = server_url(doc, item, op, base_url)
            converted = converter.convert(method, path, item, op, base)
        except (SkipOperation, ServerError) as exc:
            entries.append(entry | {"status": "skipped", "reasons": [str(exc)]})
            continue
        name = converted.tool.name
        if name in bindings:
            entries.append(entry | {"status": "skipped", "reasons": [f"tool name {name} is already used"]})
            continue
        if len(tools) >= max_tools:
            entries.append(entry | {"status": "skipped", "reasons": [f"over the limit of {max_tools} tools"]})
            continue
        tools.append(converted.tool)
        bindings[name] = converted.binding
        status = "renamed" if any(n.startswith("renamed") for n in converted.notes) else "exposed"
        if any(n.startswith("optional request body") for n in converted.notes):
            status = "degraded"
        entries.append(entry | {"status": status, "tool": name, "reasons": converted.notes})
    counts = Counter(e["status"] for e in entries)
    summary = (
        f"Imported {len(tools)} of {len(entries)} operations "
        f"({', '.join(f'{n} {s}' for s, n in sorted(counts.items()))})"
    )
    skipped = [f"{e['operation']}: {'; '.join(e['reasons'])}" for e in entries if e["status"] == "skipped"]
    if not tools:
        raise BuildError(["No operation could become a tool", *skipped[:20]])
    notes = [summary, *(f"Skipped {s}" for s in skipped[:20])]
    if len(skipped) > 20:
        notes.append(f"... and {len(skipped) - 20} more skipped operations (see the import report)")
    report = {"summary": summary, "counts": dict(counts), "operations": entries}
    return Artifact(tools=tools, data={"operations": bindings}, notes=notes, report=report)
