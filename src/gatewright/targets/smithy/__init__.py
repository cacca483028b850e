"""Smithy targets (``targetConfiguration.mcp.smithyModel``): an AWS-style service described by a Smithy model.

The model (JSON AST, inline or from S3) becomes one tool per operation (``convert.py``); calls speak the
service's protocol (``request.py``: awsJson1_0, awsJson1_1, restJson1), go to the endpoint from the
standard AWS settings (``targets/aws.py``) and are signed with SigV4 under the model's ``aws.auth#sigv4``
name when the target uses GATEWAY_IAM_ROLE (or carry an OAuth token with OAUTH).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from gatewright.errors import ValidationError
from gatewright.targets.aws import endpoint_env_name, service_endpoint
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
from gatewright.targets.http_call import call_http
from gatewright.targets.smithy.convert import import_model
from gatewright.targets.smithy.request import aws_json_request, rest_json_request, with_tokens
from gatewright.targets.smithy.response import to_result
from gatewright.targets.sources import parse_document, read_source

JSON = dict[str, Any]
_FIELD = "targetConfiguration.mcp.smithyModel"


def _iam(target: TargetConfig) -> JSON | None:
    """The target's iamCredentialProvider ({} when GATEWAY_IAM_ROLE has none), or None without GATEWAY_IAM_ROLE."""
    for config in target.credential_providers:
        if config.get("credentialProviderType") == "GATEWAY_IAM_ROLE":
            return dict((config.get("credentialProvider") or {}).get("iamCredentialProvider") or {})
    return None


class SmithyTarget:
    def __init__(self, config: TargetConfig, artifact: Artifact, env: TargetEnv) -> None:
        data = artifact.data
        self._tools = artifact.tools
        self._operations: JSON = data["operations"]
        self._shapes: JSON = data["shapes"]
        self._protocol: str = data["protocol"]
        service: JSON = data["service"]
        self._service_id: str = service["sdkId"]
        self._signing_name: str | None = service.get("signingName")
        region = (_iam(config) or {}).get("region") or env.settings.region
        self._endpoint = service_endpoint(self._service_id, service.get("endpointPrefix"), region)
        self._config = config
        self._env = env

    def list_tools(self) -> Sequence[ToolSpec]:
        return self._tools

    async def call_tool(self, name: str, arguments: JSON, ctx: CallContext) -> ToolResult:
        binding = self._operations.get(name)
        if binding is None:
            raise TargetError(f"Unknown tool {name}")
        if not self._endpoint:
            raise TargetError(
                "No endpoint is known for this service.",
                detail=f"set {endpoint_env_name(self._service_id)} or AWS_ENDPOINT_URL",
            )
        arguments = with_tokens(arguments, binding["tokens"])
        if self._protocol == "restJson1":
            request = rest_json_request(binding, self._shapes, self._endpoint, arguments)
        else:
            version = "1.0" if self._protocol == "awsJson1_0" else "1.1"
            request = aws_json_request(binding, self._shapes, version, self._endpoint, arguments)
        response = await call_http(self._env, self._config, request, ctx, default_service=self._signing_name)
        result = to_result(
            self._service_id, response, binding.get("out"), f"gatewright://{ctx.gateway_id}/{ctx.tool_name}"
        )
        result.headers = response.headers
        return result

    async def aclose(self) -> None:
        return None


class SmithyKind:
    config_key = "smithyModel"
    target_type = "SMITHY_MODEL"
    # AgentCore: GATEWAY_IAM_ROLE or OAuth; no unauthenticated Smithy targets.
    credential_types = frozenset({"GATEWAY_IAM_ROLE", "OAUTH"})
    # GATEWAY_IAM_ROLE needs no iamCredentialProvider.service: the model's aws.auth#sigv4 name is used.
    default_signing_service = "aws.auth#sigv4"

    def validate(self, target: TargetConfig) -> None:
        config = target.config
        if "inlinePayload" in config:
            payload = config["inlinePayload"]
            if not isinstance(payload, str) or not payload.strip():
                raise ValidationError.for_field(f"{_FIELD}.inlinePayload", "inlinePayload must not be empty")

    async def build(self, target: TargetConfig, env: TargetEnv) -> Artifact:
        settings = env.settings
        raw = await read_source(target.config, limit=settings.max_spec_bytes, what="the Smithy model")
        doc = await asyncio.to_thread(parse_document, raw, "the Smithy model")
        del raw
        artifact = await asyncio.to_thread(
            import_model, doc, target_name=target.name, max_tools=settings.max_tools_per_target
        )
        iam = _iam(target)
        if iam is not None and not iam.get("service") and not artifact.data["service"]["signingName"]:
            raise BuildError(
                [
                    "the model has no aws.auth#sigv4 trait to sign GATEWAY_IAM_ROLE requests with; "
                    "set credentialProvider.iamCredentialProvider.service"
                ]
            )
        return artifact

    def load(self, target: TargetConfig, artifact: Artifact, env: TargetEnv) -> SmithyTarget:
        return SmithyTarget(target, artifact, env)
