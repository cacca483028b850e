"""OpenAPI documents for the harness: the small API that ``tools/call`` is measured on, and generated APIs
of any size for ``tools/list``.

The generated operations look like a real REST API (a path parameter, query parameters, a JSON body on
writes, a summary and a description), so a listed tool weighs what a typical imported tool weighs
(about 600 bytes of JSON).
"""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]
# The tool every tools/call measurement uses, and the upstream path it maps to.
CALL_TOOL = "GetItem"
CALL_ARGUMENTS: JSON = {"itemId": "42"}
CALL_PATH = "/items/42"


def small_api(base_url: str) -> JSON:
    """Three operations on the harness upstream; ``GetItem`` is the one measured."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Bench items", "version": "1.0"},
        "servers": [{"url": base_url}],
        "paths": {
            "/items": {
                "get": {
                    "operationId": "ListItems",
                    "summary": "List items",
                    "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                    "responses": {"200": {"description": "ok"}},
                },
                "post": {
                    "operationId": "CreateItem",
                    "summary": "Create an item",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
                    },
                    "responses": {"201": {"description": "created"}},
                },
            },
            "/items/{itemId}": {
                "get": {
                    "operationId": CALL_TOOL,
                    "summary": "Get one item",
                    "parameters": [{"name": "itemId", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "ok"}},
                }
            },
        },
        "components": {
            "schemas": {
                "Item": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {"name": {"type": "string"}, "price": {"type": "number"}},
                }
            }
        },
    }


def _read(i: int) -> JSON:
    return {
        "operationId": f"getResource{i}",
        "summary": f"Get resource {i}",
        "description": f"Returns one resource of collection {i}, optionally expanded with its related records.",
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "expand", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
        ],
        "responses": {"200": {"description": "ok"}},
    }


def _write(i: int) -> JSON:
    return {
        "operationId": f"updateResource{i}",
        "summary": f"Update resource {i}",
        "description": f"Replaces the fields of one resource of collection {i}.",
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {
                            "name": {"type": "string", "maxLength": 200},
                            "status": {"type": "string", "enum": ["active", "archived"]},
                            "tags": {"type": "array", "items": {"type": "string"}},
                        },
                    }
                }
            },
        },
        "responses": {"200": {"description": "ok"}},
    }


def generated_api(base_url: str, tools: int, *, first: int = 0) -> JSON:
    """An API of exactly ``tools`` operations (half reads, half writes), numbered from ``first``."""
    paths: JSON = {}
    for n in range(first, first + tools):
        i = n // 2
        item = paths.setdefault(f"/collection{i}/{{id}}", {})
        if n % 2 == 0:
            item["get"] = _read(i)
        else:
            item["put"] = _write(i)
    return {
        "openapi": "3.0.3",
        "info": {"title": f"Generated API ({tools} operations)", "version": "1.0"},
        "servers": [{"url": base_url}],
        "paths": paths,
    }
