"""Whole-document import: Swagger 2.0, names, collisions, the report, limits, servers, external references."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from gatewright.targets.base import BuildError
from gatewright.targets.rest.external import allowed, bundle
from gatewright.targets.rest.importer import ImportLimits, import_document
from gatewright.targets.rest.naming import tool_name
from gatewright.targets.sources import parse_document

JSON = dict[str, Any]

SWAGGER = {
    "swagger": "2.0",
    "info": {"title": "s", "version": "1"},
    "host": "api.example.com",
    "basePath": "/v1",
    "schemes": ["http", "https"],
    "consumes": ["application/json"],
    "paths": {
        "/pets/{id}": {
            "parameters": [{"$ref": "#/parameters/Id"}],
            "put": {
                "operationId": "updatePet",
                "parameters": [
                    {"name": "tags", "in": "query", "type": "array", "items": {"type": "string"}},
                    {
                        "name": "ids",
                        "in": "query",
                        "type": "array",
                        "items": {"type": "integer"},
                        "collectionFormat": "multi",
                    },
                    {"name": "pet", "in": "body", "required": True, "schema": {"$ref": "#/definitions/Pet"}},
                ],
                "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"}}},
            },
        },
        "/upload": {
            "post": {
                "operationId": "upload",
                "consumes": ["multipart/form-data"],
                "parameters": [
                    {"name": "file", "in": "formData", "type": "file", "required": True},
                    {"name": "note", "in": "formData", "type": "string"},
                ],
                "responses": {"200": {"description": "ok"}},
            }
        },
        "/form": {
            "post": {
                "operationId": "form",
                "consumes": ["application/x-www-form-urlencoded"],
                "parameters": [{"name": "a", "in": "formData", "type": "string", "required": True}],
                "responses": {"200": {"description": "ok"}},
            }
        },
    },
    "parameters": {"Id": {"name": "id", "in": "path", "required": True, "type": "string"}},
    "definitions": {
        "Pet": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string"}, "id": {"type": "integer"}},
        }
    },
}


def test_swagger_2_is_converted() -> None:
    artifact = import_document(SWAGGER, target_name="pets")
    tools = {t.name: t for t in artifact.tools}
    assert set(tools) == {"updatePet", "upload", "form"}
    update = artifact.data["operations"]["updatePet"]
    assert update["server"] == "https://api.example.com/v1"
    params = {p["name"]: p for p in update["params"]}
    assert (params["tags"]["style"], params["tags"]["explode"]) == ("form", False)  # csv
    assert (params["ids"]["style"], params["ids"]["explode"]) == ("form", True)  # multi
    schema = tools["updatePet"].input_schema
    # the body's "id" collides with the path's "id": the body one is renamed, the wire name kept
    assert set(schema["properties"]) == {"id", "tags", "ids", "name", "id_body"}
    assert update["body"]["props"] == {"name": "name", "id_body": "id"}
    assert schema["required"] == ["id", "name"]
    upload = artifact.data["operations"]["upload"]["body"]
    assert (upload["kind"], upload["files"]) == ("multipart", ["file"])
    assert tools["upload"].input_schema["properties"]["file"]["required"] == ["content"]
    assert artifact.data["operations"]["form"]["body"]["kind"] == "form"
    assert artifact.report is not None
    assert artifact.report["source"] == "swagger 2.0"


def test_yaml_3_1_document() -> None:
    text = """
openapi: 3.1.0
info: {title: y, version: 2024-01-01}
servers: [{url: 'https://{region}.example.com', variables: {region: {default: eu}}}]
paths:
  /items/{item-id}:
    get:
      parameters:
        - {name: item-id, in: path, required: true, schema: {type: string}}
        - {name: $filter, in: query, schema: {type: string}}
        - {name: 'page[size]', in: query, schema: {type: integer}}
        - {name: _links, in: query, schema: {type: boolean}}
      responses: {'200': {description: ok}}
