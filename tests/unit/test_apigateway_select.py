"""Which methods of a stage become tools (targets/apigateway/select.py), and the request-time checks of the
configuration (config.py): on REST APIs written as data, no network."""

from __future__ import annotations

from typing import Any

import pytest

from gatewright.errors import ValidationError
from gatewright.targets.apigateway.config import check_config
from gatewright.targets.apigateway.reader import Method, Resource, RestApi
from gatewright.targets.apigateway.select import Problem, select
from gatewright.targets.base import TargetConfig

JSON = dict[str, Any]


def _api(**extra: Any) -> RestApi:
    resources = [
        Resource("/", {}),
        Resource("/pets", {"GET": Method("GET"), "POST": Method("POST", operation_name="CreatePet")}),
        Resource("/pets/{petId}", {"GET": Method("GET", operation_name="GetPet")}),
        Resource("/pets/{petId}/toys", {"ANY": Method("ANY", operation_name="Toys")}),
        Resource("/store", {"GET": Method("GET", operation_name="Store")}),
    ]
    return RestApi(id="abc123", name="PetStore", region="us-east-1", stage="test", resources=resources, **extra)


def _tools(*filters: tuple[str, list[str]], overrides: list[JSON] | None = None) -> JSON:
    out: JSON = {"toolFilters": [{"filterPath": p, "methods": m} for p, m in filters]}
    if overrides is not None:
        out["toolOverrides"] = overrides
    return out


def _keys(api: RestApi, tools: JSON, credential: str = "NONE") -> list[str]:
    return [f"{o.method} {o.path}={o.name}" for o in select(api, tools, credential, invoke_url_set=False).operations]


ALL_PETS = {"name": "GetAllPets", "path": "/pets", "method": "GET"}


def test_seed_selection() -> None:
    tools = _tools(("/pets", ["GET", "POST"]), ("/pets/{petId}", ["GET"]), overrides=[ALL_PETS])
    assert _keys(_api(), tools) == ["GET /pets=GetAllPets", "POST /pets=CreatePet", "GET /pets/{petId}=GetPet"]


def test_wildcards_overlaps_and_any_methods() -> None:
    tools = _tools(("/pets/*", ["GET", "PUT"]), ("/pets/{petId}", ["GET"]), ("/*", ["GET"]), overrides=[ALL_PETS])
    assert _keys(_api(), tools) == [
        "GET /pets=GetAllPets",
        "GET /pets/{petId}=GetPet",
        "GET /pets/{petId}/toys=Toys",  # ANY answers every method
        "PUT /pets/{petId}/toys=Toys",
        "GET /store=Store",
    ]


def test_missing_names_are_all_named() -> None:
    api = _api()
    api.resources.append(Resource("/owners", {"DELETE": Method("DELETE")}))
    with pytest.raises(Problem) as caught:
        select(api, _tools(("/*", ["GET", "DELETE"])), "NONE", invoke_url_set=False)
    assert caught.value.message.startswith("GET /pets, DELETE /owners have no operation name")
    assert caught.value.field.endswith("toolOverrides")


@pytest.mark.parametrize(
    ("tools", "field", "words"),
    [
        (_tools(("/cats", ["GET"])), "toolFilters[0].filterPath", "has no resource /cats"),
        (_tools(("/store", ["POST"])), "toolFilters[0].methods", "no method POST /store"),
        (_tools(("/cats/*", ["GET"])), "toolFilters[0].filterPath", "/cats/* selects no method"),
        (_tools(("/store", ["GET"]), overrides=[ALL_PETS]), "toolOverrides[0]", "GET /pets is not selected"),
        (
            _tools(("/pets", ["GET"]), overrides=[ALL_PETS, {**ALL_PETS, "name": "Other"}]),
            "toolOverrides[1]",
            "more than one override",
        ),
    ],
)
def test_configuration_problems(tools: JSON, field: str, words: str) -> None:
    with pytest.raises(Problem) as caught:
        select(_api(), tools, "NONE", invoke_url_set=False)
    assert caught.value.field.endswith(field)
    assert words in caught.value.message


def test_undeployed_and_greedy_methods_are_excluded() -> None:
    api = _api(deployed={"/pets": {"GET"}, "/store": {"ANY"}})
    api.resources.append(Resource("/files/{proxy+}", {"GET": Method("GET", operation_name="Files")}))
    api.deployed = {**(api.deployed or {}), "/files/{proxy+}": {"GET"}}
    selection = select(api, _tools(("/*", ["GET"]), overrides=[ALL_PETS]), "NONE", invoke_url_set=False)
    assert [o.name for o in selection.operations] == ["GetAllPets", "Store"]
    assert selection.excluded == [
        "GET /pets/{petId}: it is not deployed to stage test (deploy the API again)",
        "GET /pets/{petId}/toys: it is not deployed to stage test (deploy the API again)",
        "GET /files/{proxy+}: greedy path variables ({proxy+}) cannot become tools",
    ]


def _secured(method: Method, authorizers: dict[str, JSON] | None = None) -> RestApi:
    return RestApi(
        id="abc123",
        name="Secured",
        region="us-east-1",
        stage="test",
        resources=[Resource("/open", {"GET": Method("GET", operation_name="Open")}), Resource("/x", {"GET": method})],
        authorizers=authorizers or {},
    )


