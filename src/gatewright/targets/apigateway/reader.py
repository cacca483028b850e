"""Read one REST API stage from API Gateway with boto3 (``apigateway``), into plain data.

The endpoint, region and credentials are the standard AWS settings: ``AWS_ENDPOINT_URL_API_GATEWAY`` (or
``AWS_ENDPOINT_URL_APIGATEWAY``), then ``AWS_ENDPOINT_URL``; ``AWS_REGION``/``AWS_DEFAULT_REGION`` or the
profile (else the gateway's ``GATEWRIGHT_REGION``); the credential chain. AWS, LocalStack and a moto server
all work.

What is read: the REST API (endpoint types), the stage and its deployment (the deployed methods, when the
service returns an API summary), the resources with their methods (request parameters, request models,
operation names, authorization, API keys), the models' JSON schemas, the authorizers, and the stage's
``oas30`` export with the ``apigateway`` extensions. The export only adds descriptions: a moto server's export
is a stub, and the resource model alone is enough to build the tools.

Every botocore failure becomes a :class:`ReadError` naming what could not be read; nothing else escapes.
This is blocking code: callers run it in a thread.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]
_FIELD = "targetConfiguration.mcp.apiGateway"


class ReadError(Exception):
    """The stage cannot be read; ``field`` is the configuration field at fault (for ValidationException)."""

    def __init__(self, message: str, field: str = _FIELD) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Method:
    http_method: str
    authorization_type: str = "NONE"  # NONE | AWS_IAM | CUSTOM | COGNITO_USER_POOLS
    api_key_required: bool = False
    operation_name: str | None = None
    # "method.request.querystring.page" -> required
    request_parameters: dict[str, bool] = field(default_factory=dict)
    # content type -> model name
    request_models: dict[str, str] = field(default_factory=dict)
    authorizer_id: str | None = None


@dataclass(frozen=True)
class Resource:
    path: str
    methods: dict[str, Method]


@dataclass
class RestApi:
    id: str
    name: str
    region: str
    stage: str
    endpoint_types: list[str] = field(default_factory=list)
    execute_api_disabled: bool = False
    resources: list[Resource] = field(default_factory=list)
    # model name -> its schema text (JSON schema draft 4)
    models: dict[str, str] = field(default_factory=dict)
    # authorizer id -> {"type", "identitySource", "name"}
    authorizers: dict[str, JSON] = field(default_factory=dict)
    # path -> deployed methods, from the stage's deployment; None when the service gives no summary
    deployed: dict[str, set[str]] | None = None
    # The parsed stage export; None when it could not be read
    export: JSON | None = None
    notes: list[str] = field(default_factory=list)


def _method(raw: JSON) -> Method:
    params = raw.get("requestParameters") or {}
    models = raw.get("requestModels") or {}
    name = raw.get("operationName")
    return Method(
        http_method=str(raw.get("httpMethod", "")).upper(),
        authorization_type=str(raw.get("authorizationType") or "NONE").upper(),
        api_key_required=bool(raw.get("apiKeyRequired")),
        operation_name=name.strip() if isinstance(name, str) and name.strip() else None,
        request_parameters={str(k): bool(v) for k, v in params.items()},
        request_models={str(k): str(v) for k, v in models.items()},
        authorizer_id=raw.get("authorizerId") or None,
    )


class _Reader:
    def __init__(self, client: Any, rest_api_id: str, stage: str) -> None:
        self.client = client
        self.api_id = rest_api_id
        self.stage = stage

    def pages(self, operation: str, **params: Any) -> list[JSON]:
        items: list[JSON] = []
        for page in self.client.get_paginator(operation).paginate(restApiId=self.api_id, **params):
            items.extend(page.get("items") or [])
        return items

    def resources(self) -> list[Resource]:
        out = []
        for raw in self.pages("get_resources", embed=["methods"]):
            methods = {}
            for verb, embedded in (raw.get("resourceMethods") or {}).items():
                detail = embedded if "authorizationType" in (embedded or {}) else self._get_method(raw["id"], verb)
                methods[verb.upper()] = _method({"httpMethod": verb, **detail})
            out.append(Resource(str(raw.get("path", "/")), methods))
        return out

    def _get_method(self, resource_id: str, verb: str) -> JSON:
        detail: JSON = self.client.get_method(restApiId=self.api_id, resourceId=resource_id, httpMethod=verb)
        return detail

    def deployed(self, deployment_id: str | None) -> dict[str, set[str]] | None:
        if not deployment_id:
            return None
        found = self.client.get_deployment(restApiId=self.api_id, deploymentId=deployment_id, embed=["apisummary"])
        summary = found.get("apiSummary")
        if not isinstance(summary, dict):
            return None
        return {str(path): {m.upper() for m in methods} for path, methods in summary.items()}

    def export(self) -> JSON | None:
        response = self.client.get_export(
            restApiId=self.api_id,
            stageName=self.stage,
            exportType="oas30",
            parameters={"extensions": "apigateway"},
            accepts="application/json",
        )
        body = response["body"].read()
        doc = json.loads(body)
        return doc if isinstance(doc, dict) else None


@functools.lru_cache(maxsize=4)
def _client(region: str, connect_timeout: float, read_timeout: float) -> Any:
    """One client per settings (creating one costs ~100 ms; clients are thread-safe and refresh credentials)."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session()
    config = Config(
        connect_timeout=connect_timeout, read_timeout=read_timeout, retries={"max_attempts": 3, "mode": "standard"}
    )
    # botocore's own variable is AWS_ENDPOINT_URL_API_GATEWAY (from the service id "API Gateway");
    # AWS_ENDPOINT_URL_APIGATEWAY is accepted too, as the name people guess.
    alias = None if os.environ.get("AWS_ENDPOINT_URL_API_GATEWAY") else os.environ.get("AWS_ENDPOINT_URL_APIGATEWAY")
    return session.client(
        "apigateway", region_name=session.region_name or region, config=config, endpoint_url=alias or None
    )


