"""The console's other pages in Chromium: a failed login says why, credential providers (create, rotate,
delete; secrets never shown back), an OpenAPI target with its import report before saving and an API key from
the providers, editing and synchronising a target, a JSON-configured kind that refuses bad JSON, and the try-it
panel of an AWS_IAM gateway (SigV4 signed in the page)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import requests
import yaml

from support.aws import signed_request
from support.browser import ConsoleLog, log_in
from support.gateway import GatewrightProcess, create_gateway, create_target, wait_status
from support.identity import create_iam_key
from support.moto_server import MotoServer
from support.petstore_apigw import create_petstore, seed_configuration
from support.specs import petstore
from support.upstream import PETS, Upstream


def _expect() -> Any:
    from playwright.sync_api import expect

    return expect


def test_a_wrong_secret_says_so(console: tuple[Any, ConsoleLog], server: GatewrightProcess) -> None:
    page, log = console
    log.expect_error("status of 401")
    page.goto("/console")
    page.get_by_label("Access key ID").fill(server.credentials()["accessKeyId"])
    page.get_by_label("Secret access key").fill("not the secret")
    page.get_by_role("button", name="Log in").click()
    _expect()(page.get_by_role("alert")).to_contain_text("The client ID or secret is wrong.")
    assert page.evaluate('sessionStorage.getItem("gatewright.console.session")') is None


def test_logging_out_forgets_the_token(console: tuple[Any, ConsoleLog], server: GatewrightProcess) -> None:
    page, _ = console
    log_in(page, server)
    assert "access_token" not in page.evaluate("document.cookie")
    page.get_by_role("button", name="Log out").click()
    _expect()(page.get_by_role("heading", name="Log in to gatewright")).to_be_visible()
    assert page.evaluate('sessionStorage.getItem("gatewright.console.session")') is None
    page.goto("/console#/providers")  # every page needs a session
    _expect()(page.get_by_role("heading", name="Log in to gatewright")).to_be_visible()


def test_credential_providers(console: tuple[Any, ConsoleLog], server: GatewrightProcess, unique_name: str) -> None:
    expect = _expect()
    page, _ = console
    control = server.control()
    log_in(page, server)
    page.get_by_role("link", name="Credential providers").click()
    form = page.locator("form", has=page.get_by_role("heading", name="New API key provider"))
    form.get_by_label("Name").fill(unique_name)
    form.get_by_label("API key").fill("first-key-value")
    form.get_by_role("button", name="Create").click()
    row = page.locator("#api-key-providers tr", has_text=unique_name)
    expect(row).to_be_visible()
    expect(form.get_by_label("API key")).to_have_value("")
    assert "first-key-value" not in page.content()

    row.get_by_role("button", name="Rotate").click()
    row.get_by_label("New API key for rotation").fill("second-key-value")
    row.get_by_role("button", name="Save").click()
    expect(page.locator("#flash")).to_contain_text("The API key was replaced.")
    assert "second-key-value" not in page.content()

    oauth = page.locator("form", has=page.get_by_role("heading", name="New OAuth2 client"))
    oauth.get_by_label("Name").fill(unique_name)
    oauth.get_by_label("Discovery URL").fill(f"{server.url}/.well-known/openid-configuration")
    oauth.get_by_label("Client ID").fill("outbound-client")
    oauth.get_by_label("Client secret").fill("outbound-secret")
    oauth.get_by_role("button", name="Create").click()
    oauth_row = page.locator("#oauth-providers tr", has_text=unique_name)
    expect(oauth_row).to_contain_text("CustomOauth2")
    oauth_row.get_by_role("button", name="Rotate").click()
    oauth_row.get_by_label("New client secret for rotation").fill("outbound-secret-2")
    oauth_row.get_by_role("button", name="Save").click()
    expect(page.locator("#flash")).to_contain_text("The client secret was replaced.")
    got = control.get_oauth2_credential_provider(name=unique_name)
    assert got["oauth2ProviderConfigOutput"]["customOauth2ProviderConfig"]["clientId"] == "outbound-client"

    # Deleting asks twice.
    row.get_by_role("button", name="Delete").click()
    row.get_by_role("button", name="Confirm: delete").click()
    expect(page.locator("#api-key-providers tr", has_text=unique_name)).to_have_count(0)
    names = [p["name"] for p in control.list_api_key_credential_providers()["credentialProviders"]]
    assert unique_name not in names


def test_openapi_target_with_report_before_saving(
    console: tuple[Any, ConsoleLog], server: GatewrightProcess, upstream: Upstream, unique_name: str
) -> None:
    expect = _expect()
    page, _ = console
    control = server.control()
    key = control.create_api_key_credential_provider(name=f"{unique_name}-key", apiKey="upstream-key")
    log_in(page, server)
    page.get_by_role("link", name="Create gateway").first.click()
    page.get_by_label("Name", exact=True).fill(unique_name)
    page.get_by_label("None", exact=False).first.check()
    page.get_by_role("button", name="Create gateway").click()
    expect(page.locator("h1 .status")).to_have_text("READY")
    expect(page.locator(".msg.warn")).to_contain_text("No inbound auth")

    page.locator("#add-target").click()
    page.get_by_label("OpenAPI / Swagger document").check()
    page.get_by_label("Name", exact=True).fill("pets")
    page.locator("#openapi-document").fill(json.dumps(petstore(upstream.url), indent=2))
    page.locator("#save-target").click()
    expect(page.locator("#target-form .errors")).to_contain_text("check the document")
    page.locator("#check-openapi").click()
    report = page.get_by_role("region", name="Import report")
    expect(report).to_contain_text("Imported 3 of 3 operations")
    expect(report).to_contain_text("named from method and path")
    expect(page.locator("table", has_text="pets___GetPet")).to_be_visible()
    page.locator("#credential-type").select_option("API_KEY")
    page.locator("#api-key-provider").select_option(key["credentialProviderArn"])
    page.locator("#save-target").click()
    expect(page.locator("#targets .status")).to_have_text("READY")
    gateway_id = page.url.rsplit("/", 1)[-1]
    target = control.list_gateway_targets(gatewayIdentifier=gateway_id)["items"][0]
    saved = control.get_gateway_target(gatewayIdentifier=gateway_id, targetId=target["targetId"])
    provider = saved["credentialProviderConfigurations"][0]
    assert provider["credentialProviderType"] == "API_KEY"
    assert provider["credentialProvider"]["apiKeyCredentialProvider"]["providerArn"] == key["credentialProviderArn"]

    # The full report from the gateway's page; then try a tool with no credentials at all (inbound NONE).
    page.get_by_role("button", name="Import report").click()
    expect(page.get_by_role("region", name="Import report: pets")).to_contain_text("GetPet")
    page.locator("#try-it").click()
    page.locator("#list-tools").click()
    page.get_by_role("button", name="pets___GetPet").click()
    page.get_by_label("petId").fill("2")
    page.locator("#call-tool").click()
    expect(page.locator("#result-text")).to_contain_text('"type": "cat"')
    assert json.loads(page.locator("#result-text").inner_text()) == PETS[1]


def test_edit_and_synchronise_an_api_gateway_target(
    console: tuple[Any, ConsoleLog], server: GatewrightProcess, moto: MotoServer, unique_name: str
) -> None:
    expect = _expect()
    page, _ = console
    control = server.control()
    api = create_petstore(moto.client("apigateway"))
    gateway = create_gateway(control, unique_name)
    target = create_target(control, gateway["gatewayId"], "pets", seed_configuration(api.id))
    assert target["status"] == "READY", target["statusReasons"]
    log_in(page, server)
    page.goto(f"/console#/gateways/{gateway['gatewayId']}/targets/{target['targetId']}")
    expect(page.get_by_role("heading", name="Edit target")).to_be_visible()
    for op in ("#op-GET-pets", "#op-POST-pets", "#op-GET-pets-petId-"):
        expect(page.locator(op)).to_be_checked()
    expect(page.locator("#name-GET-pets")).to_have_value("GetAllPets")
    expect(page.get_by_label("Name", exact=True)).to_have_value("pets")
    page.locator("#op-POST-pets").uncheck()
    page.locator("#desc-GET-pets").fill("Every pet in the store")
    page.locator("#save-target").click()
    expect(page.locator("#targets .status")).to_have_text("READY")

    def get() -> Any:
        return control.get_gateway_target(gatewayIdentifier=gateway["gatewayId"], targetId=target["targetId"])

    tools = wait_status(get)["targetConfiguration"]["mcp"]["apiGateway"]["apiGatewayToolConfiguration"]
    assert tools["toolFilters"] == [
        {"filterPath": "/pets", "methods": ["GET"]},
        {"filterPath": "/pets/{petId}", "methods": ["GET"]},
    ]
    assert tools["toolOverrides"] == [
        {"name": "GetAllPets", "path": "/pets", "method": "GET", "description": "Every pet in the store"}
    ]
    before = get().get("lastSynchronizedAt")
    page.get_by_role("button", name="Synchronise").click()
    expect(page.locator("#targets .status")).to_have_text("READY")
    expect(page.locator("#targets td").nth(4)).not_to_be_empty()
    assert get().get("lastSynchronizedAt") not in (None, before)


def test_json_configured_kinds_refuse_bad_json(
    console: tuple[Any, ConsoleLog], server: GatewrightProcess, unique_name: str
) -> None:
    expect = _expect()
    page, _ = console
    gateway = create_gateway(server.control(), unique_name)
    log_in(page, server)
    page.goto(f"/console#/gateways/{gateway['gatewayId']}/targets/new")
    page.get_by_label("Remote MCP server").check()
    expect(page.locator("#target-json")).to_have_value(re.compile('"endpoint"'))
    page.get_by_label("Name", exact=True).fill("remote")
    page.locator("#target-json").fill('{"endpoint": ')
    page.locator("#save-target").click()
    expect(page.locator("#target-form .errors")).to_contain_text("not valid JSON")
    assert server.control().list_gateway_targets(gatewayIdentifier=gateway["gatewayId"])["items"] == []


def test_try_it_signs_for_an_iam_gateway(
    console: tuple[Any, ConsoleLog], server: GatewrightProcess, upstream: Upstream, unique_name: str
) -> None:
    expect = _expect()
    page, _ = console
    control = server.control()
    gateway = create_gateway(control, unique_name, authorizerType="AWS_IAM")
    spec = {"openApiSchema": {"inlinePayload": json.dumps(petstore(upstream.url))}}
    assert create_target(control, gateway["gatewayId"], "pets", spec)["status"] == "READY"
    key = create_iam_key(server, [gateway["gatewayId"]])
    assert requests.post(gateway["gatewayUrl"], json={}, timeout=10).status_code == 403  # unsigned: refused
    log_in(page, server)
    page.goto(f"/console#/gateways/{gateway['gatewayId']}/try")
    page.get_by_label("Access key ID").fill(key["accessKeyId"])
    page.get_by_label("Secret access key").fill(key["secretAccessKey"])
    page.locator("#list-tools").click()
    page.get_by_role("button", name="pets___GetPet").click()
    page.get_by_label("petId").fill("1")
    page.locator("#call-tool").click()
    expect(page.locator("#result-text")).to_contain_text('"type": "dog"')


def test_create_a_gateway_for_an_existing_openid_provider(
    console: tuple[Any, ConsoleLog], server: GatewrightProcess, unique_name: str
) -> None:
    expect = _expect()
    page, _ = console
    log_in(page, server)
    page.goto("/console#/gateways/new")
    page.get_by_label("Name", exact=True).fill(unique_name)
    page.get_by_label("An existing OpenID Connect provider").check()
    page.get_by_label("Discovery URL").fill(f"{server.url}/.well-known/openid-configuration")
    page.get_by_label("Allowed audiences").fill("https://api.example.com, https://other.example.com")
    page.get_by_label("Allowed scopes").fill("tools/invoke")
    page.get_by_label("Custom claims").fill("department=engineering\ngroups contains admins|ops")
    page.get_by_label("Exception level").select_option("DEBUG")
    page.get_by_label("Semantic tool search").check()
    page.get_by_role("button", name="Create gateway").click()
    expect(page.locator("h1 .status")).to_have_text("READY")
    expect(page.locator("ul.rules")).to_contain_text(
        "allowedAudience: https://api.example.com, https://other.example.com"
    )
    gateway = server.control().get_gateway(gatewayIdentifier=page.url.rsplit("/", 1)[-1])
    jwt = gateway["authorizerConfiguration"]["customJWTAuthorizer"]
    assert jwt["allowedAudience"] == ["https://api.example.com", "https://other.example.com"]
    assert jwt["allowedScopes"] == ["tools/invoke"]
    assert [c["inboundTokenClaimName"] for c in jwt["customClaims"]] == ["department", "groups"]
    assert jwt["customClaims"][1]["authorizingClaimMatchValue"] == {
        "claimMatchOperator": "CONTAINS_ANY",
        "claimMatchValue": {"matchValueStringList": ["admins", "ops"]},
    }
    assert gateway["exceptionLevel"] == "DEBUG"
    assert gateway["protocolConfiguration"]["mcp"]["searchType"] == "SEMANTIC"


def test_a_refused_gateway_says_which_field(
    console: tuple[Any, ConsoleLog], server: GatewrightProcess, unique_name: str
) -> None:
    expect = _expect()
    page, log = console
    log.expect_error("status of 400")
    log_in(page, server)
    page.goto("/console#/gateways/new")
    page.get_by_label("Name", exact=True).fill(unique_name)
    page.get_by_label("An existing OpenID Connect provider").check()
    page.get_by_label("Discovery URL").fill(f"{server.url}/.well-known/openid-configuration")
    page.get_by_role("button", name="Create gateway").click()  # no rule at all: the control plane refuses
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("ValidationException")
    expect(alert).to_contain_text("authorizerConfiguration.customJWTAuthorizer")
    names = [g["name"] for g in server.control().list_gateways()["items"]]
    assert unique_name not in names


def test_the_client_secret_is_rotated_and_forgotten(
    console: tuple[Any, ConsoleLog], server: GatewrightProcess, unique_name: str
) -> None:
    expect = _expect()
    page, _ = console
    log_in(page, server)
    page.goto("/console#/gateways/new")
    page.get_by_label("Name", exact=True).fill(unique_name)
    page.get_by_role("button", name="Create gateway").click()
    expect(page.locator("h1 .status")).to_have_text("READY")
    client_id = page.locator("#client-id").input_value()
    first = page.locator("#client-secret").input_value()
    page.get_by_role("button", name="Rotate secret").click()
    page.get_by_role("button", name="Confirm: the old secret stops working").click()
    expect(page.locator("#client-secret")).not_to_have_value(first)
    second = page.locator("#client-secret").input_value()
    token = f"{server.url}/oauth2/token"
    form = {"grant_type": "client_credentials"}
    assert requests.post(token, data=form, auth=(client_id, first), timeout=10).status_code == 401
    assert requests.post(token, data=form, auth=(client_id, second), timeout=10).status_code == 200

    page.get_by_role("button", name="Forget secret").click()
    expect(page.locator("#client-secret")).to_have_count(0)
    page.reload()  # nothing kept in storage either
    expect(page.locator("#client-id")).to_have_value(client_id)
    expect(page.locator("#client-secret")).to_have_count(0)
    assert second not in page.content()
    assert second not in json.dumps(page.evaluate("Object.assign({}, sessionStorage, localStorage)"))


def test_a_failed_quick_create_leaves_no_client_behind(
    console: tuple[Any, ConsoleLog], server: GatewrightProcess, unique_name: str
) -> None:
    expect = _expect()
    page, log = console
    log.expect_error("status of 409")
    create_gateway(server.control(), unique_name)
    log_in(page, server)
    page.goto("/console#/gateways/new")
    page.get_by_label("Name", exact=True).fill(unique_name)
    page.get_by_role("button", name="Create gateway").click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"ConflictException: A gateway named {unique_name} already exists"
    )
    clients = signed_request("GET", f"{server.url}/gatewright/oauth/clients", b"", server.credentials()).json()
    assert f"{unique_name}-client" not in [c["clientName"] for c in clients["clients"]]


def test_an_uploaded_document_is_checked_at_once(
    console: tuple[Any, ConsoleLog], server: GatewrightProcess, upstream: Upstream, unique_name: str, tmp_path: Path
) -> None:
    expect = _expect()
    page, _ = console
    gateway = create_gateway(server.control(), unique_name)
    spec = tmp_path / "petstore.yaml"
    spec.write_text(yaml.safe_dump(petstore(upstream.url)))
    log_in(page, server)
    page.goto(f"/console#/gateways/{gateway['gatewayId']}/targets/new")
    page.get_by_label("OpenAPI / Swagger document").check()
    page.get_by_label("Name", exact=True).fill("uploaded")
    page.locator("#openapi-file").set_input_files(str(spec))
    expect(page.get_by_role("region", name="Import report")).to_contain_text("Imported 3 of 3 operations")
    expect(page.locator("#openapi-document")).to_have_value(re.compile("openapi: 3.0.1"))
    page.locator("#openapi-document").press("End")
    page.locator("#openapi-document").press("Enter")  # changed after the check: saving needs a new report
    expect(page.locator(".report-slot")).to_contain_text("The document changed since this report")
    page.locator("#save-target").click()
    expect(page.locator("#target-form .errors")).to_contain_text("check the document")
    page.locator("#check-openapi").click()
    expect(page.locator(".report-slot")).not_to_contain_text("The document changed")
    page.locator("#save-target").click()
    expect(page.locator("#targets .status")).to_have_text("READY")
