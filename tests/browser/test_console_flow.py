"""The seed's whole flow in the web console, driven in Debian's headless Chromium by Playwright.

Against a moto server holding the seed's PetStore (deployed to stage ``test``) and a local stand-in of the
stage's invoke URL (as tests/e2e/apigateway/test_apigateway_flow.py): log in with the admin key pair, quick-create a
gateway, add the API Gateway target, tick the three operations (the form refuses to submit while GET /pets has
no name), name GET /pets ``GetAllPets``, wait for READY, copy the credentials, and call GetAllPets in the try-it
panel. Any browser console error, uncaught exception or request that leaves 127.0.0.1 fails the test.

Screenshots of each step go to ``$GATEWRIGHT_CONSOLE_SCREENSHOTS`` when set (``docs/console`` refreshes the
committed ones, docs/console.md), else to the test's temporary folder.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from typing import Any

import requests

from support.browser import ConsoleLog, Shots, log_in
from support.gateway import GatewrightProcess
from support.moto_server import MotoServer
from support.petstore_apigw import create_petstore
from support.upstream import PETS

NAME = "quick-start"  # the seed's gateway-quick-start; the package's gatewright holds no other gateway by this name


def test_seed_flow_in_the_console(
    console: tuple[Any, ConsoleLog], server: GatewrightProcess, moto: MotoServer, shots: Shots
) -> None:
    from playwright.sync_api import expect

    page, _ = console
    control = server.control()
    api = create_petstore(moto.client("apigateway"))
    log_in(page, server, shots)

    # Quick create: a client of the built-in issuer and a CUSTOM_JWT gateway that allows it.
    page.get_by_role("link", name="Create gateway").first.click()
    page.get_by_label("Name", exact=True).fill(NAME)
    page.get_by_label("Description").fill("The seed's PetStore, from the console")
    expect(page.get_by_label("Quick create: a new OAuth client of the built-in issuer")).to_be_checked()
    shots(page, "02-create-gateway")
    page.get_by_role("button", name="Create gateway").click()
    expect(page.locator("h1 .status")).to_have_text("READY")
    gateway_id = page.url.rsplit("/", 1)[-1]
    gateway = control.get_gateway(gatewayIdentifier=gateway_id)
    assert gateway["authorizerType"] == "CUSTOM_JWT"
    client_id = page.locator("#client-id").input_value()
    assert gateway["authorizerConfiguration"]["customJWTAuthorizer"]["allowedClients"] == [client_id]
    expect(page.locator("#client-secret")).not_to_have_value("")
    shots(page, "03-gateway-created")

    # The API Gateway target: pick the REST API and its stage, tick the three operations.
    page.locator("#add-target").click()
    expect(page.get_by_label("API Gateway REST API stage")).to_be_checked()
    page.locator("#rest-api").select_option(api.id)
    expect(page.locator("#stage")).to_have_value("test")
    for op in ("#op-GET-pets", "#op-POST-pets", "#op-GET-pets-petId-"):
        page.locator(op).check()
    expect(page.get_by_label("Name", exact=True)).to_have_value("PetStore-test")

    # GET /pets has no operation name: the form will not submit until it is named.
    page.locator("#save-target").click()
    expect(page.locator("#target-form .errors")).to_contain_text("a tool name for GET /pets")
    assert page.locator("#name-GET-pets").evaluate("e => e.validity.valueMissing") is True
    assert control.list_gateway_targets(gatewayIdentifier=gateway_id)["items"] == []
    shots(page, "04-unnamed-operation-refused")

    page.locator("#name-GET-pets").fill("GetAllPets")
    shots(page, "05-operations-named")
    page.locator("#save-target").click()

    # Back on the gateway's page, the target's build shows its progress until READY.
    expect(page.locator("#targets")).to_be_visible()
    expect(page.locator("#targets .status")).to_have_text("READY")
    targets = control.list_gateway_targets(gatewayIdentifier=gateway_id)["items"]
    assert [t["name"] for t in targets] == ["PetStore-test"]
    config = control.get_gateway_target(gatewayIdentifier=gateway_id, targetId=targets[0]["targetId"])
    tools = config["targetConfiguration"]["mcp"]["apiGateway"]["apiGatewayToolConfiguration"]
    assert tools["toolOverrides"] == [{"name": "GetAllPets", "path": "/pets", "method": "GET"}]
    assert sorted((f["filterPath"], sorted(f["methods"])) for f in tools["toolFilters"]) == [
        ("/pets", ["GET", "POST"]),
        ("/pets/{petId}", ["GET"]),
    ]
    shots(page, "06-target-ready")

    # Copy the gateway URL, the token endpoint and the client credentials, as the seed notes them.
    copied = {}
    for field in ("gateway-url", "token-endpoint", "client-id", "client-secret"):
        page.locator(f"#{field} + button").click()
        copied[field] = page.evaluate("navigator.clipboard.readText()")
        assert copied[field] == page.locator(f"#{field}").input_value()
    assert copied["gateway-url"] == gateway["gatewayUrl"]
    # What was copied works outside the browser: the seed's token request, then tools/list.
    token = requests.post(
        copied["token-endpoint"],
        auth=(copied["client-id"], copied["client-secret"]),
        data={"grant_type": "client_credentials"},
        timeout=30,
    ).json()["access_token"]
    listed = requests.post(
        copied["gateway-url"],
        headers={"Authorization": f"Bearer {token}"},
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}},
        timeout=30,
    ).json()
    names = {t["name"] for t in listed["result"]["tools"]}
    assert names == {"PetStore-test___GetAllPets", "PetStore-test___CreatePet", "PetStore-test___GetPet"}
    # The ready-to-run snippets run as they are.
    page.locator("#snippet-curl summary").click()
    shots(page, "07-credentials-and-snippets")
    page.locator("#snippet-python summary").click()
    page.get_by_role("button", name="Copy Python").click()
    python = page.evaluate("navigator.clipboard.readText()")
    ran = subprocess.run([sys.executable, "-c", python], capture_output=True, text=True, timeout=60, check=False)
    assert ran.returncode == 0, ran.stderr
    assert "PetStore-test___GetAllPets" in ran.stdout
    if shutil.which("curl"):
        curl = page.locator("#snippet-curl pre").inner_text()
        ran = subprocess.run(["bash", "-c", curl], capture_output=True, text=True, timeout=60, check=False)
        assert "PetStore-test___GetAllPets" in ran.stdout, ran.stderr

    # Try it: a token with the client's credentials, the tools, then GetAllPets.
    page.locator("#try-it").click()
    expect(page.locator("#try-client-secret")).to_have_value(copied["client-secret"])
    page.locator("#get-token").click()
    expect(page.locator("#try-token")).not_to_have_value("")
    page.locator("#list-tools").click()
    page.get_by_role("button", name="PetStore-test___GetAllPets").click()
    expect(page.get_by_label("type", exact=True)).to_be_visible()
    page.locator("#call-tool").click()
    expect(page.locator("#result-text")).to_have_text(json.dumps(PETS, separators=(",", ":")))
    response = json.loads(page.locator("#rpc-response").inner_text())
    assert response["result"]["isError"] is False
    assert response["result"]["content"] == [{"type": "text", "text": json.dumps(PETS, separators=(",", ":"))}]
    shots(page, "08-try-it")

    page.get_by_role("link", name="Gateways", exact=True).first.click()
    expect(page.locator("#gateways tr", has_text=NAME)).to_contain_text("READY")
    shots(page, "09-gateways")

    # Readable at a phone's width: nothing wider than the screen but the tables' own scrolling.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/console#/gateways/{gateway_id}")
    expect(page.locator("#targets .status")).to_have_text("READY")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shots(page, "10-narrow-screen", full_page=False)