def _not_found(exc: Exception) -> bool:
    from botocore.exceptions import ClientError

    return isinstance(exc, ClientError) and exc.response.get("Error", {}).get("Code") == "NotFoundException"


def _describe(exc: Exception, what: str) -> str:
    from botocore.exceptions import ClientError, NoCredentialsError

    if isinstance(exc, NoCredentialsError):
        return f"cannot read {what}: the gateway has no AWS credentials (standard AWS credential chain)"
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"cannot read {what}: {error.get('Code', 'error')}: {error.get('Message', '')}".rstrip(": ")
    return f"cannot read {what}: {exc}"


def read_rest_api(
    rest_api_id: str,
    stage: str,
    *,
    region: str,
    connect_timeout: float = 5.0,
    read_timeout: float = 30.0,
    full: bool = True,
) -> RestApi:
    """Read the REST API and stage; ReadError when either is missing or API Gateway cannot be reached.

    ``full=False`` skips what only tool schemas need (models, export): enough to check a configuration.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    what = f"REST API {rest_api_id}"
    try:
        client = _client(region, connect_timeout, read_timeout)
        reader = _Reader(client, rest_api_id, stage)
        try:
            api = client.get_rest_api(restApiId=rest_api_id)
        except ClientError as exc:
            if _not_found(exc):
                raise ReadError(f"REST API {rest_api_id} does not exist", f"{_FIELD}.restApiId") from None
            raise
        try:
            found = client.get_stage(restApiId=rest_api_id, stageName=stage)
        except ClientError as exc:
            if _not_found(exc):
                raise ReadError(f"REST API {rest_api_id} has no stage {stage}", f"{_FIELD}.stage") from None
            raise
        result = RestApi(
            id=rest_api_id,
            name=str(api.get("name", "")),
            region=client.meta.region_name,
            stage=stage,
            endpoint_types=list((api.get("endpointConfiguration") or {}).get("types") or []),
            execute_api_disabled=bool(api.get("disableExecuteApiEndpoint")),
        )
        what = f"the resources of REST API {rest_api_id}"
        result.resources = reader.resources()
        result.deployed = reader.deployed(found.get("deploymentId"))
        what = f"the authorizers of REST API {rest_api_id}"
        result.authorizers = {str(a["id"]): a for a in reader.pages("get_authorizers")}
        if full:
            what = f"the models of REST API {rest_api_id}"
            result.models = {str(m["name"]): str(m.get("schema") or "{}") for m in reader.pages("get_models")}
    except (BotoCoreError, ClientError) as exc:
        if _not_found(exc):
            raise ReadError(f"REST API {rest_api_id} or its stage {stage} no longer exists") from None
        raise ReadError(_describe(exc, what)) from None
    if not full:
        return result
    try:
        result.export = reader.export()
    except (BotoCoreError, ClientError, ValueError, KeyError) as exc:
        result.notes.append(f"the stage export was not used ({_describe(exc, 'the export')})")
    return result


def list_rest_apis(*, region: str) -> list[JSON]:
    """Every REST API of the configured endpoint with its stage names (for ``gatewright apigateway list``)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        client = _client(region, 5.0, 30.0)
        apis: list[JSON] = []
        for page in client.get_paginator("get_rest_apis").paginate():
            apis.extend(page.get("items") or [])
        for api in apis:
            stages = client.get_stages(restApiId=api["id"]).get("item") or []
            api["stages"] = sorted(str(s["stageName"]) for s in stages)
        return apis
    except (BotoCoreError, ClientError) as exc:
        raise ReadError(_describe(exc, "the REST APIs")) from None


def list_stages(rest_api_id: str, *, region: str) -> list[JSON]:
    """The stages of one REST API (name, description, deployment id), for the console's stage picker."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        items = _client(region, 5.0, 30.0).get_stages(restApiId=rest_api_id).get("item") or []
    except (BotoCoreError, ClientError) as exc:
        if _not_found(exc):
            raise ReadError(f"REST API {rest_api_id} does not exist", f"{_FIELD}.restApiId") from None
        raise ReadError(_describe(exc, f"the stages of REST API {rest_api_id}")) from None
    stages = [
        {
            "stageName": str(s["stageName"]),
            "description": s.get("description") or "",
            "deploymentId": s.get("deploymentId"),
        }
        for s in items
    ]
    return sorted(stages, key=lambda s: s["stageName"])
