"""The seed's PetStore REST API ("Example API") in API Gateway (a moto server), and a stand-in for its stage.

``create_petstore`` builds the REST API through boto3, as a user would, and deploys it to stage ``test``:

* ``GET /pets`` with optional query parameters ``type`` and ``page``, and NO operation name;
* ``POST /pets`` named ``CreatePet``, request model ``NewPet`` (``type``: a ``$ref`` to model ``PetType``, the
  enum dog/cat/fish/bird/gecko; ``price``: number);
* ``GET /pets/{petId}`` named ``GetPet``.

``start_stage_standin`` serves what the stage's invoke URL would answer, under
``/{restApiId}/{stage}/...``, so a gateway started with
``GATEWRIGHT_APIGATEWAY_INVOKE_URL=<url>/{restApiId}/{stage}`` calls it. It records every request (method,
path, query, headers, body) so tests can check what the gateway sent, including its credentials.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import requests
from aiohttp import web

from support.gateway import GatewrightProcess, start_gatewright, stop_gatewright
from support.moto_server import MotoServer
from support.net import free_port
from support.upstream import PETS, serve_app

STAGE = "test"
PET_TYPES = ["dog", "cat", "fish", "bird", "gecko"]
# What the Example API's integrations point at (never called: the stand-in answers instead).
_INTEGRATION = "http://petstore-demo-endpoint.execute-api.com/petstore/pets"


@dataclass
class PetStoreApi:
    id: str
    root_id: str
    pets_id: str
    pet_id: str


def model_ref(api_id: str, name: str) -> str:
    """How one API Gateway model refers to another."""
    return f"https://apigateway.amazonaws.com/restapis/{api_id}/models/{name}"


def add_method(
    client: Any, api_id: str, resource_id: str, method: str, *, integration: str = _INTEGRATION, **extra: Any
) -> None:
    """A method with an HTTP integration, as the console creates it (``extra``: put_method arguments)."""
    client.put_method(
        restApiId=api_id, resourceId=resource_id, httpMethod=method, **({"authorizationType": "NONE"} | extra)
    )
    client.put_integration(
        restApiId=api_id,
        resourceId=resource_id,
        httpMethod=method,
        type="HTTP",
        integrationHttpMethod=method,
        uri=integration,
    )


def create_petstore(client: Any, *, name: str = "PetStore", deploy: bool = True, **api: Any) -> PetStoreApi:
    """The seed's PetStore, deployed to stage ``test`` unless ``deploy`` is False (``api``: create_rest_api)."""
    created = client.create_rest_api(
        name=name,
        description="Your first API with Amazon API Gateway. This is a sample API that integrates via HTTP "
        "with our demo Pet Store endpoints",
        **({"endpointConfiguration": {"types": ["REGIONAL"]}} | api),
    )
    api_id = created["id"]
    root = next(r for r in client.get_resources(restApiId=api_id)["items"] if r["path"] == "/")
    pets = client.create_resource(restApiId=api_id, parentId=root["id"], pathPart="pets")
    pet = client.create_resource(restApiId=api_id, parentId=pets["id"], pathPart="{petId}")
    client.create_model(
        restApiId=api_id,
        name="PetType",
        contentType="application/json",
        schema=json.dumps({"type": "string", "enum": PET_TYPES}),
    )
    new_pet = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "title": "NewPet",
        "type": "object",
        "properties": {"type": {"$ref": model_ref(api_id, "PetType")}, "price": {"type": "number"}},
    }
    client.create_model(restApiId=api_id, name="NewPet", contentType="application/json", schema=json.dumps(new_pet))
    add_method(
        client,
        api_id,
        pets["id"],
        "GET",
        requestParameters={"method.request.querystring.type": False, "method.request.querystring.page": False},
    )
    add_method(
        client, api_id, pets["id"], "POST", operationName="CreatePet", requestModels={"application/json": "NewPet"}
    )
    add_method(
        client,
        api_id,
        pet["id"],
        "GET",
        operationName="GetPet",
        requestParameters={"method.request.path.petId": True},
    )
    if deploy:
        client.create_deployment(restApiId=api_id, stageName=STAGE)
    return PetStoreApi(api_id, root["id"], pets["id"], pet["id"])


