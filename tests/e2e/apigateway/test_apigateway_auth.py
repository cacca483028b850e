"""Outbound auth of API Gateway targets: which methods a target can call, and what each call carries.

One REST API ("Secured", in a moto server) has a method per kind of authorization; a target per outbound
auth type shows which become tools, which are excluded (with the reason in statusReasons), and that
credentials go only to the methods that need them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from support.aws import aws_error
from support.gateway import GatewrightProcess, create_gateway, create_target, rpc
from support.moto_server import MotoServer
from support.petstore_apigw import STAGE, StageStandIn, add_method, run_cli

API_KEY = "apigw-test-key-0123456789"


@pytest.fixture(scope="module")
def secured(moto: MotoServer) -> str:
    """The REST API: one GET per authorization kind, and a greedy proxy; deployed to stage ``test``."""
    client = moto.client("apigateway")
    api = client.create_rest_api(name="Secured", endpointConfiguration={"types": ["REGIONAL"]})["id"]
    root = next(r for r in client.get_resources(restApiId=api)["items"] if r["path"] == "/")["id"]
    cognito = client.create_authorizer(
        restApiId=api,
        name="pool",
        type="COGNITO_USER_POOLS",
        providerARNs=["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_example"],
        identitySource="method.request.header.Authorization",
    )["id"]
    custom = client.create_authorizer(
        restApiId=api,
        name="token-lambda",
        type="TOKEN",
        authorizerUri="arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations",
        identitySource="method.request.header.X-Token",
    )["id"]
    methods: dict[str, dict[str, Any]] = {
        "open": {},
        "keyed": {"apiKeyRequired": True},
        "iam": {"authorizationType": "AWS_IAM"},
        "both": {"authorizationType": "AWS_IAM", "apiKeyRequired": True},
        "cognito": {"authorizationType": "COGNITO_USER_POOLS", "authorizerId": cognito},
        "lambda": {"authorizationType": "CUSTOM", "authorizerId": custom},
    }
    for part, extra in methods.items():
        resource = client.create_resource(restApiId=api, parentId=root, pathPart=part)["id"]
        add_method(client, api, resource, "GET", operationName=part.title(), **extra)
    proxy = client.create_resource(restApiId=api, parentId=root, pathPart="{proxy+}")["id"]
    add_method(client, api, proxy, "ANY", operationName="Proxy")
    client.create_deployment(restApiId=api, stageName=STAGE)
    return str(api)


def _config(api: str) -> dict[str, Any]:
    tools = {"toolFilters": [{"filterPath": "/*", "methods": ["GET"]}]}
    return {"apiGateway": {"restApiId": api, "stage": STAGE, "apiGatewayToolConfiguration": tools}}


def _names(gateway: dict[str, Any]) -> set[str]:
    listed = rpc(gateway["gatewayUrl"], "tools/list").json()["result"]["tools"]
    return {t["name"].split("___", 1)[1] for t in listed}


def _call(gateway: dict[str, Any], stage: StageStandIn, tool: str) -> dict[str, str]:
    """Call ``t___<tool>``; returns the headers the stage received."""
    result = rpc(gateway["gatewayUrl"], "tools/call", {"name": f"t___{tool}", "arguments": {}}).json()["result"]
    assert result["isError"] is False, result
    headers: dict[str, str] = stage.last()["headers"]
    return headers


def _excluded(target: dict[str, Any]) -> dict[str, str]:
    """The excluded methods of a target's statusReasons: "GET /keyed" -> why."""
    out = {}
    for reason in target["statusReasons"]:
        if reason.startswith("Excluded "):
            key, _, why = reason[len("Excluded ") :].partition(": ")
            out[key] = why
    return out


def test_no_outbound_auth_reaches_only_open_methods(
    control: Any, secured: str, stage: StageStandIn, unique_name: str
) -> None:
    gateway = create_gateway(control, unique_name)
    target = create_target(control, gateway["gatewayId"], "t", _config(secured))
    assert target["status"] == "READY", target["statusReasons"]
    assert _names(gateway) == {"Open"}
    excluded = _excluded(target)
    assert set(excluded) == {"GET /keyed", "GET /iam", "GET /both", "GET /cognito", "GET /lambda", "GET /{proxy+}"}
    assert "API_KEY" in excluded["GET /keyed"]
    assert "GATEWAY_IAM_ROLE" in excluded["GET /iam"]
    assert "both AWS_IAM authorization and an API key" in excluded["GET /both"]
    assert "Cognito user pool" in excluded["GET /cognito"]
    assert "Lambda authorizer" in excluded["GET /lambda"]
    assert "{proxy+}" in excluded["GET /{proxy+}"]
    headers = _call(gateway, stage, "Open")
    assert "authorization" not in headers
    assert "x-api-key" not in headers


