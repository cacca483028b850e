"""From API Gateway's resource model to tools (targets/apigateway/document.py + the OpenAPI importer), and the
invoke URL (endpoint.py): on REST APIs written as data, no network."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gatewright.settings import Settings
from gatewright.targets.apigateway.document import openapi_document
from gatewright.targets.apigateway.endpoint import InvokeUrlError, invoke_url
from gatewright.targets.apigateway.reader import Method, Resource, RestApi
from gatewright.targets.apigateway.rest import import_operations
from gatewright.targets.apigateway.select import select
from gatewright.targets.rest.request import build_request as request_for

JSON = dict[str, Any]
BASE = "https://abc123.execute-api.us-east-1.amazonaws.com/test"
MODEL = "https://apigateway.amazonaws.com/restapis/abc123/models/"


def _tools(api: RestApi, *filters: tuple[str, list[str]], overrides: list[JSON] | None = None) -> dict[str, Any]:
    """name -> (ToolSpec, binding) for the selected methods, through the importer as the kind does it."""
    config: JSON = {"toolFilters": [{"filterPath": p, "methods": m} for p, m in filters]}
    if overrides:
        config["toolOverrides"] = overrides
    notes: list[str] = []
    doc = openapi_document(api, select(api, config, "NONE", invoke_url_set=False), notes)
    artifact = import_operations(doc, target_name="t", settings=Settings(), base_url=BASE)
    return {t.name: (t, artifact.data["operations"][t.name]) for t in artifact.tools} | {"_notes": notes}


def _api(resources: list[Resource], models: dict[str, Any] | None = None, export: JSON | None = None) -> RestApi:
    return RestApi(
        id="abc123",
        name="Api",
        region="us-east-1",
        stage="test",
        resources=resources,
        models={k: json.dumps(v) if not isinstance(v, str) else v for k, v in (models or {}).items()},
        export=export,
    )


def test_parameters_of_every_kind() -> None:
    params = {
        "method.request.path.id": True,
        "method.request.querystring.q": True,
        "method.request.querystring.page": False,
        "method.request.multivaluequerystring.tag": False,
        "method.request.header.X-Trace": False,
        "method.request.path.gone": True,  # not in the path: API Gateway never fills it
    }
    api = _api(
        [Resource("/items/{id}/{part}", {"GET": Method("GET", operation_name="Get", request_parameters=params)})]
    )
    tool, binding = _tools(api, ("/items/{id}/{part}", ["GET"]))["Get"]
    assert tool.input_schema == {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "part": {"type": "string"},
            "q": {"type": "string"},
            "page": {"type": "string"},
            "tag": {"type": "array", "items": {"type": "string"}},
            "X-Trace": {"type": "string"},
        },
        "required": ["id", "part", "q"],
    }
    request = request_for(binding, BASE, {"id": "7", "part": "a b", "q": "x", "tag": ["p", "q"], "X-Trace": "t1"})
    assert request.method == "GET"
    assert request.url == f"{BASE}/items/7/a%20b?q=x&tag=p&tag=q"
    assert request.headers["X-Trace"] == "t1"


def test_models_refer_to_each_other_and_to_their_own_definitions() -> None:
    models = {
        "Order": {
            "$schema": "http://json-schema.org/draft-04/schema#",
            "title": "Order",
            "type": "object",
            "required": ["item"],
            "properties": {
                "item": {"$ref": MODEL + "Item"},
                "note": {"$ref": "#/definitions/Note"},
                "count": {"type": "integer", "minimum": 1},
            },
            "definitions": {"Note": {"type": "string", "maxLength": 140}},
        },
        "Item": {"type": "object", "properties": {"sku": {"type": "string"}, "kind": {"$ref": MODEL + "Kind"}}},
        "Kind": {"type": "string", "enum": ["a", "b"]},
        "Unused": {"type": "object"},
    }
    method = Method("POST", operation_name="Order", request_models={"application/json": "Order"})
    tools = _tools(_api([Resource("/orders", {"POST": method})], models), ("/orders", ["POST"]))
    tool, binding = tools["Order"]
    props = tool.input_schema["properties"]
    assert tool.input_schema["required"] == ["item"]
    assert props["note"] == {"type": "string", "maxLength": 140}
    assert props["count"] == {"type": "integer", "minimum": 1}
    item = props["item"]
    resolved = tool.input_schema["$defs"][item["$ref"].rsplit("/", 1)[1]] if "$ref" in item else item
    assert resolved["properties"]["kind"] == {"type": "string", "enum": ["a", "b"]}
    request = request_for(binding, BASE, {"item": {"sku": "s1", "kind": "a"}, "count": 2})
    assert json.loads(request.body or b"") == {"item": {"sku": "s1", "kind": "a"}, "count": 2}
    assert request.headers["Content-Type"].startswith("application/json")
    assert tools["_notes"] == []


def test_a_missing_or_broken_model_is_noted() -> None:
    resources = [
        Resource("/a", {"POST": Method("POST", operation_name="A", request_models={"application/json": "Gone"})}),
        Resource("/b", {"POST": Method("POST", operation_name="B", request_models={"application/json": "Bad"})}),
    ]
    tools = _tools(_api(resources, {"Bad": "{not json"}), ("/*", ["POST"]))
    assert {"A", "B"} <= set(tools)
    assert tools["_notes"] == [
        "model Bad is not valid JSON; its body is not described",
        "model Gone does not exist in REST API abc123; its body is not described",
    ]


def test_descriptions_from_overrides_then_the_export_then_the_name() -> None:
    export = {
        "openapi": "3.0.1",
        "paths": {
            "/pets": {
                "get": {
                    "summary": "List pets",
                    "description": "All the pets, a page at a time.",
                    "parameters": [{"name": "page", "in": "query", "description": "page number"}],
                },
                "post": {"summary": "Create a pet"},
            }
        },
    }
    params = {"method.request.querystring.page": False}
    resources = [
        Resource(
            "/pets",
            {
                "GET": Method("GET", operation_name="ListPets", request_parameters=params),
                "POST": Method("POST", operation_name="CreatePet"),
                "DELETE": Method("DELETE", operation_name="DeletePets"),
            },
        )
    ]
    overrides = [{"name": "AddPet", "path": "/pets", "method": "POST", "description": "Add one pet"}]
    tools = _tools(_api(resources, export=export), ("/pets", ["GET", "POST", "DELETE"]), overrides=overrides)
    assert tools["ListPets"][0].description == "List pets\n\nAll the pets, a page at a time."
    assert tools["ListPets"][0].input_schema["properties"]["page"]["description"] == "page number"
    assert tools["AddPet"][0].description == "Add one pet"
    assert tools["DeletePets"][0].description == "DeletePets"


def test_any_methods_are_called_with_the_selected_method() -> None:
    api = _api([Resource("/things", {"ANY": Method("ANY", operation_name="Things")})])
    tools = _tools(
        api, ("/things", ["GET", "DELETE"]), overrides=[{"name": "Drop", "path": "/things", "method": "DELETE"}]
    )
    assert tools["Things"][1]["method"] == "GET"
    assert tools["Drop"][1]["method"] == "DELETE"


def test_invoke_url() -> None:
    assert invoke_url("", rest_api_id="abc123", region="eu-west-1", stage="prod") == (
        "https://abc123.execute-api.eu-west-1.amazonaws.com/prod"
    )
    localstack = "http://localhost:4566/restapis/{restApiId}/{stage}/_user_request_/"
    assert invoke_url(localstack, rest_api_id="abc123", region="us-east-1", stage="test") == (
        "http://localhost:4566/restapis/abc123/test/_user_request_"
    )
    for bad in ("localhost:4566/{stage}", "http://x/{apiId}/{stage}", "ftp://x/{stage}"):
        with pytest.raises(InvokeUrlError):
            invoke_url(bad, rest_api_id="abc123", region="us-east-1", stage="test")
