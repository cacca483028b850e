"""The seed end to end: a PetStore REST API stage in API Gateway (a moto server) becomes three tools behind a
CUSTOM_JWT gateway, and calling them reaches the stage (a local stand-in of its invoke URL).

The gatewright process under test gets the moto endpoint only through the standard AWS variables
(``AWS_ENDPOINT_URL``...) and the stand-in through ``GATEWRIGHT_APIGATEWAY_INVOKE_URL``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from support.aws import aws_error
from support.gateway import (
    GatewrightProcess,
    create_gateway,
    create_target,
    rpc,
    wait_status,
)
from support.moto_server import MotoServer
from support.petstore_apigw import (
    PET_TYPES,
    STAGE,
    StageStandIn,
    add_method,
    client_credentials_token,
    create_petstore,
    quick_create,
    seed_configuration,
)
from support.upstream import PETS

TOOLS = "apiGatewayToolConfiguration"


@pytest.fixture(scope="module")
def apigw(moto: MotoServer) -> Any:
    return moto.client("apigateway")


def _tools(url: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    listed = rpc(url, "tools/list", headers=headers)
    assert listed.status_code == 200, listed.text
    return {t["name"]: t for t in listed.json()["result"]["tools"]}


def _call(url: str, name: str, arguments: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
    called = rpc(url, "tools/call", {"name": name, "arguments": arguments}, headers=headers)
    assert called.status_code == 200, called.text
    result: dict[str, Any] = called.json()["result"]
    return result


def test_seed_flow_custom_jwt_gateway(
    server: GatewrightProcess, control: Any, apigw: Any, stage: StageStandIn, unique_name: str
) -> None:
    api = create_petstore(apigw)
    quick = quick_create(server, unique_name)
    assert quick["status"] == "READY"
    target = create_target(control, quick["gatewayId"], "petstore", seed_configuration(api.id))
    assert target["status"] == "READY", target["statusReasons"]
    bearer = {"Authorization": f"Bearer {client_credentials_token(quick)}"}

    assert rpc(quick["gatewayUrl"], "tools/list").status_code == 401  # CUSTOM_JWT: no token, no tools
    tools = _tools(quick["gatewayUrl"], bearer)
    assert set(tools) == {"petstore___CreatePet", "petstore___GetAllPets", "petstore___GetPet"}
    assert tools["petstore___GetAllPets"]["inputSchema"] == {
        "type": "object",
        "properties": {"type": {"type": "string"}, "page": {"type": "string"}},
    }
    assert tools["petstore___GetPet"]["inputSchema"] == {
        "type": "object",
        "properties": {"petId": {"type": "string"}},
        "required": ["petId"],
    }
    assert tools["petstore___CreatePet"]["inputSchema"] == {
        "type": "object",
        "properties": {"type": {"type": "string", "enum": PET_TYPES}, "price": {"type": "number"}},
    }
    assert {t["description"] for t in tools.values()} == {"CreatePet", "GetAllPets", "GetPet"}

    result = _call(quick["gatewayUrl"], "petstore___GetAllPets", {}, bearer)
    assert result["isError"] is False
    assert result["content"] == [{"type": "text", "text": json.dumps(PETS, separators=(",", ":"))}]
    seen = stage.last()
    assert (seen["method"], seen["api"], seen["stage"], seen["path"]) == ("GET", api.id, STAGE, "/pets")
    assert "authorization" not in seen["headers"]  # the caller's token never reaches the stage


def test_arguments_reach_the_stage(control: Any, apigw: Any, stage: StageStandIn, unique_name: str) -> None:
    api = create_petstore(apigw)
    gateway = create_gateway(control, unique_name)
    target = create_target(control, gateway["gatewayId"], "pets", seed_configuration(api.id))
    assert target["status"] == "READY", target["statusReasons"]
    url = gateway["gatewayUrl"]

    listed = _call(url, "pets___GetAllPets", {"type": "dog", "page": "2"})
    assert listed["isError"] is False
    assert stage.last()["query"] == {"type": "dog", "page": "2"}

    pet = _call(url, "pets___GetPet", {"petId": "2"})
    assert json.loads(pet["content"][0]["text"]) == PETS[1]
    assert stage.last()["path"] == "/pets/2"

    created = _call(url, "pets___CreatePet", {"type": "gecko", "price": 12.5})
    assert created["isError"] is False
    seen = stage.last()
    assert (seen["method"], seen["path"]) == ("POST", "/pets")
    assert json.loads(seen["body"]) == {"type": "gecko", "price": 12.5}

    refused = rpc(url, "tools/call", {"name": "pets___CreatePet", "arguments": {"type": "dragon"}}).json()
    assert refused.get("error") or refused["result"]["isError"] is True  # not in the model's enum


def test_a_method_without_a_name_fails_creation(control: Any, apigw: Any, unique_name: str) -> None:
    api = create_petstore(apigw)
    gateway = create_gateway(control, unique_name)
    with aws_error("ValidationException", 400) as error:
        control.create_gateway_target(
            gatewayIdentifier=gateway["gatewayId"],
            name="pets",
            targetConfiguration={"mcp": seed_configuration(api.id, override=False)},
        )
    assert "GET /pets" in error["Error"]["Message"]
    assert control.list_gateway_targets(gatewayIdentifier=gateway["gatewayId"])["items"] == []


@pytest.mark.parametrize(
    "case",
    [
        ({"restApiId": "nosuchapi0"}, "restApiId", "nosuchapi0 does not exist"),
        ({"stage": "prod"}, "stage", "has no stage prod"),
        ({TOOLS: {"toolFilters": [{"filterPath": "/cats", "methods": ["GET"]}]}}, "filterPath", "no resource /cats"),
        ({TOOLS: {"toolFilters": [{"filterPath": "/pets", "methods": ["DELETE"]}]}}, "methods", "DELETE /pets"),
        ({TOOLS: {"toolFilters": [{"filterPath": "/dogs/*", "methods": ["GET"]}]}}, "filterPath", "selects no"),
        (
            {
                TOOLS: {
                    "toolFilters": [{"filterPath": "/pets/{petId}", "methods": ["GET"]}],
                    "toolOverrides": [{"name": "All", "path": "/pets", "method": "GET"}],
                }
            },
            "toolOverrides[0]",
            "GET /pets is not selected",
        ),
        ({TOOLS: {"toolFilters": [{"filterPath": "/pe*ts", "methods": ["GET"]}]}}, "filterPath", "not a resource"),
    ],
)
def test_configuration_that_does_not_fit_the_api_is_refused(
    control: Any, apigw: Any, unique_name: str, case: tuple[dict[str, Any], str, str]
) -> None:
    change, field, words = case
    api = create_petstore(apigw)
    gateway = create_gateway(control, unique_name)
    config = seed_configuration(api.id)
    config["apiGateway"].update(change)
    with aws_error("ValidationException", 400) as error:
        control.create_gateway_target(
            gatewayIdentifier=gateway["gatewayId"], name="pets", targetConfiguration={"mcp": config}
        )
    assert words in error["Error"]["Message"]
    assert field in error["fieldList"][0]["name"]


def test_wildcards_and_overlapping_filters(control: Any, apigw: Any, unique_name: str) -> None:
    api = create_petstore(apigw)
    gateway = create_gateway(control, unique_name)
    config = seed_configuration(api.id)
    config["apiGateway"][TOOLS]["toolFilters"] = [
        {"filterPath": "/*", "methods": ["GET"]},
        {"filterPath": "/pets", "methods": ["GET", "POST"]},
        {"filterPath": "/pets/*", "methods": ["GET", "DELETE"]},
    ]
    config["apiGateway"][TOOLS]["toolOverrides"] = [
        {"name": "GetAllPets", "path": "/pets", "method": "GET", "description": "List all pets"}
    ]
    target = create_target(control, gateway["gatewayId"], "pets", config)
    assert target["status"] == "READY", target["statusReasons"]
    tools = _tools(gateway["gatewayUrl"])
    assert set(tools) == {"pets___GetAllPets", "pets___CreatePet", "pets___GetPet"}
    assert tools["pets___GetAllPets"]["description"] == "List all pets"


def test_synchronize_rereads_the_stage(control: Any, apigw: Any, stage: StageStandIn, unique_name: str) -> None:
    api = create_petstore(apigw)
    gateway = create_gateway(control, unique_name)
    target = create_target(control, gateway["gatewayId"], "pets", seed_configuration(api.id))
    assert target["status"] == "READY", target["statusReasons"]

    # A new method on /pets/{petId}, deployed: a synchronisation makes it a tool.
    add_method(apigw, api.id, api.pet_id, "DELETE", operationName="DeletePet")
    apigw.create_deployment(restApiId=api.id, stageName=STAGE)
    config = seed_configuration(api.id)
    config["apiGateway"][TOOLS]["toolFilters"][1]["methods"] = ["GET", "DELETE"]
    control.update_gateway_target(
        gatewayIdentifier=gateway["gatewayId"],
        targetId=target["targetId"],
        name="pets",
        targetConfiguration={"mcp": config},
    )

    def get() -> Any:
        return control.get_gateway_target(gatewayIdentifier=gateway["gatewayId"], targetId=target["targetId"])

    assert wait_status(get)["status"] == "READY"
    assert "pets___DeletePet" in _tools(gateway["gatewayUrl"])

    # The stage disappears: synchronising fails and says so; the last good tools keep being served.
    apigw.delete_stage(restApiId=api.id, stageName=STAGE)
    control.synchronize_gateway_targets(gatewayIdentifier=gateway["gatewayId"], targetIdList=[target["targetId"]])
    failed = wait_status(get)
    assert failed["status"] == "SYNCHRONIZE_UNSUCCESSFUL"
    assert any(f"has no stage {STAGE}" in r for r in failed["statusReasons"]), failed["statusReasons"]
    assert "pets___DeletePet" in _tools(gateway["gatewayUrl"])

    # The whole API disappears.
    apigw.delete_rest_api(restApiId=api.id)
    control.synchronize_gateway_targets(gatewayIdentifier=gateway["gatewayId"], targetIdList=[target["targetId"]])
    failed = wait_status(get)
    assert any(f"{api.id} does not exist" in r for r in failed["statusReasons"]), failed["statusReasons"]


def test_private_apis_are_refused(control: Any, apigw: Any, unique_name: str) -> None:
    api = create_petstore(apigw, endpointConfiguration={"types": ["PRIVATE"]})
    gateway = create_gateway(control, unique_name)
    with aws_error("ValidationException", 400) as error:
        control.create_gateway_target(
            gatewayIdentifier=gateway["gatewayId"], name="pets", targetConfiguration={"mcp": seed_configuration(api.id)}
        )
    assert "PRIVATE" in error["Error"]["Message"]
