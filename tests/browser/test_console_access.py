"""What the console relies on, over plain HTTP: its page and assets under a strict policy, the admin login
(the admin key pair or an admin-scoped client, exchanged for a bearer token), the control plane's bearer and
Origin checks, and the extension operations the console uses (API Gateway listing, OpenAPI dry run, kinds)."""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from aiohttp import web

from support.gateway import GatewrightProcess
from support.identity import create_client
from support.moto_server import MotoServer
from support.net import free_port
from support.petstore_apigw import create_petstore
from support.specs import petstore
from support.upstream import serve_app

STATIC = Path(__file__).resolve().parents[2] / "src" / "gatewright" / "console" / "static"
ADMIN_SCOPE = "gatewright/admin"
# How a page could reach another host: a CDN script or style, a remote import, a font or image URL.
FOREIGN = re.compile(r"""(?:src|href)=["']https?:|@import|url\(\s*["']?https?:|from\s+["']https?:""")
UNSIGNED = "eyJhbGciOiJub25lIn0.eyJzY29wZSI6ImdhdGV3cmlnaHQvYWRtaW4ifQ."  # alg none, scope gatewright/admin


def _token(server: GatewrightProcess, client_id: str, secret: str, **form: str) -> requests.Response:
    data = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, **form}
    return requests.post(f"{server.url}/oauth2/token", data=data, timeout=10)


@pytest.fixture(scope="module")
def admin_token(server: GatewrightProcess) -> str:
    creds = server.credentials()
    response = _token(server, creds["accessKeyId"], creds["secretAccessKey"], scope=ADMIN_SCOPE)
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == ADMIN_SCOPE
    token: str = response.json()["access_token"]
    return token


def _call(server: GatewrightProcess, method: str, path: str, token: str | None, **kw: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    headers.update(kw.pop("headers", {}))
    return requests.request(method, server.url + path, headers=headers, timeout=30, **kw)


def _refused(response: requests.Response, words: str) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["x-amzn-errortype"].startswith("AccessDeniedException")
    assert words in response.json()["message"]


# -- the page ---------------------------------------------------------------------------------------------
def test_the_page_is_served_under_a_strict_policy(server: GatewrightProcess) -> None:
    page = requests.get(f"{server.url}/console", timeout=10)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    policy = page.headers["content-security-policy"]
    for rule in ("default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"):
        assert rule in policy
    assert "unsafe" not in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in page.headers
    # No inline script: every <script> loads a file of this server.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
    assert scripts
    assert all('src="/console/static/' in attrs and not body.strip() for attrs, body in scripts)
    again = requests.get(f"{server.url}/console", headers={"If-None-Match": page.headers["etag"]}, timeout=10)
    assert again.status_code == 304


def test_every_asset_is_local_and_served(server: GatewrightProcess) -> None:
    files = [p for p in STATIC.rglob("*") if p.is_file()]
    assert len(files) > 10
    for path in files:
        text = path.read_text()
        # No CDN, font service or any other host: assets, imports and styles name only this server.
        assert not FOREIGN.search(text), path
        assert "innerHTML" not in text, path  # text is always set as text (dom.js), never parsed as HTML
        assert "eval(" not in text, path
        response = requests.get(f"{server.url}/console/static/{path.relative_to(STATIC).as_posix()}", timeout=10)
        assert response.status_code == 200, path
        assert response.content == path.read_bytes()
        assert response.headers["x-frame-options"] == "DENY"
    js_type = requests.get(f"{server.url}/console/static/js/main.js", timeout=10).headers["content-type"]
    assert js_type == "text/javascript; charset=utf-8"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/console/static/nothing.js", 404),
        ("GET", "/console/static/%2e%2e/assets.py", 404),
        ("GET", "/console/static/../../app.py", 404),
        ("GET", "/console/elsewhere", 404),
        ("POST", "/console", 405),
        ("DELETE", "/console/static/js/main.js", 405),
    ],
)
def test_nothing_else_is_served(server: GatewrightProcess, method: str, path: str, status: int) -> None:
    # The path goes out exactly as written (no dot-segment removal), as a hostile client would send it.
    host, port = server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        assert response.status == status
        assert response.getheader("content-security-policy")
    finally:
        connection.close()