# The seed's target configuration (AGENTCORE_SPEC Appendix A.6), for a REST API id.
def seed_configuration(api_id: str, *, override: bool = True) -> dict[str, Any]:
    tools: dict[str, Any] = {
        "toolFilters": [
            {"filterPath": "/pets", "methods": ["GET", "POST"]},
            {"filterPath": "/pets/{petId}", "methods": ["GET"]},
        ]
    }
    if override:
        tools["toolOverrides"] = [{"name": "GetAllPets", "path": "/pets", "method": "GET"}]
    return {"apiGateway": {"restApiId": api_id, "stage": STAGE, "apiGatewayToolConfiguration": tools}}


@dataclass
class StageStandIn:
    """A local server answering as ``https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}`` would."""

    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def template(self) -> str:
        """The value for GATEWRIGHT_APIGATEWAY_INVOKE_URL."""
        return self.url + "/{restApiId}/{stage}"

    def last(self) -> dict[str, Any]:
        return self.requests[-1]


def _compact(value: Any, status: int = 200) -> web.Response:
    # Compact JSON, as API Gateway's example integration returns it (the seed's tools/call text).
    return web.Response(text=json.dumps(value, separators=(",", ":")), status=status, content_type="application/json")


def _handler(log: list[dict[str, Any]]) -> Callable[[web.Request], Any]:
    async def handle(request: web.Request) -> web.Response:
        body = (await request.read()).decode("utf-8", "replace")
        tail = request.match_info["tail"]
        log.append(
            {
                "method": request.method,
                "api": request.match_info["api"],
                "stage": request.match_info["stage"],
                "path": "/" + tail,
                "query": dict(request.query),
                "headers": {k.lower(): v for k, v in request.headers.items()},
                "body": body,
            }
        )
        parts = tail.strip("/").split("/")
        if parts == ["pets"] and request.method == "GET":
            return _compact(PETS)
        if parts == ["pets"] and request.method == "POST":
            return _compact({"pet": json.loads(body or "{}"), "message": "success"})
        if len(parts) == 2 and parts[0] == "pets" and request.method == "GET":
            found = [p for p in PETS if str(p["id"]) == parts[1]]
            return _compact(found[0]) if found else _compact({"message": "not found"}, 404)
        # Anything else answers with what it received, for auth and parameter tests.
        return _compact({"method": request.method, "path": "/" + tail, "query": dict(request.query)})

    return handle


def start_stage_standin() -> tuple[StageStandIn, Callable[[], None]]:
    port = free_port()
    standin = StageStandIn(f"http://127.0.0.1:{port}")
    app = web.Application()
    app.add_routes([web.route("*", "/{api}/{stage}/{tail:.*}", _handler(standin.requests))])
    return standin, serve_app(app, port, "test-apigateway-stage")


def stage_session() -> Iterator[StageStandIn]:
    """For a fixture: ``yield from stage_session()``."""
    standin, stop = start_stage_standin()
    yield standin
    stop()


def gatewright_session(data_dir: Any, moto: MotoServer, stage: StageStandIn) -> Iterator[GatewrightProcess]:
    """For a fixture: a gatewright that reads API Gateway from ``moto`` (standard AWS variables only) and
    calls stages at the stand-in (GATEWRIGHT_APIGATEWAY_INVOKE_URL)."""
    process = start_gatewright(data_dir, {**moto.env(), "GATEWRIGHT_APIGATEWAY_INVOKE_URL": stage.template})
    yield process
    stop_gatewright(process)


def cli_command(server: GatewrightProcess | None, *args: str) -> list[str]:
    """``gatewright ARGS [--endpoint-url ... --data-dir ...]`` (no connection flags when ``server`` is None)."""
    connection = ["--endpoint-url", server.url, "--data-dir", str(server.data_dir)] if server else []
    return [sys.executable, "-m", "gatewright", *args, *connection]


def run_cli(
    server: GatewrightProcess | None, *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``gatewright ARGS`` as a user runs it, without a terminal (``env``: extra variables)."""
    return subprocess.run(
        cli_command(server, *args),
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        check=False,
    )


def quick_create(server: GatewrightProcess, name: str) -> dict[str, Any]:
    """``gatewright gateway quick-create``: a CUSTOM_JWT gateway and a client of the built-in issuer."""
    done = run_cli(server, "gateway", "quick-create", name, "--json")
    assert done.returncode == 0, done.stderr
    created: dict[str, Any] = json.loads(done.stdout)
    return created


def client_credentials_token(quick: dict[str, Any]) -> str:
    """An access token from the built-in issuer, fetched as the seed's script does (Basic auth)."""
    basic = base64.b64encode(f"{quick['clientId']}:{quick['clientSecret']}".encode()).decode()
    response = requests.post(
        quick["tokenEndpoint"],
        headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
        data={"grant_type": "client_credentials"},
        timeout=30,
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token