def test_api_key_goes_to_api_key_methods_only(
    control: Any, secured: str, stage: StageStandIn, unique_name: str
) -> None:
    provider = control.create_api_key_credential_provider(name=unique_name, apiKey=API_KEY)
    gateway = create_gateway(control, unique_name)
    auth = {"apiKeyCredentialProvider": {"providerArn": provider["credentialProviderArn"]}}
    target = create_target(
        control,
        gateway["gatewayId"],
        "t",
        _config(secured),
        credentialProviderConfigurations=[{"credentialProviderType": "API_KEY", "credentialProvider": auth}],
    )
    assert target["status"] == "READY", target["statusReasons"]
    assert _names(gateway) == {"Open", "Keyed"}
    assert _call(gateway, stage, "Keyed")["x-api-key"] == API_KEY
    assert "x-api-key" not in _call(gateway, stage, "Open")


def test_api_key_elsewhere_than_x_api_key_is_refused(control: Any, secured: str, unique_name: str) -> None:
    provider = control.create_api_key_credential_provider(name=unique_name, apiKey=API_KEY)
    gateway = create_gateway(control, unique_name)
    spec = {
        "providerArn": provider["credentialProviderArn"],
        "credentialParameterName": "Authorization",
        "credentialPrefix": "Bearer ",
    }
    with aws_error("ValidationException", 400) as error:
        control.create_gateway_target(
            gatewayIdentifier=gateway["gatewayId"],
            name="t",
            targetConfiguration={"mcp": _config(secured)},
            credentialProviderConfigurations=[
                {"credentialProviderType": "API_KEY", "credentialProvider": {"apiKeyCredentialProvider": spec}}
            ],
        )
    assert "x-api-key" in error["Error"]["Message"]


def test_gateway_iam_role_signs_aws_iam_methods_for_execute_api(
    control: Any, secured: str, stage: StageStandIn, unique_name: str
) -> None:
    gateway = create_gateway(control, unique_name)
    target = create_target(
        control,
        gateway["gatewayId"],
        "t",
        _config(secured),
        credentialProviderConfigurations=[{"credentialProviderType": "GATEWAY_IAM_ROLE"}],
    )
    assert target["status"] == "READY", target["statusReasons"]
    assert _names(gateway) == {"Open", "Iam"}
    signed = _call(gateway, stage, "Iam")["authorization"]
    assert signed.startswith("AWS4-HMAC-SHA256 Credential=testing/")
    assert "/us-east-1/execute-api/aws4_request" in signed
    assert "authorization" not in _call(gateway, stage, "Open")


def test_oauth_reaches_authorizers_that_read_the_authorization_header(
    server: GatewrightProcess, control: Any, secured: str, stage: StageStandIn, unique_name: str
) -> None:
    made = run_cli(server, "oauth", "create-client", "--name", unique_name, "--json")
    assert made.returncode == 0, made.stderr
    client = json.loads(made.stdout)
    provider = control.create_oauth2_credential_provider(
        name=unique_name,
        credentialProviderVendor="CustomOauth2",
        oauth2ProviderConfigInput={
            "customOauth2ProviderConfig": {
                "oauthDiscovery": {"discoveryUrl": client["discoveryUrl"]},
                "clientId": client["clientId"],
                "clientSecret": client["clientSecret"],
            }
        },
    )
    gateway = create_gateway(control, unique_name)
    oauth = {"oauthCredentialProvider": {"providerArn": provider["credentialProviderArn"], "scopes": []}}
    target = create_target(
        control,
        gateway["gatewayId"],
        "t",
        _config(secured),
        credentialProviderConfigurations=[{"credentialProviderType": "OAUTH", "credentialProvider": oauth}],
    )
    assert target["status"] == "READY", target["statusReasons"]
    assert _names(gateway) == {"Open", "Cognito"}
    assert "reads method.request.header.X-Token" in _excluded(target)["GET /lambda"]
    assert _call(gateway, stage, "Cognito")["authorization"].startswith("Bearer ey")
    assert "authorization" not in _call(gateway, stage, "Open")


def test_a_target_with_nothing_it_can_call_is_refused(control: Any, secured: str, unique_name: str) -> None:
    gateway = create_gateway(control, unique_name)
    config = _config(secured)
    config["apiGateway"]["apiGatewayToolConfiguration"]["toolFilters"] = [
        {"filterPath": "/iam", "methods": ["GET"]},
        {"filterPath": "/both", "methods": ["GET"]},
    ]
    with aws_error("ValidationException", 400) as error:
        control.create_gateway_target(
            gatewayIdentifier=gateway["gatewayId"], name="t", targetConfiguration={"mcp": config}
        )
    message = error["Error"]["Message"]
    assert "no selected method can become a tool" in message
    assert "GET /iam" in message
    assert "GET /both" in message