# -- log in -------------------------------------------------------------------------------------------------
def test_the_admin_key_pair_is_an_oauth_client_with_the_admin_scope(server: GatewrightProcess) -> None:
    creds = server.credentials()
    basic = requests.post(
        f"{server.url}/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(creds["accessKeyId"], creds["secretAccessKey"]),
        timeout=10,
    )
    assert basic.status_code == 200, basic.text
    assert basic.json()["scope"] == ADMIN_SCOPE
    wrong = _token(server, creds["accessKeyId"], creds["secretAccessKey"] + "x")
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")
    other_scope = _token(server, creds["accessKeyId"], creds["secretAccessKey"], scope="something/else")
    assert (other_scope.status_code, other_scope.json()["error"]) == (400, "invalid_scope")


def test_an_admin_token_works_like_the_signed_key_pair(server: GatewrightProcess, admin_token: str) -> None:
    listed = _call(server, "GET", "/gateways/", admin_token)
    assert listed.status_code == 200, listed.text
    signed = server.control().list_gateways()
    assert {g["gatewayId"] for g in listed.json()["items"]} == {g["gatewayId"] for g in signed["items"]}
    clients = _call(server, "GET", "/gatewright/oauth/clients", admin_token)
    assert clients.status_code == 200


def test_a_client_with_the_admin_scope_may_administer(server: GatewrightProcess) -> None:
    admin = create_client(server, [ADMIN_SCOPE])
    token = _token(server, admin.client_id, admin.client_secret).json()["access_token"]
    assert _call(server, "GET", "/gateways/", token).status_code == 200


def test_tokens_without_the_admin_scope_are_refused(server: GatewrightProcess) -> None:
    caller = create_client(server, ["tools/invoke"])
    token = _token(server, caller.client_id, caller.client_secret).json()["access_token"]
    _refused(_call(server, "GET", "/gateways/", token), f"does not carry the {ADMIN_SCOPE} scope")
    asked = _token(server, caller.client_id, caller.client_secret, scope=ADMIN_SCOPE)
    assert (asked.status_code, asked.json()["error"]) == (400, "invalid_scope")


@pytest.mark.parametrize(
    "token", ["not-a-jwt", "e30.e30.", "eyJhbGciOiJub25lIn0.eyJzY29wZSI6ImdhdGV3cmlnaHQvYWRtaW4ifQ."]
)
def test_malformed_or_unsigned_tokens_are_refused(server: GatewrightProcess, token: str) -> None:
    _refused(_call(server, "GET", "/gateways/", token), "The bearer token was refused")


def test_a_tampered_token_is_refused(server: GatewrightProcess, admin_token: str) -> None:
    head, claims, signature = admin_token.split(".")
    flipped = signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")
    _refused(_call(server, "GET", "/gateways/", f"{head}.{claims}.{flipped}"), "signature")


def test_unauthenticated_requests_stay_refused(server: GatewrightProcess) -> None:
    _refused(_call(server, "GET", "/gateways/", None), "SigV4")
    _refused(_call(server, "GET", "/gatewright/apigateway/restapis", None), "SigV4")


# -- Origin --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:1", "https://localhost"])
def test_requests_from_other_origins_are_refused(server: GatewrightProcess, admin_token: str, origin: str) -> None:
    response = _call(server, "GET", "/gateways/", admin_token, headers={"Origin": origin})
    _refused(response, "are not accepted by the control plane")
    # Even with the admin key pair's signature.
    signed = server.control()
    signed.meta.events.register("before-sign.*.*", lambda request, **_: request.headers.add_header("Origin", origin))
    with pytest.raises(signed.exceptions.AccessDeniedException):
        signed.list_gateways()


def test_the_servers_own_origin_is_accepted(server: GatewrightProcess, admin_token: str) -> None:
    response = _call(server, "GET", "/gateways/", admin_token, headers={"Origin": server.url})
    assert response.status_code == 200, response.text


