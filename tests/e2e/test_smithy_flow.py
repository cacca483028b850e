"""Smithy targets end to end: AWS's official models become tools whose calls reach a moto server.

DynamoDB's model (awsJson1_0) and Lambda's (restJson1) are loaded inline and from moto's S3. Requests go
through SigV4-checking proxies (tests/support/sigv4_proxy.py) in front of moto, so the tests see the wire
(``X-Amz-Target``, methods and paths) and that GATEWAY_IAM_ROLE signed it for the model's service. The
gatewright process gets the endpoints only through ``AWS_ENDPOINT_URL_<SERVICE>``.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.aws import aws_error
from support.gateway import (
    GatewrightProcess,
    create_gateway,
    create_target,
    start_gatewright,
    stop_gatewright,
    wait_status,
)
from support.mcp import call_tool, post, request, result_of, text_of
from support.moto_server import MotoServer
from support.sigv4_proxy import SigningProxy, signing_proxy_session

MODELS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "smithy"
IAM = [{"credentialProviderType": "GATEWAY_IAM_ROLE"}]


def model_text(name: str) -> str:
    path = MODELS / name
    if not path.is_file():
        pytest.skip(f"{path} is not available")
    return path.read_text()


@pytest.fixture(scope="module")
def dynamodb(moto: MotoServer) -> Iterator[SigningProxy]:
    yield from signing_proxy_session(moto.url, "dynamodb")


@pytest.fixture(scope="module")
def lambda_api(moto: MotoServer) -> Iterator[SigningProxy]:
    yield from signing_proxy_session(moto.url, "lambda")


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, moto: MotoServer, dynamodb: SigningProxy, lambda_api: SigningProxy
) -> Iterator[GatewrightProcess]:
    env = moto.env() | {"AWS_ENDPOINT_URL_DYNAMODB": dynamodb.url, "AWS_ENDPOINT_URL_LAMBDA": lambda_api.url}
    server = start_gatewright(tmp_path_factory.mktemp("gatewright-smithy"), env)
    yield server
    stop_gatewright(server)


@pytest.fixture(scope="module")
def control(server: GatewrightProcess) -> Any:
    return server.control()


def smithy_target(control: Any, gateway_id: str, name: str, source: dict[str, Any], **extra: Any) -> dict[str, Any]:
    extra.setdefault("credentialProviderConfigurations", IAM)
    return create_target(control, gateway_id, name, {"smithyModel": source}, **extra)


@pytest.fixture(scope="module")
def ddb_gateway(control: Any) -> dict[str, Any]:
    gateway = create_gateway(control, "smithyddb", exceptionLevel="DEBUG")
    target = smithy_target(
        control, gateway["gatewayId"], "ddb", {"inlinePayload": model_text("dynamodb-2012-08-10.json")}
    )
    assert target["status"] == "READY", target
    return gateway


def tools_of(url: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    cursor = None
    while True:
        result = result_of(post(url, request("tools/list", {"cursor": cursor} if cursor else {})))
        found.update({t["name"]: t for t in result["tools"]})
        cursor = result.get("nextCursor")
        if not cursor:
            return found


def test_dynamodbs_model_becomes_tools(ddb_gateway: dict[str, Any]) -> None:
    tools = tools_of(ddb_gateway["gatewayUrl"])
    assert len(tools) == 57
    assert {"ddb___CreateTable", "ddb___PutItem", "ddb___GetItem", "ddb___ListTables"} <= set(tools)
    assert all(len(name) <= 64 for name in tools)
    create = tools["ddb___CreateTable"]
    assert create["description"].startswith("The CreateTable operation adds a new table to your account.")
    assert "<p>" not in create["description"]
    schema = create["inputSchema"]
    assert {"TableName", "AttributeDefinitions", "KeySchema"} <= set(schema["required"])
    assert schema["properties"]["BillingMode"]["enum"] == ["PROVISIONED", "PAY_PER_REQUEST"]
    assert schema["properties"]["KeySchema"]["items"]["required"] == ["AttributeName", "KeyType"]
    item = tools["ddb___PutItem"]["inputSchema"]
    assert item["properties"]["Item"]["additionalProperties"] == {"$ref": "#/$defs/AttributeValue"}
    value = item["$defs"]["AttributeValue"]
    assert (value["minProperties"], value["maxProperties"]) == (1, 1)
    assert value["properties"]["B"]["contentEncoding"] == "base64"
    assert value["properties"]["M"]["additionalProperties"] == {"$ref": "#/$defs/AttributeValue"}
    assert value["properties"]["L"]["items"] == {"$ref": "#/$defs/AttributeValue"}
    assert sorted(item["$defs"]) == ["AttributeValue"]
    assert tools["ddb___ListTables"]["inputSchema"]["properties"]["Limit"]["maximum"] == 100


def test_dynamodb_calls_reach_moto_signed(ddb_gateway: dict[str, Any], dynamodb: SigningProxy) -> None:
    url = ddb_gateway["gatewayUrl"]
    table = "smithy" + uuid.uuid4().hex[:8]
    before = len(dynamodb.seen)
    created = call_tool(
        url,
        "ddb___CreateTable",
        {
            "TableName": table,
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    assert created["isError"] is False, created
    assert created["structuredContent"]["TableDescription"]["TableName"] == table
    item = {
        "id": {"S": "1"},
        "n": {"N": "42"},
        "b": {"B": "aGk="},
        "m": {"M": {"l": {"L": [{"S": "a"}, {"BOOL": True}]}}},
    }
    put = call_tool(url, "ddb___PutItem", {"TableName": table, "Item": item})
    assert put["isError"] is False, put
    got = call_tool(url, "ddb___GetItem", {"TableName": table, "Key": {"id": {"S": "1"}}})
    assert got["isError"] is False
    assert got["structuredContent"] == {"Item": item}
    assert json.loads(text_of(got)) == {"Item": item}
    listed = call_tool(url, "ddb___ListTables", {"Limit": 100})
    assert table in listed["structuredContent"]["TableNames"]

    seen = dynamodb.seen[before:]
    targets = [s.headers["x-amz-target"] for s in seen]
    assert targets == [f"DynamoDB_20120810.{op}" for op in ("CreateTable", "PutItem", "GetItem", "ListTables")]
    assert {s.headers["content-type"] for s in seen} == {"application/x-amz-json-1.0"}
    assert {(s.method, s.path) for s in seen} == {("POST", "/")}
    assert [s.problem for s in seen] == [None] * 4
    assert {s.signed_for for s in seen} == {"dynamodb/us-east-1/testing"}
    assert json.loads(seen[1].body) == {"TableName": table, "Item": item}


def test_service_errors_name_the_error(control: Any, ddb_gateway: dict[str, Any]) -> None:
    missing = {"TableName": "no-such-table-" + uuid.uuid4().hex[:6], "Key": {"id": {"S": "1"}}}
    shown = call_tool(ddb_gateway["gatewayUrl"], "ddb___GetItem", missing)
    assert shown["isError"] is True
    assert text_of(shown).startswith(
        "DynamoDB returned ResourceNotFoundException (HTTP 400). ResourceNotFoundException:"
    )
    masked_gateway = create_gateway(control, "smithymasked")
    model = {"inlinePayload": model_text("dynamodb-2012-08-10.json")}
    assert smithy_target(control, masked_gateway["gatewayId"], "ddb", model)["status"] == "READY"
    masked = call_tool(masked_gateway["gatewayUrl"], "ddb___GetItem", missing)
    assert masked == {
        "isError": True,
        "content": [{"type": "text", "text": "DynamoDB returned ResourceNotFoundException (HTTP 400)."}],
    }


def _moto_function(moto: MotoServer, name: str) -> None:
    role = moto.client("iam").create_role(RoleName=f"role-{name}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("lambda_function.py", "def lambda_handler(event, context):\n    return event\n")
    moto.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": code.getvalue()},
    )


def test_a_restjson1_model_from_s3(control: Any, moto: MotoServer, lambda_api: SigningProxy) -> None:
    s3 = moto.client("s3")
    bucket = "models-" + uuid.uuid4().hex[:8]
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="lambda.json", Body=model_text("lambda-2015-03-31.json").encode())
    function = "fn" + uuid.uuid4().hex[:8]
    _moto_function(moto, function)
    gateway = create_gateway(control, "smithylambda", exceptionLevel="DEBUG")
    target = smithy_target(control, gateway["gatewayId"], "aws-lambda", {"s3": {"uri": f"s3://{bucket}/lambda.json"}})
    assert target["status"] == "READY", target
    assert "InvokeWithResponseStream skipped: event streams are not supported" in target["statusReasons"]
    url = gateway["gatewayUrl"]
    tools = tools_of(url)
    assert tools["aws-lambda___GetFunction"]["inputSchema"]["required"] == ["FunctionName"]

    before = len(lambda_api.seen)
    listed = call_tool(url, "aws-lambda___ListFunctions", {"MaxItems": 50})
    assert listed["isError"] is False, listed
    assert function in [f["FunctionName"] for f in listed["structuredContent"]["Functions"]]
    got = call_tool(url, "aws-lambda___GetFunction", {"FunctionName": function})
    assert got["isError"] is False, got
    assert got["structuredContent"]["Configuration"]["FunctionName"] == function
    missing = call_tool(url, "aws-lambda___GetFunction", {"FunctionName": "absent" + function})
    assert missing["isError"] is True
    assert text_of(missing).startswith("Lambda returned ResourceNotFoundException (HTTP 404).")
    seen = lambda_api.seen[before:]
    assert [(s.method, s.path) for s in seen] == [
        ("GET", "/2015-03-31/functions?MaxItems=50"),
        ("GET", f"/2015-03-31/functions/{function}"),
        ("GET", f"/2015-03-31/functions/absent{function}"),
    ]
    assert {s.signed_for for s in seen} == {"lambda/us-east-1/testing"}

    # SynchronizeGatewayTargets re-reads the model: a broken one leaves the last good tools in place.
    s3.put_object(Bucket=bucket, Key="lambda.json", Body=b'{"smithy": "2.0", "shapes": {}}')
    control.synchronize_gateway_targets(gatewayIdentifier=gateway["gatewayId"], targetIdList=[target["targetId"]])
    synced = wait_status(
        lambda: control.get_gateway_target(gatewayIdentifier=gateway["gatewayId"], targetId=target["targetId"])
    )
    assert synced["status"] == "SYNCHRONIZE_UNSUCCESSFUL"
    assert any("no shapes" in r for r in synced["statusReasons"]), synced["statusReasons"]
    assert "aws-lambda___GetFunction" in tools_of(url)
    s3.put_object(Bucket=bucket, Key="lambda.json", Body=model_text("lambda-2015-03-31.json").encode())
    control.synchronize_gateway_targets(gatewayIdentifier=gateway["gatewayId"], targetIdList=[target["targetId"]])
    synced = wait_status(
        lambda: control.get_gateway_target(gatewayIdentifier=gateway["gatewayId"], targetId=target["targetId"])
    )
    assert synced["status"] == "READY"


def test_smithy_targets_need_iam_or_oauth(control: Any) -> None:
    gateway = create_gateway(control, "smithyauth")
    config = {"mcp": {"smithyModel": {"inlinePayload": '{"smithy": "2.0", "shapes": {}}'}}}
    with aws_error("ValidationException", 400) as error:
        control.create_gateway_target(gatewayIdentifier=gateway["gatewayId"], name="none", targetConfiguration=config)
    assert "GATEWAY_IAM_ROLE" in error["Error"]["Message"]
    failed = smithy_target(control, gateway["gatewayId"], "empty", {"inlinePayload": '{"smithy": "2.0", "shapes": {}}'})
    assert failed["status"] == "FAILED"
    assert failed["statusReasons"] == [
        "the Smithy model has no shapes (a JSON AST model has a top-level 'shapes' object)"
    ]
