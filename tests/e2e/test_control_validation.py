"""Control plane: request validation against the model, fields not supported yet, nothing silently dropped.

boto3 checks some constraints itself (required members, minimum lengths, unions); the server must check
them too, so those cases use a client with ``parameter_validation=False``. Unknown members cannot be sent
with boto3 at all, so they go through a raw signed request.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.config import Config

from support.aws import aws_error, field_names, signed_request
from support.gateway import ROLE, GatewrightProcess, create_gateway, openapi_target, wait_status
from support.specs import petstore
from support.upstream import Upstream

LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:interceptor"
POLICY_ENGINE_ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:policy-engine/engine-abcdefghij"
KMS_ARN = "arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012"
RCFG = "rcfg-0123456789abcdefg"


@pytest.fixture(scope="module")
def loose(gatewright: GatewrightProcess) -> Any:
    """A boto3 client that leaves every check to the server."""
    import boto3

    creds = gatewright.credentials()
    return boto3.client(
        "bedrock-agentcore-control",
        endpoint_url=gatewright.url,
        region_name="us-east-1",
        aws_access_key_id=creds["accessKeyId"],
        aws_secret_access_key=creds["secretAccessKey"],
        config=Config(parameter_validation=False, retries={"max_attempts": 1}),
    )


def _gateway(name: str, extra: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    return {"name": name, "roleArn": ROLE, "authorizerType": "NONE", **(extra or {}), **more}


def _inline(upstream: Upstream) -> dict[str, Any]:
    return {"mcp": {"openApiSchema": {"inlinePayload": json.dumps(petstore(upstream.url))}}}


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"name": "bad_name"}, "name", "regular expression pattern"),
        ({"name": "x" * 49}, "name", "regular expression pattern"),
        ({"roleArn": "arn:aws:iam::123:user/nope"}, "roleArn", "regular expression pattern"),
        ({"description": "d" * 201}, "description", "length less than or equal to 200"),
        ({"description": ""}, "description", "length greater than or equal to 1"),
        ({"authorizerType": "BOGUS"}, "authorizerType", "enum value set"),
        ({"exceptionLevel": "VERBOSE"}, "exceptionLevel", "enum value set"),
        ({"protocolType": "A2A"}, "protocolType", "enum value set"),
        (
            {"protocolConfiguration": {"mcp": {"sessionConfiguration": {"sessionTimeoutInSeconds": 10}}}},
            "protocolConfiguration.mcp.sessionConfiguration.sessionTimeoutInSeconds",
            "greater than or equal to 900",
        ),
        ({"clientToken": "short"}, "clientToken", "length greater than or equal to 33"),
        ({"tags": {"k": "bad\u0000value"}}, "tags.k", "regular expression pattern"),
    ],
)
def test_gateway_fields_are_validated(
    loose: Any, unique_name: str, extra: dict[str, Any], field: str, words: str
) -> None:
    with aws_error("ValidationException", 400) as error:
        loose.create_gateway(**_gateway(unique_name, extra))
    assert field_names(error) == [field], error
    assert error["reason"] == "FieldValidationFailed"
    assert words in error["fieldList"][0]["message"]
    assert field.split(".", maxsplit=1)[0] in error["Error"]["Message"]


@pytest.mark.parametrize("missing", ["name", "roleArn", "authorizerType"])
def test_missing_required_members_are_named(loose: Any, unique_name: str, missing: str) -> None:
    params = _gateway(unique_name)
    del params[missing]
    with aws_error("ValidationException", 400) as error:
        loose.create_gateway(**params)
    assert field_names(error) == [missing]
    assert "must not be null" in error["fieldList"][0]["message"]


def test_every_violation_is_listed(loose: Any) -> None:
    with aws_error("ValidationException", 400) as error:
        loose.create_gateway(name="bad_name", roleArn="nope", authorizerType="BOGUS")
    assert sorted(field_names(error)) == ["authorizerType", "name", "roleArn"]
    assert error["Error"]["Message"].startswith("3 validation errors detected")


def test_union_members_are_exclusive(loose: Any, unique_name: str, upstream: Upstream) -> None:
    gateway = create_gateway(loose, unique_name)
    both = {"inlinePayload": "{}", "s3": {"uri": "s3://bucket/spec.json"}}
    with aws_error("ValidationException", 400) as error:
        loose.create_gateway_target(
            gatewayIdentifier=gateway["gatewayId"], name="t", targetConfiguration={"mcp": {"openApiSchema": both}}
        )
    assert field_names(error) == ["targetConfiguration.mcp.openApiSchema"]
    assert "exactly one" in error["fieldList"][0]["message"]
    with aws_error("ValidationException", 400) as error:
        loose.create_gateway_target(gatewayIdentifier=gateway["gatewayId"], name="t", targetConfiguration={"mcp": {}})
    assert field_names(error) == ["targetConfiguration.mcp"]


def test_path_labels_are_validated(control: Any) -> None:
    with aws_error("ValidationException", 400) as error:
        control.get_gateway(gatewayIdentifier="NOT_AN_ID")
    assert field_names(error) == ["gatewayIdentifier"]
    with aws_error("ValidationException", 400) as error:
        control.get_gateway_target(gatewayIdentifier="gw-abcdefghij", targetId="short")
    assert field_names(error) == ["targetId"]


def test_unknown_members_are_refused(gatewright: GatewrightProcess, unique_name: str) -> None:
    body = json.dumps({**_gateway(unique_name), "surprise": 1}).encode()
    raw = signed_request("POST", f"{gatewright.url}/gateways/", body, gatewright.credentials())
    assert raw.status_code == 400
    assert raw.headers["x-amzn-errortype"] == "ValidationException"
    assert [f["name"] for f in raw.json()["fieldList"]] == ["surprise"]


def test_unparseable_bodies_are_refused(gatewright: GatewrightProcess) -> None:
    raw = signed_request("POST", f"{gatewright.url}/gateways/", b"{not json", gatewright.credentials())
    assert raw.status_code == 400
    assert raw.headers["x-amzn-errortype"] == "ValidationException"
    assert raw.json()["reason"] == "CannotParse"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        (
            {
                "interceptorConfigurations": [
                    {"interceptor": {"lambda": {"arn": LAMBDA_ARN}}, "interceptionPoints": ["REQUEST"]}
                ]
            },
            "interceptorConfigurations",
        ),
        ({"policyEngineConfiguration": {"arn": POLICY_ENGINE_ARN, "mode": "ENFORCE"}}, "policyEngineConfiguration"),
        ({"kmsKeyArn": KMS_ARN}, "kmsKeyArn"),
        ({"domainOverride": {"defaultDomain": "mcp.example.com"}}, "domainOverride"),
    ],
)
def test_gateway_fields_not_supported_yet_are_refused(
    loose: Any, unique_name: str, extra: dict[str, Any], field: str
) -> None:
    with aws_error("ValidationException", 400) as error:
        loose.create_gateway(**_gateway(unique_name, extra))
    assert field_names(error) == [field]
    assert "not supported" in error["Error"]["Message"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"wafConfiguration": {"failureMode": "FAIL_CLOSE"}}, "wafConfiguration"),
        ({"customTransformConfiguration": {"lambda": {"arn": LAMBDA_ARN}}}, "customTransformConfiguration"),
        (
            {
                "interceptorConfigurations": [
                    {"interceptor": {"lambda": {"arn": LAMBDA_ARN}}, "interceptionPoints": ["RESPONSE"]}
                ]
            },
            "interceptorConfigurations",
        ),
    ],
)
def test_update_only_fields_not_supported_yet_are_refused(
    loose: Any, unique_name: str, extra: dict[str, Any], field: str
) -> None:
    gateway = create_gateway(loose, unique_name)
    with aws_error("ValidationException", 400) as error:
        loose.update_gateway(gatewayIdentifier=gateway["gatewayId"], **_gateway(unique_name, extra))
    assert field_names(error) == [field]
    assert "not supported" in error["Error"]["Message"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        (
            {"privateEndpoint": {"selfManagedLatticeResource": {"resourceConfigurationIdentifier": RCFG}}},
            "privateEndpoint",
        ),
        ({"certificateConfigurations": [{"s3": {"uri": "s3://bucket/ca.pem"}}]}, "certificateConfigurations"),
    ],
)
def test_target_fields_not_supported_yet_are_refused(
    loose: Any, unique_name: str, upstream: Upstream, extra: dict[str, Any], field: str
) -> None:
    gateway = create_gateway(loose, unique_name)
    with aws_error("ValidationException", 400) as error:
        loose.create_gateway_target(
            gatewayIdentifier=gateway["gatewayId"], name="t", targetConfiguration=_inline(upstream), **extra
        )
    assert field_names(error) == [field]
    assert "not supported" in error["Error"]["Message"]


def test_target_kinds_not_supported_yet_are_refused(loose: Any, unique_name: str) -> None:
    gateway = create_gateway(loose, unique_name)
    with aws_error("ValidationException", 400) as error:
        loose.create_gateway_target(
            gatewayIdentifier=gateway["gatewayId"],
            name="t",
            targetConfiguration={"mcp": {"connector": {"source": {"connectorId": "web-search"}}}},
        )
    assert field_names(error) == ["targetConfiguration.mcp.connector"]
    assert "not supported" in error["Error"]["Message"]


def test_every_accepted_gateway_field_comes_back(control: Any, unique_name: str) -> None:
    """Nothing accepted is silently dropped: Get returns every field Create and Update were given."""
    protocol = {
        "mcp": {
            "supportedVersions": ["2025-06-18", "2025-11-25"],
            "instructions": "Use the pet tools.",
            "sessionConfiguration": {"sessionTimeoutInSeconds": 1200},
            "streamingConfiguration": {"enableResponseStreaming": True},
            "disableMcpListToolsPagination": True,
        }
    }
    params = _gateway(
        unique_name,
        description="all the fields",
        protocolType="MCP",
        protocolConfiguration=protocol,
        exceptionLevel="DEBUG",
    )
    created = control.create_gateway(**params, tags={"team": "tests"})
    got = wait_status(lambda: control.get_gateway(gatewayIdentifier=created["gatewayId"]))
    for key, value in params.items():
        assert got[key] == value, key
    # tags are kept with the gateway; GetGateway's output has no tags member (ListTagsForResource does).

    # UpdateGateway is a full replacement: fields left out are reset.
    control.update_gateway(
        gatewayIdentifier=created["gatewayId"],
        name=unique_name,
        roleArn=ROLE,
        authorizerType="NONE",
        protocolConfiguration={"mcp": {"instructions": "changed"}},
    )
    after = wait_status(lambda: control.get_gateway(gatewayIdentifier=created["gatewayId"]))
    assert after["protocolConfiguration"] == {"mcp": {"instructions": "changed"}}
    assert "description" not in after
    assert "exceptionLevel" not in after


def test_every_accepted_target_field_comes_back(control: Any, upstream: Upstream, unique_name: str) -> None:
    gateway = create_gateway(control, unique_name)
    configuration = _inline(upstream)
    created = control.create_gateway_target(
        gatewayIdentifier=gateway["gatewayId"],
        name="pets",
        description="described",
        targetConfiguration=configuration,
    )
    got = wait_status(
        lambda: control.get_gateway_target(gatewayIdentifier=gateway["gatewayId"], targetId=created["targetId"])
    )
    assert (got["name"], got["description"], got["targetConfiguration"]) == ("pets", "described", configuration)


def test_update_target_without_a_name_keeps_the_name(control: Any, upstream: Upstream, unique_name: str) -> None:
    """The model makes ``name`` optional on UpdateGatewayTarget."""
    gateway = create_gateway(control, unique_name)
    target = openapi_target(control, gateway["gatewayId"], "pets", petstore(upstream.url))
    updated = control.update_gateway_target(
        gatewayIdentifier=gateway["gatewayId"], targetId=target["targetId"], targetConfiguration=_inline(upstream)
    )
    assert updated["name"] == "pets"
    assert updated["status"] == "UPDATING"


def test_renaming_is_refused(control: Any, upstream: Upstream, unique_name: str) -> None:
    gateway = create_gateway(control, unique_name)
    with aws_error("ValidationException", 400) as error:
        control.update_gateway(
            gatewayIdentifier=gateway["gatewayId"], name=unique_name + "x", roleArn=ROLE, authorizerType="NONE"
        )
    assert field_names(error) == ["name"]
    target = openapi_target(control, gateway["gatewayId"], "pets", petstore(upstream.url))
    with aws_error("ValidationException", 400) as error:
        control.update_gateway_target(
            gatewayIdentifier=gateway["gatewayId"],
            targetId=target["targetId"],
            name="other",
            targetConfiguration=_inline(upstream),
        )
    assert field_names(error) == ["name"]


def test_synchronize_takes_exactly_one_target(loose: Any, unique_name: str) -> None:
    gateway = create_gateway(loose, unique_name)
    with aws_error("ValidationException", 400) as error:
        loose.synchronize_gateway_targets(gatewayIdentifier=gateway["gatewayId"], targetIdList=[])
    assert field_names(error) == ["targetIdList"]
