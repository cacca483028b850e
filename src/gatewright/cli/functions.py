"""``gatewright functions list|add|remove|invoke``: the local functions Lambda targets can run (docs/lambda.md).

These commands work on the functions folder directly (``--functions-dir``, ``GATEWRIGHT_FUNCTIONS_DIR``,
default ``<data dir>/functions``); a running gateway picks changes up at the next call. ``invoke`` runs a
function exactly as a gateway would (worker process, timeout, memory cap, AgentCore client context).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from gatewright.settings import Settings
from gatewright.targets.aws_lambda.local import (
    FOLDER_HANDLER,
    LocalFunctions,
    find_function,
    list_functions,
    valid_name,
)
from gatewright.targets.aws_lambda.result import Invocation


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("functions", help="local functions for Lambda targets (no AWS account needed)")
    fsub = parser.add_subparsers(dest="action", required=True)
    listing = fsub.add_parser("list", help="the local functions and the ARN that runs each")
    add = fsub.add_parser("add", help="install FILE (a .py file or a folder with lambda_function.py) as NAME")
    add.add_argument("name")
    add.add_argument("file")
    add.add_argument("--force", action="store_true", help="replace an existing function of that name")
    remove = fsub.add_parser("remove", help="delete a local function")
    remove.add_argument("name")
    invoke = fsub.add_parser("invoke", help="run a function once, as a gateway would, and print its result")
    invoke.add_argument("name")
    invoke.add_argument("--event", default="{}", help="the event, as JSON (default {})")
    invoke.add_argument("--tool", help="the tool name put in the client context (default: the function name)")
    for command, func in ((listing, list_cmd), (add, add_cmd), (remove, remove_cmd), (invoke, invoke_cmd)):
        command.add_argument("--functions-dir", help="the folder (GATEWRIGHT_FUNCTIONS_DIR; <data dir>/functions)")
        command.add_argument("--data-dir", help="the gateway's data folder (GATEWRIGHT_DATA_DIR, default ./data)")
        command.set_defaults(func=func)


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.load(data_dir=args.data_dir, functions_dir=args.functions_dir)


def _arn(settings: Settings, name: str) -> str:
    return f"arn:aws:lambda:{settings.region}:{settings.account_id}:function:{name}"


def list_cmd(args: argparse.Namespace) -> int:
    settings = _settings(args)
    found = list_functions(settings.functions_path)
    if not found:
        print(f"no functions in {settings.functions_path}", file=sys.stderr)
    for code in found:
        print(f"{code.name}\t{code.path}\t{_arn(settings, code.name)}")
    return 0


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def add_cmd(args: argparse.Namespace) -> int:
    settings = _settings(args)
    directory = settings.functions_path
    source = Path(args.file)
    name: str = args.name
    if not valid_name(name):
        return _fail(f"{name!r}: use 1-64 letters, digits, '-', '_' or '.' (not starting with '.')")
    if source.is_dir() and not (source / FOLDER_HANDLER).is_file():
        return _fail(f"{source} has no {FOLDER_HANDLER}")
    if not source.is_dir() and (not source.is_file() or source.suffix != ".py"):
        return _fail(f"{source} is neither a .py file nor a folder")
    existing = find_function(directory, name)
    if existing is not None and not args.force:
        return _fail(f"{name} already exists ({existing.path}); use --force to replace it")
    _delete(directory, name)
    directory.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, directory / name, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        shutil.copyfile(source, directory / f"{name}.py")
    print(f"added {name}: use lambdaArn {_arn(settings, name)}")
    return 0


def _delete(directory: Path, name: str) -> bool:
    removed = False
    if (directory / f"{name}.py").is_file():
        (directory / f"{name}.py").unlink()
        removed = True
    if (directory / name).is_dir() and not (directory / name).is_symlink():
        shutil.rmtree(directory / name)
        removed = True
    return removed


def remove_cmd(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if not valid_name(args.name) or not _delete(settings.functions_path, args.name):
        return _fail(f"no function {args.name} in {settings.functions_path}")
    print(f"removed {args.name}")
    return 0


def _stderr_log(name: str, line: str) -> None:
    print(f"[{name}] {line}", file=sys.stderr)


async def _run(settings: Settings, args: argparse.Namespace, event: bytes) -> Invocation:
    functions = LocalFunctions(
        settings.functions_path,
        timeout=settings.functions_timeout_seconds,
        memory_mb=settings.functions_memory_mb,
        max_reply_bytes=settings.upstream_max_response_bytes,
        on_log=_stderr_log,
    )
    code = functions.find(args.name)
    assert code is not None
    custom: dict[str, Any] = {
        "bedrockAgentCoreMessageVersion": "1.0",
        "bedrockAgentCoreAwsRequestId": "local-cli",
        "bedrockAgentCoreMcpMessageId": "1",
        "bedrockAgentCoreGatewayId": "local-cli",
        "bedrockAgentCoreTargetId": "local-cli",
        "bedrockAgentCoreToolName": args.tool or args.name,
    }
    try:
        return await functions.invoke(
            code, event, arn=_arn(settings, args.name), region=settings.region, client_context={"custom": custom}
        )
    finally:
        await functions.aclose()


def invoke_cmd(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if find_function(settings.functions_path, args.name) is None:
        return _fail(f"no function {args.name} in {settings.functions_path}")
    try:
        event = json.dumps(json.loads(args.event)).encode()
    except json.JSONDecodeError as exc:
        return _fail(f"--event is not JSON: {exc}")
    invocation = asyncio.run(_run(settings, args, event))
    if invocation.error is not None:
        print(json.dumps(invocation.error, indent=2))
        return 1
    print((invocation.payload or b"null").decode())
    return 0