"""
    artifact = import_document(parse_document(text), target_name="y")
    tool = artifact.tools[0]
    assert tool.name == "get_items_by_item-id"
    assert set(tool.input_schema["properties"]) == {"item-id", "filter", "page_size", "links"}
    wire = {p["prop"]: p["name"] for p in artifact.data["operations"][tool.name]["params"]}
    assert wire == {"item-id": "item-id", "filter": "$filter", "page_size": "page[size]", "links": "_links"}
    assert artifact.data["operations"][tool.name]["server"] == "https://eu.example.com"


def test_names_are_valid_bounded_deterministic_and_unique() -> None:
    long_id = (
        "drives.drive.items.driveItem.workbook.worksheets.workbookWorksheet.charts.workbookChart.axes.categoryAxis"
    )
    paths: JSON = {}
    for i in range(3):
        paths[f"/a{i}"] = {"get": {"operationId": long_id, "responses": {"200": {"description": "ok"}}}}
    paths["/b"] = {"get": {"operationId": "list pets/all", "responses": {"200": {"description": "ok"}}}}
    document = {"openapi": "3.0.0", "info": {}, "servers": [{"url": "https://x"}], "paths": paths}
    first = import_document(document, target_name="graph")
    again = import_document(document, target_name="graph")
    names = [t.name for t in first.tools]
    assert names == [t.name for t in again.tools]
    assert len(set(names)) == 4
    assert all(len("graph___" + n) <= 64 for n in names)
    assert names[3] == "list_pets_all"
    statuses = [e["status"] for e in (first.report or {})["operations"]]
    assert statuses == ["renamed"] * 4
    assert tool_name(None, "GET", "/users/{id}/posts") == "get_users_by_id_posts"


def test_tool_limit_is_reported_per_operation() -> None:
    paths = {f"/p{i}": {"get": {"responses": {"200": {"description": "ok"}}}} for i in range(5)}
    document = {"openapi": "3.0.0", "info": {}, "servers": [{"url": "https://x"}], "paths": paths}
    artifact = import_document(document, target_name="t", limits=ImportLimits(max_tools=3))
    report = artifact.report or {}
    assert len(artifact.tools) == 3
    assert report["counts"] == {"exposed": 3, "skipped": 2}
    assert "GATEWRIGHT_MAX_TOOLS_PER_TARGET" in report["operations"][4]["reasons"][0]


def test_time_limit_fails_with_the_setting_named() -> None:
    paths = {f"/p{i}": {"get": {"responses": {"200": {"description": "ok"}}}} for i in range(5)}
    document = {"openapi": "3.0.0", "info": {}, "servers": [{"url": "https://x"}], "paths": paths}
    with pytest.raises(BuildError, match="GATEWRIGHT_OPENAPI_IMPORT_SECONDS"):
        import_document(document, target_name="t", limits=ImportLimits(seconds=-1))


def test_no_operation_and_unsupported_versions_fail_whole() -> None:
    with pytest.raises(BuildError, match="no operation"):
        import_document({"openapi": "3.1.0", "info": {}, "webhooks": {}}, target_name="t")
    with pytest.raises(BuildError, match=r"Swagger 1\.2"):
        import_document({"swagger": "1.2"}, target_name="t")


def test_missing_server_degrades_but_imports() -> None:
    document = {"openapi": "3.0.0", "info": {}, "paths": {"/p": {"get": {"responses": {}}}}}
    artifact = import_document(document, target_name="t")
    entry = (artifact.report or {})["operations"][0]
    assert entry["status"] == "degraded"
    assert "no servers entry" in entry["reasons"][-1]


def test_external_refs_are_never_fetched_unless_allowed() -> None:
    document = {
        "openapi": "3.0.0",
        "info": {},
        "servers": [{"url": "https://x"}],
        "paths": {
            "/p": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "common.json#/Thing"}}}},
                    "responses": {},
                }
            }
        },
    }
    fetched: list[str] = []

    async def fetch(url: str) -> bytes:
        fetched.append(url)
        return b'{"Thing": {"type": "object", "properties": {"a": {"$ref": "#/Other"}}}, "Other": {"type": "integer"}}'

    same, notes = asyncio.run(bundle(document, (), fetch))
    assert same is document
    assert fetched == []
    assert notes == []
    artifact = import_document(document, target_name="t")
    assert (artifact.report or {})["operations"][0]["status"] == "degraded"

    bundled, notes = asyncio.run(bundle(document, ("https://specs.example.com/api/",), fetch))
    assert fetched == ["https://specs.example.com/api/common.json"]
    assert notes == []
    tool = import_document(bundled, target_name="t").tools[0]
    assert tool.input_schema["properties"]["a"] == {"type": "integer"}


def test_allowed_base_urls_cannot_be_escaped() -> None:
    bases = ("https://specs.example.com/api/",)
    assert allowed("https://specs.example.com/api/x.yaml", bases)
    assert not allowed("https://specs.example.com/other/x.yaml", bases)
    assert not allowed("https://specs.example.com.evil.test/api/x.yaml", bases)
    assert not allowed("http://specs.example.com/api/x.yaml", bases)
    assert not allowed("https://user@specs.example.com/api/x.yaml", bases)
    assert not allowed("file:///etc/passwd", bases)
