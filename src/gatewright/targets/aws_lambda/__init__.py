"""Lambda targets (``targetConfiguration.mcp.lambda``): tools served by a Lambda function.

A call invokes the function with the tool's arguments as the event and AgentCore's client context
(``result.py``). Where it runs depends on ``GATEWRIGHT_LAMBDA_MODE``, decided at each call:

* ``auto`` (default): a local function when the functions folder (``GATEWRIGHT_FUNCTIONS_DIR``, default
  ``<data dir>/functions``) has one named like the ARN's function, else AWS Lambda;
* ``local``: always a local function (a missing one is the call's error);
* ``aws``: always AWS Lambda (or the Lambda-compatible endpoint the AWS settings name).

Local functions run in worker processes (``local.py``); AWS invocations use boto3 (``remote.py``). Only
GATEWAY_IAM_ROLE outbound auth is accepted, as in AgentCore: the gateway's AWS credentials invoke the function.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from gatewright.errors import ValidationError
from gatewright.settings import Settings
from gatewright.targets.aws_lambda.local import LocalFunctions
from gatewright.targets.aws_lambda.remote import LambdaClients
from gatewright.targets.aws_lambda.result import Invocation, client_context, to_tool_result
from gatewright.targets.aws_lambda.tools import parse_tools
from gatewright.targets.base import (
    Artifact,
    BuildError,
    CallContext,
    TargetConfig,
    TargetEnv,
    TargetError,
    ToolResult,
    ToolSpec,
)
from gatewright.targets.sources import read_source

JSON = dict[str, Any]
MODES = ("auto", "local", "aws")
_ARN = re.compile(r"^arn:[a-z-]+:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_.-]+)(?::([A-Za-z0-9_$-]+))?$")
_FIELD = "targetConfiguration.mcp.lambda"


@dataclass(frozen=True)
class FunctionArn:
    arn: str
    region: str
    name: str


def parse_arn(arn: str) -> FunctionArn | None:
    found = _ARN.match(arn)
    return FunctionArn(arn, found[1], found[3]) if found else None


def mode_of(settings: Settings) -> str:
    mode = settings.lambda_mode.strip().lower()
    if mode not in MODES:
        raise TargetError("Lambda calls are misconfigured.", detail=f"GATEWRIGHT_LAMBDA_MODE must be one of {MODES}")
    return mode


class LambdaTarget:
    def __init__(self, config: TargetConfig, artifact: Artifact, env: TargetEnv, kind: LambdaKind) -> None:
        self._tools = artifact.tools
        self._names = {t.name for t in artifact.tools}
        arn = parse_arn(config.config["lambdaArn"])
        if arn is None:  # validated at request time; a stored target from an older version
            raise BuildError([f"{config.config['lambdaArn']} is not a Lambda function ARN"])
        self._arn = arn
        self._env = env
        self._kind = kind

    def list_tools(self) -> Sequence[ToolSpec]:
        return self._tools

    async def call_tool(self, name: str, arguments: JSON, ctx: CallContext) -> ToolResult:
        if name not in self._names:
            raise TargetError(f"Unknown tool {name}")
        mode = mode_of(self._env.settings)
        event = orjson.dumps(arguments)
        context = client_context(ctx)
        local = self._kind.local(self._env.settings)
        code = local.find(self._arn.name) if mode != "aws" else None
        invocation: Invocation
        if code is not None:
            invocation = await local.invoke(
                code, event, arn=self._arn.arn, region=self._arn.region, client_context=context
            )
        elif mode == "local":
            raise TargetError(
                "The Lambda function could not be invoked.",
                detail=f"no local function {self._arn.name} in {local.directory} (GATEWRIGHT_LAMBDA_MODE=local)",
            )
        else:
            clients = self._kind.clients(self._env.settings)
            invocation = await clients.invoke(self._arn.arn, self._arn.region, event, context)
        return to_tool_result(invocation)

    async def aclose(self) -> None:
        return None  # the worker pool and boto3 clients are the kind's, shared by every Lambda target


class LambdaKind:
    config_key = "lambda"
    target_type = "LAMBDA"
    # AgentCore: Lambda targets require GATEWAY_IAM_ROLE (the gateway's role invokes the function).
    credential_types = frozenset({"GATEWAY_IAM_ROLE"})
    default_signing_service = "lambda"

    def __init__(self) -> None:
        self._local: LocalFunctions | None = None
        self._clients: LambdaClients | None = None

    def local(self, settings: Settings) -> LocalFunctions:
        """The process's local functions (one worker pool, created on first use)."""
        if self._local is None:
            self._local = LocalFunctions(
                settings.functions_path,
                timeout=settings.functions_timeout_seconds,
                memory_mb=settings.functions_memory_mb,
                max_reply_bytes=settings.upstream_max_response_bytes,
            )
        return self._local

    def clients(self, settings: Settings) -> LambdaClients:
        if self._clients is None:
            self._clients = LambdaClients(settings.upstream_timeout_seconds, settings.upstream_connect_timeout_seconds)
        return self._clients

    def validate(self, target: TargetConfig) -> None:
        config = target.config
        if parse_arn(str(config.get("lambdaArn", ""))) is None:
            raise ValidationError.for_field(f"{_FIELD}.lambdaArn", "lambdaArn must be a Lambda function ARN")
        inline = (config.get("toolSchema") or {}).get("inlinePayload")
        if inline is not None and (not isinstance(inline, list) or not inline):
            raise ValidationError.for_field(
                f"{_FIELD}.toolSchema.inlinePayload", "inlinePayload must be a non-empty list of tool definitions"
            )

    async def build(self, target: TargetConfig, env: TargetEnv) -> Artifact:
        settings = env.settings
        source = target.config.get("toolSchema") or {}
        raw = await read_source(source, limit=settings.max_spec_bytes, what="the tool schema")
        tools, notes = parse_tools(raw, target_name=target.name, max_tools=settings.max_tools_per_target)
        arn = parse_arn(target.config["lambdaArn"])
        if arn is None:
            raise BuildError([f"{target.config['lambdaArn']} is not a Lambda function ARN"])
        mode = settings.lambda_mode.strip().lower()
        if mode != "aws" and self.local(settings).find(arn.name) is not None:
            notes.append(f"calls run the local function {arn.name} from {settings.functions_path}")
        elif mode == "local":
            notes.append(f"no local function {arn.name} in {settings.functions_path} yet: calls fail until it is added")
        return Artifact(tools=tools, notes=notes)

    def load(self, target: TargetConfig, artifact: Artifact, env: TargetEnv) -> LambdaTarget:
        return LambdaTarget(target, artifact, env, self)
