"""OpenAPI targets (``targetConfiguration.mcp.openApiSchema``): a REST API described by OpenAPI."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gatewright.errors import ValidationError
from gatewright.targets.base import (
    Artifact,
    CallContext,
    TargetConfig,
    TargetEnv,
    TargetError,
    ToolResult,
    ToolSpec,
)
from gatewright.targets.http_result import to_tool_result, upstream_failure
from gatewright.targets.openapi.importer import import_document
from gatewright.targets.openapi.request import build_request
from gatewright.targets.sources import parse_document, read_source
from gatewright.upstream.http import UpstreamError

JSON = dict[str, Any]


class OpenApiTarget:
    def __init__(self, config: TargetConfig, artifact: Artifact, env: TargetEnv) -> None:
        self._tools = artifact.tools
        self._operations: JSON = artifact.data["operations"]
        self._env = env
        self._target_id = config.target_id

    def list_tools(self) -> Sequence[ToolSpec]:
        return self._tools

    async def call_tool(self, name: str, arguments: JSON, ctx: CallContext) -> ToolResult:
        binding = self._operations.get(name)
        if binding is None:
            raise TargetError(f"Unknown tool {name}")
        request = build_request(binding, binding["server"], arguments)
        try:
            response = await self._env.http.request(
                request.method, request.url, headers=request.headers, data=request.body, encoded=True
            )
        except UpstreamError as exc:
            raise upstream_failure(exc) from None
        return to_tool_result(response, resource_uri=f"gatewright://{ctx.gateway_id}/{ctx.tool_name}")

    async def aclose(self) -> None:
        return None


class OpenApiKind:
    config_key = "openApiSchema"
    target_type = "OPEN_API_SCHEMA"
    credential_types = frozenset({"NONE", "API_KEY", "OAUTH", "GATEWAY_IAM_ROLE"})

    def validate(self, target: TargetConfig) -> None:
        config = target.config
        if "inlinePayload" in config:
            payload = config["inlinePayload"]
            if not isinstance(payload, str) or not payload.strip():
                raise ValidationError.for_field(
                    "targetConfiguration.mcp.openApiSchema.inlinePayload", "inlinePayload must not be empty"
                )

    async def build(self, target: TargetConfig, env: TargetEnv) -> Artifact:
        raw = await read_source(target.config, limit=env.settings.max_spec_bytes, what="the OpenAPI document")
        doc = parse_document(raw, "the OpenAPI document")
        return import_document(doc, target_name=target.name)

    def load(self, target: TargetConfig, artifact: Artifact, env: TargetEnv) -> OpenApiTarget:
        return OpenApiTarget(target, artifact, env)
