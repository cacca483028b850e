"""``gatewright apigateway list`` and ``add-target``: adding a stage "from API Gateway", as an operator types it.

The CLI reads API Gateway (a moto server) through the standard AWS variables, and creates the target
through the control plane of a real gatewright process.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
from typing import Any

from support.gateway import GatewrightProcess, create_gateway, rpc
from support.moto_server import MotoServer
from support.petstore_apigw import (
    STAGE,
    cli_command,
    create_petstore,
    run_cli,
)

SEED_FILTERS = ("--path", "/pets", "--methods", "GET,POST", "--path", "/pets/{petId}", "--methods", "GET")


def _tool_names(gateway: dict[str, Any]) -> set[str]:
    return {t["name"] for t in rpc(gateway["gatewayUrl"], "tools/list").json()["result"]["tools"]}


def test_list_shows_rest_apis_and_stages(moto: MotoServer) -> None:
    api = create_petstore(moto.client("apigateway"), name="ListedStore")
    done = run_cli(None, "apigateway", "list", "--json", env=moto.env())
    assert done.returncode == 0, done.stderr
    rows = {r["id"]: r for r in json.loads(done.stdout)}
    assert rows[api.id] == {"id": api.id, "name": "ListedStore", "endpointTypes": ["REGIONAL"], "stages": [STAGE]}
    # The service's own endpoint variable wins over AWS_ENDPOINT_URL (nothing listens on port 9).
    for variable in ("AWS_ENDPOINT_URL_API_GATEWAY", "AWS_ENDPOINT_URL_APIGATEWAY"):
        env = {**moto.env(), "AWS_ENDPOINT_URL": "http://127.0.0.1:9", variable: moto.url}
        text = run_cli(None, "apigateway", "list", env=env).stdout
        assert f"{api.id}  ListedStore  REGIONAL  stages: {STAGE}" in text


def test_add_target_with_flags(server: GatewrightProcess, control: Any, moto: MotoServer, unique_name: str) -> None:
    api = create_petstore(moto.client("apigateway"))
    gateway = create_gateway(control, unique_name)
    done = run_cli(
        server,
        "apigateway",
        "add-target",
        gateway["gatewayId"],
        "--rest-api-id",
        api.id,
        "--stage",
        STAGE,
        *SEED_FILTERS,
        "--name-override",
        "GET /pets=GetAllPets",
        "--description-override",
        "GET /pets=List all pets",
        "--json",
        env=moto.env(),
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["name"], out["status"]) == (f"PetStore-{STAGE}", "READY")
    assert _tool_names(gateway) == {f"PetStore-{STAGE}___{n}" for n in ("GetAllPets", "CreatePet", "GetPet")}
    target = control.get_gateway_target(gatewayIdentifier=gateway["gatewayId"], targetId=out["targetId"])
    overrides = target["targetConfiguration"]["mcp"]["apiGateway"]["apiGatewayToolConfiguration"]["toolOverrides"]
    assert overrides == [{"name": "GetAllPets", "description": "List all pets", "path": "/pets", "method": "GET"}]


def test_add_target_without_a_terminal_names_what_is_missing(
    server: GatewrightProcess, control: Any, moto: MotoServer, unique_name: str
) -> None:
    api = create_petstore(moto.client("apigateway"))
    gateway = create_gateway(control, unique_name)
    args = ("apigateway", "add-target", gateway["gatewayId"], "--rest-api-id", api.id, "--stage", STAGE)
    done = run_cli(server, *args, *SEED_FILTERS, env=moto.env())
    assert done.returncode != 0
    assert "GET /pets has no operation name" in done.stderr
    assert "--name-override" in done.stderr
    assert control.list_gateway_targets(gatewayIdentifier=gateway["gatewayId"])["items"] == []

    missing = run_cli(
        server,
        "apigateway",
        "add-target",
        gateway["gatewayId"],
        "--rest-api-id",
        api.id,
        "--stage",
        "prod",
        env=moto.env(),
    )
    assert missing.returncode == 1
    assert f"REST API {api.id} has no stage prod" in missing.stderr


def test_add_target_asks_for_missing_names_on_a_terminal(
    server: GatewrightProcess, control: Any, moto: MotoServer, unique_name: str
) -> None:
    api = create_petstore(moto.client("apigateway"))
    gateway = create_gateway(control, unique_name)
    args = ("apigateway", "add-target", gateway["gatewayId"], "--rest-api-id", api.id, "--stage", STAGE)
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            cli_command(server, *args, *SEED_FILTERS, "--name", "typed"),
            stdin=follower,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **moto.env()},
            text=True,
        )
        os.write(leader, b"GetAllPets\n")  # the terminal holds the line until the prompt reads it
        stdout, stderr = process.communicate(timeout=60)
    finally:
        os.close(leader)
        os.close(follower)
    assert process.returncode == 0, stderr
    assert "GET /pets has no operation name. Tool name:" in stdout
    assert "READY" in stdout
    assert _tool_names(gateway) == {"typed___GetAllPets", "typed___CreatePet", "typed___GetPet"}
