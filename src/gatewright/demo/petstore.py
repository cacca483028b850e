"""``gatewright demo petstore``: the PetStore REST API of the AgentCore walkthrough, on 127.0.0.1.

It serves ``GET /pets`` (query ``type``, ``page``), ``POST /pets``, ``GET /pets/{petId}`` and its own OpenAPI
document at ``/openapi.json``, so the quickstart has an upstream without any cloud account.
"""

from __future__ import annotations

import argparse
from typing import Any

from aiohttp import web

PETS = [
    {"id": 1, "type": "dog", "price": 249.99},
    {"id": 2, "type": "cat", "price": 124.99},
    {"id": 3, "type": "fish", "price": 0.99},
]


def openapi(base_url: str) -> dict[str, Any]:
    """The walkthrough's PetStore: GET /pets has no operationId (so it needs a name), CreatePet, GetPet.

    Like the walkthrough's API, CreatePet and GetPet have no summary: their tools' descriptions are their names.
    """
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
                    "responses": {"200": {"description": "the pets"}},
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
                    "responses": {"200": {"description": "the pet"}, "404": {"description": "no such pet"}},
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


def app(base_url: str) -> web.Application:
    pets = [dict(p) for p in PETS]

    async def list_pets(request: web.Request) -> web.Response:
        kind = request.query.get("type")
        return web.json_response([p for p in pets if kind is None or p["type"] == kind])

    async def get_pet(request: web.Request) -> web.Response:
        for pet in pets:
            if str(pet["id"]) == request.match_info["pet_id"]:
                return web.json_response(pet)
        return web.json_response({"message": "pet not found"}, status=404)

    async def create_pet(request: web.Request) -> web.Response:
        body = await request.json()
        pet = {"id": len(pets) + 1, "type": body.get("type"), "price": body.get("price")}
        pets.append(pet)
        return web.json_response(pet, status=201)

    async def spec(request: web.Request) -> web.Response:
        return web.json_response(openapi(base_url))

    application = web.Application()
    application.add_routes(
        [
            web.get("/pets", list_pets),
            web.post("/pets", create_pet),
            web.get("/pets/{pet_id}", get_pet),
            web.get("/openapi.json", spec),
        ]
    )
    return application


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = sub.add_parser("demo", help="local demo upstreams for trying gatewright")
    dsub = demo.add_subparsers(dest="action", required=True)
    pet = dsub.add_parser("petstore", help="serve the PetStore REST API and its OpenAPI at /openapi.json")
    pet.add_argument("--host", default="127.0.0.1")
    pet.add_argument("--port", type=int, default=8081)
    pet.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    base = f"http://{args.host}:{args.port}"
    print(f"PetStore on {base} (OpenAPI at {base}/openapi.json)", flush=True)
    web.run_app(app(base), host=args.host, port=args.port, print=None, access_log=None)
    return 0
