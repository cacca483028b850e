"""The seed's three client scripts (tests/seed/), run unchanged as subprocesses against gatewright.

A gateway made by ``gatewright gateway quick-create`` (CUSTOM_JWT with a new client of the built-in issuer) gets
an OpenAPI target named ``target-quick-start-xxx`` on the local PetStore. The scripts get a token by HTTP Basic
client credentials, then POST bare ``tools/list`` and ``tools/call`` JSON-RPC with the bearer token.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from support.gateway import GatewrightProcess, openapi_target
from support.identity import name, run_cli
from support.specs import petstore
from support.upstream import PETS, Upstream

SEED_SCRIPTS = Path(__file__).resolve().parents[1] / "seed"
SEED_ARTICLE = Path(__file__).resolve().parents[3] / "shared/seed/000_be066ee5167451b2.txt"
CONFIGURED = ("TOKEN_ENDPOINT = ", "GATEWAY_URL = ")  # the only lines that differ from the article
TARGET = "target-quick-start-xxx"


@pytest.fixture(scope="module")
def quick_start(gatewright: GatewrightProcess, control: Any, upstream: Upstream) -> dict[str, Any]:
    created: dict[str, Any] = json.loads(
        run_cli(gatewright, "gateway", "quick-create", name("gateway-quick-start-"), "--json").stdout
    )
    spec = petstore(upstream.url)
    spec["paths"]["/pets"]["get"]["operationId"] = "GetAllPets"
    target = openapi_target(control, created["gatewayId"], TARGET, spec)
    assert target["status"] == "READY", target
    return created


def _run(script: str, quick_start: dict[str, Any]) -> tuple[int, Any]:
    env = {
        **os.environ,
        "TOKEN_ENDPOINT": quick_start["tokenEndpoint"],
        "COGNITO_CLIENT_ID": quick_start["clientId"],
        "COGNITO_CLIENT_SECRET": quick_start["clientSecret"],
        "GATEWAY_URL": quick_start["gatewayUrl"],
    }
    done = subprocess.run(
        [sys.executable, script], cwd=SEED_SCRIPTS, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    status_line, _, body = done.stdout.partition("\n")
    assert body.startswith("Response Body: "), done.stdout
    return int(status_line.removeprefix("Status Code: ")), json.loads(body.removeprefix("Response Body: "))


def test_list_tools_script(quick_start: dict[str, Any]) -> None:
    status, body = _run("list_tools.py", quick_start)
    assert status == 200
    assert body["jsonrpc"] == "2.0"
    assert body["id"] == 1
    tools = {t["name"]: t for t in body["result"]["tools"]}
    assert set(tools) == {f"{TARGET}___GetAllPets", f"{TARGET}___CreatePet", f"{TARGET}___GetPet"}
    assert tools[f"{TARGET}___GetPet"]["inputSchema"]["required"] == ["petId"]
    assert set(tools[f"{TARGET}___GetAllPets"]["inputSchema"]["properties"]) >= {"page", "type"}


def test_call_get_all_pets_script(quick_start: dict[str, Any]) -> None:
    status, body = _run("call_get_all_pets.py", quick_start)
    assert status == 200
    result = body["result"]
    assert result["isError"] is False
    assert result["content"][0]["type"] == "text"
    assert json.loads(result["content"][0]["text"]) == PETS


def test_the_scripts_fail_with_a_wrong_secret(quick_start: dict[str, Any]) -> None:
    env = {**os.environ, "TOKEN_ENDPOINT": quick_start["tokenEndpoint"], "GATEWAY_URL": quick_start["gatewayUrl"]}
    env |= {"COGNITO_CLIENT_ID": quick_start["clientId"], "COGNITO_CLIENT_SECRET": "wrong"}
    done = subprocess.run(
        [sys.executable, "list_tools.py"],
        cwd=SEED_SCRIPTS,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "401 Client Error" in done.stderr


@pytest.mark.skipif(not SEED_ARTICLE.exists(), reason="the seed article is not beside the repository")
@pytest.mark.parametrize("script", ["get_cognito_token.py", "list_tools.py", "call_get_all_pets.py"])
def test_the_scripts_are_the_seeds(script: str) -> None:
    article = {line.strip() for line in SEED_ARTICLE.read_text().splitlines()}
    for line in (SEED_SCRIPTS / script).read_text().splitlines():
        if line.strip() and not line.startswith(CONFIGURED):
            assert line.strip() in article, f"{script}: {line!r} is not in the seed"
