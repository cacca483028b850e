"""Lambda targets on AWS Lambda: boto3 ``Invoke`` against Lambda-API-compatible endpoints.

* A stand-in endpoint (tests/support/lambda_endpoint.py) that runs ``tests/functions`` handlers shows what a
  function receives: the event, AgentCore's client context, a SigV4 signature for ``lambda``.
* A moto server (without Docker moto's Lambda echoes the event) shows the call against moto's Lambda API,
  and moto's S3 holds tool schemas that SynchronizeGatewayTargets re-reads.

The gatewright processes under test get the endpoints only through the standard AWS variables.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from support.gateway import (
    GatewrightProcess,
    create_gateway,
    create_target,
    start_gatewright,
    stop_gatewright,
    wait_status,
)
from support.lambda_endpoint import LambdaEndpoint, lambda_endpoint_session
from support.mcp import call_tool, post, request, result_of, text_of
from support.moto_server import MotoServer, start_moto_server, stop_moto_server

IAM = [{"credentialProviderType": "GATEWAY_IAM_ROLE"}]
ARN = "arn:aws:lambda:us-east-1:123456789012:function:"
CUSTOM_KEYS = {
    "bedrockAgentCoreMessageVersion",
    "bedrockAgentCoreAwsRequestId",
    "bedrockAgentCoreMcpMessageId",
    "bedrockAgentCoreGatewayId",
    "bedrockAgentCoreTargetId",
    "bedrockAgentCoreToolName",
}


def tools(*names: str) -> list[dict[str, Any]]:
    return [{"name": n, "description": f"the {n} tool", "inputSchema": {"type": "object"}} for n in names]


def lambda_config(arn: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"lambda": {"lambdaArn": arn, "toolSchema": schema}}


@pytest.fixture(scope="module")
def endpoint() -> Iterator[LambdaEndpoint]:
    yield from lambda_endpoint_session()


@pytest.fixture(scope="module")
def standin_server(tmp_path_factory: pytest.TempPathFactory, endpoint: LambdaEndpoint) -> Iterator[GatewrightProcess]:
    env = {
        "AWS_ENDPOINT_URL_LAMBDA": endpoint.url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "GATEWRIGHT_LAMBDA_MODE": "aws",
    }
    server = start_gatewright(tmp_path_factory.mktemp("gatewright-lambda-aws"), env)
    yield server
    stop_gatewright(server)


@pytest.fixture(scope="module")
def lambda_moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """A moto server of our own: switching its Lambda to the no-Docker backend must not affect other tests."""
    server = start_moto_server(tmp_path_factory.mktemp("moto-lambda"))
    requests.post(
        f"{server.url}/moto-api/config", json={"lambda": {"use_docker": False}}, timeout=10
    ).raise_for_status()
    yield server
    stop_moto_server(server)


@pytest.fixture(scope="module")
def moto_server(tmp_path_factory: pytest.TempPathFactory, lambda_moto: MotoServer) -> Iterator[GatewrightProcess]:
    server = start_gatewright(tmp_path_factory.mktemp("gatewright-lambda-moto"), lambda_moto.env())
    yield server
    stop_gatewright(server)


def test_a_boto3_invoke_carries_the_client_context(standin_server: GatewrightProcess, endpoint: LambdaEndpoint) -> None:
    control = standin_server.control()
    gateway = create_gateway(control, "standin")
    config = lambda_config(ARN + "echo_context", {"inlinePayload": tools("echo")})
    target = create_target(control, gateway["gatewayId"], "Echo", config, credentialProviderConfigurations=IAM)
    assert target["status"] == "READY", target
    before = len(endpoint.invoked)
    body = request("tools/call", {"name": "Echo___echo", "arguments": {"orderId": "ORD-1"}}, id="abc")
    result = result_of(post(gateway["gatewayUrl"], body))
    assert result["isError"] is False
    invoked = endpoint.invoked[before]
    assert (invoked.function, invoked.event, invoked.invocation_type) == (
        "echo_context",
        {"orderId": "ORD-1"},
        "RequestResponse",
    )
    assert invoked.signed, "the Invoke call must carry a valid SigV4 signature for lambda"
    custom = invoked.client_context["custom"]
    assert set(invoked.client_context) == {"custom"}
    assert set(custom) == CUSTOM_KEYS
    assert custom["bedrockAgentCoreToolName"] == "Echo___echo"
    assert custom["bedrockAgentCoreMcpMessageId"] == "abc"
    assert custom["bedrockAgentCoreMessageVersion"] == "1.0"
    assert (custom["bedrockAgentCoreGatewayId"], custom["bedrockAgentCoreTargetId"]) == (
        gateway["gatewayId"],
        target["targetId"],
    )
    # What the function returned, as compact JSON text and as structured content.
    returned = {"event": {"orderId": "ORD-1"}, "custom": custom, "functionName": "echo_context"}
    assert result["structuredContent"] == returned
    assert json.loads(text_of(result)) == returned
    assert ": " not in text_of(result)


def test_function_errors_and_missing_functions(standin_server: GatewrightProcess) -> None:
    control = standin_server.control()
    gateway = create_gateway(control, "standindebug", exceptionLevel="DEBUG")
    echo = lambda_config(ARN + "echo_context", {"inlinePayload": tools("echo")})
    assert (
        create_target(control, gateway["gatewayId"], "e", echo, credentialProviderConfigurations=IAM)["status"]
        == "READY"
    )
    gone = lambda_config(ARN + "no_such_function", {"inlinePayload": tools("x")})
    assert (
        create_target(control, gateway["gatewayId"], "g", gone, credentialProviderConfigurations=IAM)["status"]
        == "READY"
    )
    failed = call_tool(gateway["gatewayUrl"], "e___echo", {"fail": True})
    assert failed["isError"] is True
    assert text_of(failed) == "The Lambda function returned an error. RuntimeError: asked to fail"
    missing = call_tool(gateway["gatewayUrl"], "g___x")
    assert missing["isError"] is True
    assert "ResourceNotFoundException while invoking Lambda function " + ARN + "no_such_function" in text_of(missing)


def _moto_function(moto: MotoServer, name: str) -> str:
    role = moto.client("iam").create_role(RoleName=f"r-{name}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("lambda_function.py", "def lambda_handler(event, context):\n    return event\n")
    created = moto.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": code.getvalue()},
    )
    arn: str = created["FunctionArn"]
    return arn


def test_invoke_against_motos_lambda(moto_server: GatewrightProcess, lambda_moto: MotoServer) -> None:
    arn = _moto_function(lambda_moto, "mirror" + uuid.uuid4().hex[:8])
    control = moto_server.control()
    gateway = create_gateway(control, "moto")
    config = lambda_config(arn, {"inlinePayload": tools("mirror")})
    target = create_target(control, gateway["gatewayId"], "m", config, credentialProviderConfigurations=IAM)
    assert target["status"] == "READY", target
    # GATEWRIGHT_LAMBDA_MODE is auto and the functions folder is empty: the call goes to (moto's) Lambda.
    assert not any("local function" in r for r in target["statusReasons"])
    result = call_tool(gateway["gatewayUrl"], "m___mirror", {"a": [1, 2], "b": "x"})
    assert result == {
        "isError": False,
        "content": [{"type": "text", "text": '{"a":[1,2],"b":"x"}'}],
        "structuredContent": {"a": [1, 2], "b": "x"},
    }


def _names(url: str) -> list[str]:
    return sorted(t["name"] for t in result_of(post(url, request("tools/list")))["tools"])


def test_tool_schemas_from_s3_are_synchronised(moto_server: GatewrightProcess, lambda_moto: MotoServer) -> None:
    s3 = lambda_moto.client("s3")
    bucket = "tools-" + uuid.uuid4().hex[:8]
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="tools.json", Body=json.dumps(tools("one")).encode())
    control = moto_server.control()
    gateway = create_gateway(control, "s3tools")
    schema = {"s3": {"uri": f"s3://{bucket}/tools.json"}}
    target = create_target(
        control, gateway["gatewayId"], "s", lambda_config(ARN + "x", schema), credentialProviderConfigurations=IAM
    )
    assert target["status"] == "READY", target
    assert _names(gateway["gatewayUrl"]) == ["s___one"]

    def synchronize() -> dict[str, Any]:
        control.synchronize_gateway_targets(gatewayIdentifier=gateway["gatewayId"], targetIdList=[target["targetId"]])
        return wait_status(
            lambda: control.get_gateway_target(gatewayIdentifier=gateway["gatewayId"], targetId=target["targetId"])
        )

    s3.put_object(Bucket=bucket, Key="tools.json", Body=json.dumps({"tools": tools("one", "two")}).encode())
    synced = synchronize()
    assert synced["status"] == "READY", synced
    assert "lastSynchronizedAt" in synced
    assert _names(gateway["gatewayUrl"]) == ["s___one", "s___two"]

    s3.put_object(Bucket=bucket, Key="tools.json", Body=b"[{not json")
    failed = synchronize()
    assert failed["status"] == "SYNCHRONIZE_UNSUCCESSFUL"
    assert any("not valid JSON" in r for r in failed["statusReasons"]), failed["statusReasons"]
    assert _names(gateway["gatewayUrl"]) == ["s___one", "s___two"]  # the last good build stays

    s3.delete_object(Bucket=bucket, Key="tools.json")
    gone = synchronize()
    assert gone["status"] == "SYNCHRONIZE_UNSUCCESSFUL"
    assert any("Cannot read s3://" in r for r in gone["statusReasons"]), gone["statusReasons"]