@pytest.mark.parametrize(
    ("method", "allowed"),
    [
        (Method("GET", operation_name="X", api_key_required=True), {"API_KEY"}),
        (Method("GET", "AWS_IAM", operation_name="X"), {"GATEWAY_IAM_ROLE"}),
        (Method("GET", "COGNITO_USER_POOLS", operation_name="X"), {"OAUTH", "JWT_PASSTHROUGH"}),
        (Method("GET", "CUSTOM", operation_name="X", authorizer_id="a1"), {"OAUTH", "JWT_PASSTHROUGH"}),
        (Method("GET", "AWS_IAM", True, operation_name="X"), set()),
        (Method("GET", "COGNITO_USER_POOLS", True, operation_name="X"), set()),
    ],
)
def test_authorization_decides_what_a_target_can_call(method: Method, allowed: set[str]) -> None:
    tools = _tools(("/*", ["GET"]))
    for credential in ("NONE", "API_KEY", "GATEWAY_IAM_ROLE", "OAUTH", "JWT_PASSTHROUGH"):
        selection = select(_secured(method), tools, credential, invoke_url_set=False)
        calls = {o.path: o.credentials for o in selection.operations}
        assert calls.get("/open") is False  # open methods never get credentials
        assert ("/x" in calls) == (credential in allowed), (credential, selection.excluded)
        if "/x" in calls:
            assert calls["/x"] is True
        else:
            assert selection.excluded[0].startswith("GET /x: it ")


def test_a_lambda_authorizer_reading_another_header_is_excluded() -> None:
    authorizers = {"a1": {"id": "a1", "name": "tok", "identitySource": "method.request.header.X-Token"}}
    api = _secured(Method("GET", "CUSTOM", operation_name="X", authorizer_id="a1"), authorizers)
    selection = select(api, _tools(("/*", ["GET"])), "OAUTH", invoke_url_set=False)
    assert selection.excluded == [
        "GET /x: its authorizer tok reads method.request.header.X-Token, not the Authorization header"
    ]


def test_private_and_endpointless_apis_are_refused() -> None:
    tools = _tools(("/store", ["GET"]))
    with pytest.raises(Problem, match="PRIVATE"):
        select(_api(endpoint_types=["PRIVATE"]), tools, "NONE", invoke_url_set=True)
    with pytest.raises(Problem, match="default execute-api endpoint disabled"):
        select(_api(execute_api_disabled=True), tools, "NONE", invoke_url_set=False)
    assert select(_api(execute_api_disabled=True), tools, "NONE", invoke_url_set=True).operations


def _target(config: JSON, providers: list[JSON] | None = None) -> TargetConfig:
    return TargetConfig("", "t", "", config, providers or [])


SEED: JSON = {"restApiId": "abc123", "stage": "test", "apiGatewayToolConfiguration": _tools(("/pets", ["GET"]))}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"restApiId": "abc/123"}, "restApiId must be"),
        ({"stage": "te st"}, "stage must be"),
        ({"apiGatewayToolConfiguration": {"toolFilters": []}}, "at least one filter"),
        ({"apiGatewayToolConfiguration": _tools(("pets", ["GET"]))}, "is not a resource path"),
        ({"apiGatewayToolConfiguration": _tools(("/pets/*/toys", ["GET"]))}, "prefix wildcard"),
        ({"apiGatewayToolConfiguration": _tools(("/pets", []))}, "at least one method"),
        (
            {"apiGatewayToolConfiguration": _tools(("/pets", ["GET"]), overrides=[{**ALL_PETS, "path": "/pets/*"}])},
            "is not a resource path",
        ),
        ({"apiGatewayToolConfiguration": _tools(("/pets", ["GET"]), overrides=[{**ALL_PETS, "name": " "}])}, "empty"),
    ],
)
def test_config_shapes(change: JSON, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        check_config(_target({**SEED, **change}))


def test_config_accepts_the_seed_and_root_wildcards() -> None:
    check_config(_target(SEED))
    check_config(_target({**SEED, "apiGatewayToolConfiguration": _tools(("/*", ["GET"]), ("/a-b_c/{id}/*", ["PUT"]))}))


@pytest.mark.parametrize(
    ("provider", "ok"),
    [
        (
            {
                "credentialProviderType": "API_KEY",
                "credentialProvider": {"apiKeyCredentialProvider": {"providerArn": "a"}},
            },
            True,
        ),
        (
            {
                "credentialProviderType": "API_KEY",
                "credentialProvider": {
                    "apiKeyCredentialProvider": {"providerArn": "a", "credentialParameterName": "X-API-Key"}
                },
            },
            True,
        ),
        (
            {
                "credentialProviderType": "API_KEY",
                "credentialProvider": {
                    "apiKeyCredentialProvider": {"providerArn": "a", "credentialLocation": "QUERY_PARAMETER"}
                },
            },
            False,
        ),
        ({"credentialProviderType": "GATEWAY_IAM_ROLE"}, True),
        (
            {
                "credentialProviderType": "GATEWAY_IAM_ROLE",
                "credentialProvider": {"iamCredentialProvider": {"service": "lambda"}},
            },
            False,
        ),
    ],
)
def test_outbound_auth_where_api_gateway_reads_it(provider: JSON, ok: bool) -> None:
    if ok:
        check_config(_target(SEED, [provider]))
    else:
        with pytest.raises(ValidationError):
            check_config(_target(SEED, [provider]))
