"""OpenAPI targets (``targetConfiguration.mcp.openApiSchema``): a REST API described by OpenAPI."""

from __future__ import annotations

import asyncio
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
from gatewright.targets.rest.call import call_operation
from gatewright.targets.rest.external import bundle, spec_fetcher
from gatewright.targets.rest.importer import ImportLimits, import_document
from gatewright.targets.sources import parse_document, read_source

JSON = dict[str, Any]


class OpenApiTarget:
    def __init__(self, config: TargetConfig, artifact: Artifact, env: TargetEnv) -> None:
        self._tools = artifact.tools
        self._operations: JSON = artifact.data["operations"]
        self._env = env
        self._config = config

    def list_tools(self) -> Sequence[ToolSpec]:
        return self._tools

    async def call_tool(self, name: str, arguments: JSON, ctx: CallContext) -> ToolResult:
        binding = self._operations.get(name)
        if binding is None:
            raise TargetError(f"Unknown tool {name}")
        if not binding["server"]:
            raise TargetError("This tool has no server URL: the API description needs an absolute http(s) server URL")
        return await call_operation(
            self._env, self._config, ctx, binding=binding, base_url=binding["server"], arguments=arguments
        )

    async def aclose(self) -> None:
        return None


class OpenApiKind:
    config_key = "openApiSchema"
    target_type = "OPEN_API_SCHEMA"
    credential_types = frozenset({"NONE", "API_KEY", "OAUTH", "GATEWAY_IAM_ROLE", "JWT_PASSTHROUGH"})

    def validate(self, target: TargetConfig) -> None:
        config = target.config
        if "inlinePayload" in config:
            payload = config["inlinePayload"]
            if not isinstance(payload, str) or not payload.strip():
                raise ValidationError.for_field(
                    "targetConfiguration.mcp.openApiSchema.inlinePayload", "inlinePayload must not be empty"
                )

    async def build(self, target: TargetConfig, env: TargetEnv) -> Artifact:
        settings = env.settings
        raw = await read_source(target.config, limit=settings.max_spec_bytes, what="the OpenAPI document")
        doc = await asyncio.to_thread(parse_document, raw, "the OpenAPI document")
        del raw
        doc, notes = await bundle(doc, settings.openapi_ref_base_urls, spec_fetcher(env))
        # The import is CPU-bound: run it off the event loop so the gateway keeps serving meanwhile.
        artifact = await asyncio.to_thread(
            import_document, doc, target_name=target.name, limits=ImportLimits.from_settings(settings)
        )
        artifact.notes.extend(notes)
        return artifact

    def load(self, target: TargetConfig, artifact: Artifact, env: TargetEnv) -> OpenApiTarget:
        return OpenApiTarget(target, artifact, env)
