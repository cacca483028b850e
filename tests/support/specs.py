"""OpenAPI documents used by the tests."""

from __future__ import annotations

from typing import Any


def petstore(base_url: str) -> dict[str, Any]:
    """The seed's PetStore: GET /pets without an operationId, CreatePet, GetPet."""
    return {
        "openapi": "3.0.1",
        "info": {"title": "PetStore", "version": "1.0"},
        "servers": [{"url": base_url}],
        "paths": {
            "/pets": {
                "get": {
                    "summary": "List all pets",
                    "parameters": [
                        {"name": "type", "in": "query", "schema": {"type": "string"}},
                        {"name": "page", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {"200": {"description": "ok"}},
                },
                "post": {
                    "operationId": "CreatePet",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}},
                    },
                    "responses": {"201": {"description": "created"}},
                },
            },
            "/pets/{petId}": {
                "get": {
                    "operationId": "GetPet",
                    "parameters": [{"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "ok"}},
                }
            },
        },
        "components": {
            "schemas": {
                "PetType": {"type": "string", "enum": ["dog", "cat", "fish", "bird", "gecko"]},
                "NewPet": {
                    "type": "object",
                    "required": ["type"],
                    "properties": {"type": {"$ref": "#/components/schemas/PetType"}, "price": {"type": "number"}},
                },
            }
        },
    }
