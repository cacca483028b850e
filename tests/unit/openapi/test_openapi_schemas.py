"""Schema conversion: composition, discriminators, cycles, shared schemas, pointers, booleans, nulls, patterns."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from corpus.checks import FORMATS, dangling
from gatewright.catalog.validation import ArgumentError, compile_validator
from gatewright.targets.rest.importer import ImportLimits, import_document

JSON = dict[str, Any]


def doc(schemas: JSON, body: JSON, version: str = "3.1.0", params: list[JSON] | None = None) -> JSON:
    op: JSON = {
        "operationId": "op",
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": {"200": {"description": "ok"}},
    }
    if params:
        op["parameters"] = params
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": {"/things": {"post": op}},
        "components": {"schemas": schemas},
    }


def schema_of(document: JSON, **limits: Any) -> JSON:
    artifact = import_document(document, target_name="t", limits=ImportLimits(**limits))
    schema: JSON = artifact.tools[0].input_schema
    assert Draft202012Validator(Draft202012Validator.META_SCHEMA, format_checker=FORMATS).is_valid(schema)
    assert dangling(schema) == []
    return schema


PET = {
    "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
    "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}},
}
BASE = {
    "type": "object",
    "required": ["kind"],
    "properties": {
        "kind": {"type": "string", "description": "What kind of pet this is"},
        "name": {"type": "string", "description": "The name the pet answers to"},
    },
}
CAT = {
    "allOf": [
        {"$ref": "#/components/schemas/Base"},
        {"required": ["lives"], "properties": {"lives": {"type": "integer"}}},
    ]
}
DOG = {
    "allOf": [
        {"$ref": "#/components/schemas/Base"},
        {"required": ["bark"], "properties": {"bark": {"type": "boolean"}}},
    ]
}


def test_composition_and_discriminator_are_kept() -> None:
    schema = schema_of(doc({"Pet": PET, "Base": BASE, "Cat": CAT, "Dog": DOG}, {"$ref": "#/components/schemas/Pet"}))
    body = schema["properties"]["body"]
    assert body["discriminator"] == {"propertyName": "kind"}
    assert len(body["oneOf"]) == 2
    # Base is used by Cat and Dog: one $defs entry, referenced twice
    assert set(schema["$defs"]) == {"Base"}
    validator = compile_validator(schema)
    validator({"body": {"kind": "cat", "lives": 9}})
    with pytest.raises(ArgumentError):
        validator({"body": {"lives": 9}})


def test_circular_schema_becomes_defs() -> None:
    node = {
        "type": "object",
        "properties": {
            "value": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
        },
    }
    schema = schema_of(doc({"Node": node}, {"$ref": "#/components/schemas/Node"}))
    assert schema["properties"]["children"]["items"] == {"$ref": "#/$defs/Node"}
    assert schema["$defs"]["Node"]["properties"]["children"]["items"] == {"$ref": "#/$defs/Node"}
    compile_validator(schema)({"children": [{"value": "a", "children": [{"value": "b"}]}]})


def test_percent_encoded_pointer_into_paths() -> None:
    document = doc(
        {}, {"$ref": "#/paths/~1companies~1%7BcompanyId%7D/get/responses/200/content/application~1json/schema"}
    )
    document["paths"]["/companies/{companyId}"] = {
        "get": {
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {
                        "application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}
                    },
                }
            }
        }
    }
    artifact = import_document(document, target_name="t")
    tool = next(t for t in artifact.tools if t.name == "op")
    assert tool.input_schema["properties"]["id"] == {"type": "string"}


def test_boolean_schemas_nullable_and_type_arrays() -> None:
    body = {
        "type": "object",
        "properties": {
            "anything": True,
            "nothing": False,
            "maybe": {"type": "string", "nullable": True},
            "either": {"type": ["string", "integer"]},
            "choice": {"enum": ["a", "b"], "nullable": True},
        },
        "unevaluatedProperties": False,
    }
    schema = schema_of(doc({}, body, version="3.0.3"))
    props = schema["properties"]
    assert props["anything"] is True
    assert props["nothing"] is False
    assert props["maybe"]["type"] == ["string", "null"]
    assert props["either"]["type"] == ["string", "integer"]
    assert props["choice"]["enum"] == ["a", "b", None]


def test_invalid_keyword_values_are_dropped() -> None:
    body = {
        "type": "object",
        "properties": {
            "a": {"type": "date", "required": True, "minLength": -1, "examples": {"x": 1}},
            "b": {"type": "file"},
            "c": {"type": "number", "minimum": 1, "exclusiveMinimum": True},
        },
    }
    schema = schema_of(doc({}, body, version="3.0.3"))
    assert schema["properties"]["a"] == {}
    assert schema["properties"]["b"] == {"type": "string", "format": "binary"}
    assert schema["properties"]["c"] == {"type": "number", "exclusiveMinimum": 1}


def test_ecma_pattern_is_kept_for_clients_and_skipped_by_the_gateway_validator() -> None:
    pattern = r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$"
    schema = schema_of(doc({}, {"type": "object", "properties": {"tag": {"type": "string", "pattern": pattern}}}))
    assert schema["properties"]["tag"]["pattern"] == pattern
    validate = compile_validator(schema)
    validate({"tag": "héllo wörld"})  # no crash: the gateway cannot compile \p{L} and leaves it to the upstream
    with pytest.raises(ArgumentError):
        validate({"tag": 5})


def test_3_1_ref_siblings_are_kept() -> None:
    shared = {
        "type": "object",
        "properties": {"x": {"type": "string"}, "y": {"type": "string"}, "z": {"type": "string"}},
    }
    body = {
        "type": "object",
        "properties": {
            "a": {"$ref": "#/components/schemas/Shared", "description": "first"},
            "b": {"$ref": "#/components/schemas/Shared", "description": "second"},
        },
    }
    schema = schema_of(doc({"Shared": shared}, body))
    assert schema["properties"]["a"] == {"description": "first", "$ref": "#/$defs/Shared"}


def test_schema_budget_bounds_the_tool_and_degrades_it() -> None:
    big = {f"f{i}": {"type": "string", "description": "x" * 50} for i in range(200)}
    schemas = {
        "Big": {"type": "object", "properties": big},
        "Wrapper": {"type": "object", "properties": {"one": {"$ref": "#/components/schemas/Big"}}},
    }
    body = {"type": "object", "properties": {"w": {"$ref": "#/components/schemas/Wrapper"}}}
    artifact = import_document(doc(schemas, body), target_name="t", limits=ImportLimits(schema_bytes=2000))
    schema = artifact.tools[0].input_schema
    assert "not expanded" in schema["properties"]["w"]["properties"]["one"]["description"]
    entry = artifact.report["operations"][0] if artifact.report else {}
    assert entry["status"] == "degraded"
    assert any("schema size limit" in r for r in entry["reasons"])


def test_dangling_reference_degrades_one_tool_only() -> None:
    document = doc({}, {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/Missing"}}})
    document["paths"]["/ok"] = {"get": {"operationId": "fine", "responses": {"200": {"description": "ok"}}}}
    artifact = import_document(document, target_name="t")
    statuses = {e["operation"]: e["status"] for e in (artifact.report or {})["operations"]}
    assert statuses == {"POST /things": "degraded", "GET /ok": "exposed"}
