"""API Gateway targets (``targetConfiguration.mcp.apiGateway``): methods of a REST API stage become tools.

* ``validate``: shapes and outbound auth (``config.py``), no network;
* ``precheck`` (CreateGatewayTarget/UpdateGatewayTarget): reads the stage (``reader.py``) and applies the
  filters and overrides (``select.py``), so a missing name, an unknown path or a missing API or stage is a
  ValidationException of the request itself, as in AgentCore;
* ``build`` (also on SynchronizeGatewayTargets): reads the stage again, writes an OpenAPI document for the
  selected methods (``document.py``) and imports it like an OpenAPI target (``rest.py``); methods the target
  cannot call are left out, each with its reason in ``statusReasons``;
* calls go to the stage's invoke URL (``endpoint.py``) through the shared HTTP call path, with the target's
  credentials only for methods whose authorization needs them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from gatewright.errors import ValidationError
from gatewright.settings import Settings
from gatewright.targets.apigateway.config import check_config, credential_type
from gatewright.targets.apigateway.document import openapi_document
from gatewright.targets.apigateway.endpoint import InvokeUrlError, invoke_url
from gatewright.targets.apigateway.reader import ReadError, RestApi, read_rest_api
from gatewright.targets.apigateway.rest import import_operations
from gatewright.targets.apigateway.select import Problem, Selection, select
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
from gatewright.targets.rest.call import call_operation

JSON = dict[str, Any]
SIGNING_SERVICE = "execute-api"


def _signed_in(target: TargetConfig, region: str) -> TargetConfig:
    """GATEWAY_IAM_ROLE signs for execute-api in the API's region unless the target names another region."""
    providers = target.credential_providers
    if not providers or providers[0].get("credentialProviderType") != "GATEWAY_IAM_ROLE":
        return target
    provider = providers[0].get("credentialProvider") or {}
    iam = {"service": SIGNING_SERVICE, "region": region, **(provider.get("iamCredentialProvider") or {})}
    first = {**providers[0], "credentialProvider": {**provider, "iamCredentialProvider": iam}}
    return replace(target, credential_providers=[first, *providers[1:]])


class ApiGatewayTarget:
    def __init__(self, config: TargetConfig, artifact: Artifact, env: TargetEnv) -> None:
        info: JSON = artifact.data["apiGateway"]
        self._tools = artifact.tools
        self._operations: JSON = artifact.data["operations"]
        self._credentialed = set(info["credentialed"])
        self._env = env
        self._with_credentials = _signed_in(config, info["region"])
        self._without_credentials = replace(config, credential_providers=[])
        self._base_error: str | None = None
        try:
            self._base = invoke_url(
                env.settings.apigateway_invoke_url,
                rest_api_id=info["restApiId"],
                region=info["region"],
                stage=info["stage"],
            )
        except InvokeUrlError as exc:
            self._base, self._base_error = "", str(exc)

    def list_tools(self) -> Sequence[ToolSpec]:
        return self._tools

    async def call_tool(self, name: str, arguments: JSON, ctx: CallContext) -> ToolResult:
        binding = self._operations.get(name)
        if binding is None:
            raise TargetError(f"Unknown tool {name}")
        if self._base_error is not None:
            raise TargetError("The gateway's API Gateway invoke URL setting is not valid.", detail=self._base_error)
        needs = f"{binding['method']} {binding['path']}" in self._credentialed
        target = self._with_credentials if needs else self._without_credentials
        return await call_operation(
            self._env,
            target,
            ctx,
            binding=binding,
            base_url=self._base,
            arguments=arguments,
            default_service=SIGNING_SERVICE,
        )

    async def aclose(self) -> None:
        return None


class ApiGatewayKind:
    config_key = "apiGateway"
    target_type = "API_GATEWAY"
    # AgentCore allows NONE, API_KEY and GATEWAY_IAM_ROLE; OAUTH and JWT_PASSTHROUGH reach methods behind
    # Cognito user pool or Lambda authorizers (select.py).
    credential_types = frozenset({"NONE", "API_KEY", "GATEWAY_IAM_ROLE", "OAUTH", "JWT_PASSTHROUGH"})
    default_signing_service = SIGNING_SERVICE

    def validate(self, target: TargetConfig) -> None:
        check_config(target)

    async def precheck(self, target: TargetConfig, settings: Settings) -> None:
        try:
            await _read_and_select(target, settings, full=False)
        except (ReadError, Problem) as exc:
            raise ValidationError.for_field(exc.field, exc.message) from None

    async def build(self, target: TargetConfig, env: TargetEnv) -> Artifact:
        settings = env.settings
        try:
            api, selection = await _read_and_select(target, settings)
            base = invoke_url(settings.apigateway_invoke_url, rest_api_id=api.id, region=api.region, stage=api.stage)
        except (ReadError, Problem, InvokeUrlError) as exc:
            raise BuildError([getattr(exc, "message", str(exc))]) from None
        notes = list(api.notes)
        doc = openapi_document(api, selection, notes)
        artifact = await asyncio.to_thread(
            import_operations, doc, target_name=target.name, settings=settings, base_url=base
        )
        artifact.data["apiGateway"] = {
            "restApiId": api.id,
            "stage": api.stage,
            "region": api.region,
            "credentialed": [f"{op.method} {op.path}" for op in selection.operations if op.credentials],
        }
        headline = (
            f"REST API {api.name or api.id} ({api.id}), stage {api.stage}: {len(selection.operations)} methods "
            f"selected, {len(selection.excluded)} excluded"
        )
        excluded = [f"Excluded {reason}" for reason in selection.excluded]
        artifact.notes = [headline, *excluded, *notes, *artifact.notes]
        if artifact.report is not None:
            artifact.report["excluded"] = list(selection.excluded)
        return artifact

    def load(self, target: TargetConfig, artifact: Artifact, env: TargetEnv) -> ApiGatewayTarget:
        return ApiGatewayTarget(target, artifact, env)


async def _read_and_select(target: TargetConfig, settings: Settings, *, full: bool = True) -> tuple[RestApi, Selection]:
    config = target.config
    api = await asyncio.to_thread(
        read_rest_api,
        str(config["restApiId"]),
        str(config["stage"]),
        region=settings.region,
        connect_timeout=settings.upstream_connect_timeout_seconds,
        read_timeout=settings.upstream_timeout_seconds,
        full=full,
    )
    selection = select(
        api,
        config.get("apiGatewayToolConfiguration") or {},
        credential_type(target),
        invoke_url_set=bool(settings.apigateway_invoke_url),
    )
    return api, selection