# -- extension operations ----------------------------------------------------------------------------------
def test_target_kinds(server: GatewrightProcess, admin_token: str) -> None:
    kinds = {k["configKey"]: k for k in _call(server, "GET", "/gatewright/target-kinds", admin_token).json()["items"]}
    assert {"openApiSchema", "apiGateway", "lambda", "smithyModel", "mcpServer"} <= set(kinds)
    assert kinds["apiGateway"]["targetType"] == "API_GATEWAY"
    assert "API_KEY" in kinds["apiGateway"]["credentialTypes"]
    assert kinds["lambda"]["credentialTypes"] == ["GATEWAY_IAM_ROLE"]


def test_api_gateway_listing(server: GatewrightProcess, moto: MotoServer, admin_token: str) -> None:
    api = create_petstore(moto.client("apigateway"), name="ConsolePets")
    apis = _call(server, "GET", "/gatewright/apigateway/restapis", admin_token).json()["items"]
    mine = next(a for a in apis if a["id"] == api.id)
    assert (mine["name"], mine["stages"], mine["endpointTypes"]) == ("ConsolePets", ["test"], ["REGIONAL"])
    stages = _call(server, "GET", f"/gatewright/apigateway/restapis/{api.id}/stages", admin_token).json()
    assert [s["stageName"] for s in stages["items"]] == ["test"]
    found = _call(server, "GET", f"/gatewright/apigateway/restapis/{api.id}/stages/test/operations", admin_token)
    assert found.status_code == 200, found.text
    operations = [(o["httpMethod"], o["path"], o["operationName"], o["deployed"]) for o in found.json()["operations"]]
    assert operations == [
        ("GET", "/pets", None, True),
        ("POST", "/pets", "CreatePet", True),
        ("GET", "/pets/{petId}", "GetPet", True),
    ]
    assert {o["authorizationType"] for o in found.json()["operations"]} == {"NONE"}


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/gatewright/apigateway/restapis/nosuchapi0/stages", "nosuchapi0 does not exist"),
        ("/gatewright/apigateway/restapis/nosuchapi0/stages/test/operations", "nosuchapi0 does not exist"),
    ],
)
def test_api_gateway_listing_names_what_is_missing(
    server: GatewrightProcess, admin_token: str, path: str, words: str
) -> None:
    response = _call(server, "GET", path, admin_token)
    assert response.status_code == 400
    assert words in response.json()["message"]


@pytest.fixture(scope="module")
def spec_host() -> Iterator[str]:
    port = free_port()
    app = web.Application()
    document = json.dumps(petstore("http://127.0.0.1:9"))

    async def spec(_: web.Request) -> web.Response:
        return web.Response(text=document, content_type="application/json")

    app.add_routes([web.get("/openapi.json", spec)])
    stop = serve_app(app, port, "console-spec-host")
    yield f"http://127.0.0.1:{port}"
    stop()


def test_openapi_dry_run_reports_and_creates_nothing(
    server: GatewrightProcess, admin_token: str, spec_host: str
) -> None:
    control = server.control()
    before = control.list_gateways()["items"]
    posted = _call(
        server,
        "POST",
        "/gatewright/openapi/check",
        admin_token,
        json={"name": "pets", "document": json.dumps(petstore("http://x"))},
    )
    assert posted.status_code == 200, posted.text
    result = posted.json()
    assert result["report"]["counts"] == {"exposed": 3}
    assert {t["name"] for t in result["tools"]} == {"get_pets", "CreatePet", "GetPet"}
    assert "document" not in result
    fetched = _call(server, "POST", "/gatewright/openapi/check", admin_token, json={"url": f"{spec_host}/openapi.json"})
    assert fetched.status_code == 200, fetched.text
    assert json.loads(fetched.json()["document"])["info"]["title"] == "PetStore"
    assert fetched.json()["report"] == result["report"]
    assert control.list_gateways()["items"] == before


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"document": "{not json: [ at all"}, "cannot be imported"),
        ({"document": json.dumps({"openapi": "3.0.0"})}, "cannot be imported"),
        ({}, "post document"),
        ({"url": "ftp://example.com/spec"}, "post document"),
        ({"url": "http://127.0.0.1:9/openapi.json"}, "cannot fetch"),
    ],
)
def test_openapi_dry_run_explains_failures(
    server: GatewrightProcess, admin_token: str, body: dict[str, Any], words: str
) -> None:
    response = _call(server, "POST", "/gatewright/openapi/check", admin_token, json=body)
    assert response.status_code == 400, response.text
    assert words in response.json()["message"]
