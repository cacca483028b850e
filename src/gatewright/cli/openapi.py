"""``gatewright openapi check SPEC`` (offline: what an OpenAPI document would import as) and
``gatewright target report GATEWAY TARGET`` (a target's full import report from the control plane).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from gatewright.cli.client import add_connection_args, settings_of
from gatewright.cli.signed import call

JSON = dict[str, Any]
_SHOWN = ("skipped", "degraded", "renamed")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``openapi check``, and ``report`` under the existing ``target`` command (add after cli/gateways.py)."""
    openapi = sub.add_parser("openapi", help="OpenAPI tools that need no running gateway")
    osub = openapi.add_subparsers(dest="action", required=True)
    check = osub.add_parser("check", help="print the import report of an OpenAPI/Swagger file; creates nothing")
    check.add_argument("spec", help="path to a JSON or YAML document ('-' reads standard input)")
    check.add_argument("--name", default="api", help="the target name the tools would have (default: api)")
    check.add_argument("--max-tools", type=int, help="tools per target (default: GATEWRIGHT_MAX_TOOLS_PER_TARGET)")
    check.add_argument("--all", action="store_true", help="list exposed operations too")
    check.add_argument("--json", action="store_true", help="print the full report as JSON")
    check.set_defaults(func=check_spec)

    target = sub.choices["target"]
    tsub = next(a for a in target._actions if isinstance(a, argparse._SubParsersAction))
    report = tsub.add_parser("report", help="the full import report of a target")
    report.add_argument("gateway_id")
    report.add_argument("target_id")
    report.add_argument("--status", help="only these statuses, comma-separated (exposed,renamed,degraded,skipped)")
    report.add_argument("--all", action="store_true", help="list exposed operations too")
    add_connection_args(report)
    report.set_defaults(func=target_report)


def render(report: JSON, *, show_all: bool = False) -> str:
    lines = [str(report.get("summary", ""))]
    reasons = report.get("reasons") or {}
    if reasons:
        lines.append("Reasons:")
        lines.extend(f"  {count:6d}  {reason}" for reason, count in reasons.items())
    for entry in report.get("operations", []):
        status = entry.get("status")
        if show_all or status in _SHOWN:
            tool = f" -> {entry['tool']}" if entry.get("tool") else ""
            lines.append(f"{status:9s} {entry['operation']}{tool}")
            lines.extend(f"            {reason}" for reason in entry.get("reasons") or [])
    return "\n".join(lines)


def check_spec(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from gatewright.targets.base import BuildError
    from gatewright.targets.rest.importer import ImportLimits, import_document
    from gatewright.targets.sources import parse_document

    limits = ImportLimits.from_settings(settings_of(args))
    if args.max_tools is not None:
        limits = replace(limits, max_tools=args.max_tools)
    raw = sys.stdin.buffer.read() if args.spec == "-" else Path(args.spec).read_bytes()
    try:
        artifact = import_document(parse_document(raw, args.spec), target_name=args.name, limits=limits)
    except BuildError as exc:
        print("\n".join(["error: the document cannot be imported", *exc.reasons]), file=sys.stderr)
        return 1
    report = artifact.report or {}
    print(json.dumps(report, indent=2) if args.json else render(report, show_all=args.all))
    return 0


def target_report(args: argparse.Namespace) -> int:
    from urllib.parse import quote

    path = f"/gateways/{quote(args.gateway_id, safe='')}/targets/{quote(args.target_id, safe='')}/importReport"
    if args.status:
        path += "?status=" + quote(args.status, safe=",")
    result = call(args, "GET", path)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{result['targetId']}  {result.get('name')}  {result.get('status')}")
        print(render(result.get("report") or {}, show_all=args.all))
    return 0
