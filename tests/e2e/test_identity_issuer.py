"""The built-in OAuth issuer: discovery, JWKS, the client-credentials token endpoint and its RFC 6749 errors.

Tokens are verified here with PyJWT against the published JWKS, not with the library gatewright signs them with.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import jwt as pyjwt
import pytest
import requests

from support.gateway import GatewrightProcess
from support.identity import BuiltinClient, create_client, run_cli, token_request

PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi")


@pytest.fixture(scope="module")
def client(gatewright: GatewrightProcess) -> BuiltinClient:
    return create_client(gatewright, ["gateway/read", "gateway/write", "orders/read"])


def _verify(
    server: GatewrightProcess, token: str, audience: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    header = pyjwt.get_unverified_header(token)
    jwks = requests.get(f"{server.url}/oauth2/jwks", timeout=10).json()
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    claims = pyjwt.decode(
        token,
        pyjwt.PyJWK(key).key,
        algorithms=["RS256"],
        issuer=server.url,
        audience=audience,
        options={"verify_aud": audience is not None, "require": ["exp", "iat", "iss", "sub", "jti"]},
    )
    return header, claims


def _error(response: requests.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.text)
    body: dict[str, Any] = response.json()
    assert body["error"] == error, body
    assert response.headers["Cache-Control"] == "no-store"
    return body


@pytest.mark.parametrize("path", ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"])
def test_discovery_documents(gatewright: GatewrightProcess, path: str) -> None:
    meta = requests.get(gatewright.url + path, timeout=10).json()
    assert meta["issuer"] == gatewright.url
    assert meta["token_endpoint"] == f"{gatewright.url}/oauth2/token"
    assert meta["jwks_uri"] == f"{gatewright.url}/oauth2/jwks"
    assert meta["grant_types_supported"] == ["client_credentials"]
    assert set(meta["token_endpoint_auth_methods_supported"]) == {"client_secret_basic", "client_secret_post"}


def test_jwks_publishes_public_signing_keys_only(gatewright: GatewrightProcess) -> None:
    keys = requests.get(f"{gatewright.url}/oauth2/jwks", timeout=10).json()["keys"]
    assert keys
    for key in keys:
        assert key["kty"] == "RSA"
        assert key["alg"] == "RS256"
        assert key["use"] == "sig"
        assert key["kid"]
        assert not [m for m in PRIVATE_MEMBERS if m in key], key


@pytest.mark.parametrize("auth", ["basic", "post"])
def test_token_by_basic_or_form_credentials(gatewright: GatewrightProcess, client: BuiltinClient, auth: str) -> None:
    response = token_request(client.token_endpoint, client.client_id, client.client_secret, auth=auth)
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert isinstance(body["expires_in"], int)
    assert body["expires_in"] > 0
    assert body["scope"] == "gateway/read gateway/write orders/read"
    header, claims = _verify(gatewright, body["access_token"])
    assert header["alg"] == "RS256"
    assert header["typ"] == "at+jwt"
    assert header["kid"]
    assert claims["iss"] == gatewright.url
    assert claims["sub"] == claims["client_id"] == client.client_id
    assert claims["token_use"] == "access"
    assert claims["scope"] == body["scope"]
    assert claims["exp"] - claims["iat"] == body["expires_in"]
    assert "aud" not in claims


def test_every_token_has_its_own_jti(gatewright: GatewrightProcess, client: BuiltinClient) -> None:
    tokens = [token_request(client.token_endpoint, client.client_id, client.client_secret) for _ in range(3)]
    jtis = {_verify(gatewright, t.json()["access_token"])[1]["jti"] for t in tokens}
    assert len(jtis) == 3


def test_a_subset_of_scopes_and_resource_scopes(gatewright: GatewrightProcess, client: BuiltinClient) -> None:
    response = token_request(client.token_endpoint, client.client_id, client.client_secret, scope="orders/read")
    assert response.json()["scope"] == "orders/read"
    assert _verify(gatewright, response.json()["access_token"])[1]["scope"] == "orders/read"


def test_resource_sets_the_audience(gatewright: GatewrightProcess, client: BuiltinClient) -> None:
    resource = "https://api.example.test/mcp"
    response = token_request(client.token_endpoint, client.client_id, client.client_secret, resource=resource)
    assert response.status_code == 200, response.text
    assert _verify(gatewright, response.json()["access_token"], audience=resource)[1]["aud"] == resource


def test_several_resources_make_an_audience_list(gatewright: GatewrightProcess, client: BuiltinClient) -> None:
    form = [("grant_type", "client_credentials"), ("resource", "https://a.test/mcp"), ("resource", "https://b.test/")]
    response = requests.post(
        client.token_endpoint, data=form, auth=(client.client_id, client.client_secret), timeout=10
    )
    assert response.status_code == 200, response.text
    claims = _verify(gatewright, response.json()["access_token"], audience="https://b.test/")[1]
    assert claims["aud"] == ["https://a.test/mcp", "https://b.test/"]


def test_a_relative_resource_is_invalid_target(client: BuiltinClient) -> None:
    response = token_request(client.token_endpoint, client.client_id, client.client_secret, resource="/mcp")
    _error(response, 400, "invalid_target")


def test_a_scope_the_client_does_not_have_is_invalid_scope(client: BuiltinClient) -> None:
    response = token_request(client.token_endpoint, client.client_id, client.client_secret, scope="admin/all")
    body = _error(response, 400, "invalid_scope")
    assert "admin/all" in body["error_description"]


@pytest.mark.parametrize("auth", ["basic", "post"])
def test_a_wrong_secret_is_invalid_client_with_a_challenge(client: BuiltinClient, auth: str) -> None:
    response = token_request(client.token_endpoint, client.client_id, "not-the-secret", auth=auth)
    _error(response, 401, "invalid_client")
    assert response.headers["WWW-Authenticate"].startswith("Basic ")
    assert 'error="invalid_client"' in response.headers["WWW-Authenticate"]
    assert "not-the-secret" not in response.text


def test_an_unknown_client_is_invalid_client(client: BuiltinClient) -> None:
    response = token_request(client.token_endpoint, "nosuchclient", client.client_secret)
    _error(response, 401, "invalid_client")
    assert client.client_secret not in response.text


def test_no_client_authentication_is_invalid_client(client: BuiltinClient) -> None:
    response = requests.post(client.token_endpoint, data={"grant_type": "client_credentials"}, timeout=10)
    _error(response, 401, "invalid_client")
    assert "WWW-Authenticate" in response.headers


def test_malformed_basic_credentials_are_invalid_client(client: BuiltinClient) -> None:
    for value in ("Basic !!!notbase64", "Basic " + base64.b64encode(b"no-colon").decode()):
        response = requests.post(
            client.token_endpoint,
            data={"grant_type": "client_credentials"},
            headers={"Authorization": value},
            timeout=10,
        )
        _error(response, 401, "invalid_client")


@pytest.mark.parametrize(
    "grant", ["password", "authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:jwt-bearer"]
)
def test_other_grants_are_unsupported_grant_type(client: BuiltinClient, grant: str) -> None:
    response = token_request(client.token_endpoint, client.client_id, client.client_secret, grant_type=grant)
    _error(response, 400, "unsupported_grant_type")


def test_a_missing_grant_type_is_invalid_request(client: BuiltinClient) -> None:
    form = {"scope": "gateway/read"}
    response = requests.post(
        client.token_endpoint, data=form, auth=(client.client_id, client.client_secret), timeout=10
    )
    body = _error(response, 400, "invalid_request")
    assert "grant_type" in body["error_description"]


def test_two_authentication_methods_are_invalid_request(client: BuiltinClient) -> None:
    form = {"grant_type": "client_credentials", "client_id": client.client_id, "client_secret": client.client_secret}
    response = requests.post(
        client.token_endpoint, data=form, auth=(client.client_id, client.client_secret), timeout=10
    )
    _error(response, 400, "invalid_request")


def test_a_json_body_is_invalid_request(client: BuiltinClient) -> None:
    response = requests.post(
        client.token_endpoint,
        json={"grant_type": "client_credentials"},
        auth=(client.client_id, client.client_secret),
        timeout=10,
    )
    _error(response, 400, "invalid_request")


def test_the_token_endpoint_wants_post(client: BuiltinClient) -> None:
    response = requests.get(client.token_endpoint, timeout=10)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_cli_create_client_prints_the_four_values(gatewright: GatewrightProcess) -> None:
    done = run_cli(gatewright, "oauth", "create-client", "--name", "cli-client", "--scope", "tools/run", "--json")
    printed = json.loads(done.stdout)
    assert set(printed) == {"clientId", "clientSecret", "tokenEndpoint", "discoveryUrl"}
    assert printed["tokenEndpoint"] == f"{gatewright.url}/oauth2/token"
    assert printed["discoveryUrl"] == f"{gatewright.url}/.well-known/openid-configuration"
    response = token_request(printed["tokenEndpoint"], printed["clientId"], printed["clientSecret"])
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "tools/run"


def test_cli_rotates_a_client_secret(gatewright: GatewrightProcess) -> None:
    client = create_client(gatewright, ["a/b"])
    done = run_cli(gatewright, "oauth", "rotate-secret", client.client_id, "--json")
    new_secret = json.loads(done.stdout)["clientSecret"]
    assert new_secret != client.client_secret
    old = token_request(client.token_endpoint, client.client_id, client.client_secret)
    _error(old, 401, "invalid_client")
    assert token_request(client.token_endpoint, client.client_id, new_secret).status_code == 200


def test_cli_lists_clients_without_secrets(gatewright: GatewrightProcess, client: BuiltinClient) -> None:
    done = run_cli(gatewright, "oauth", "list-clients", "--json")
    listed = {c["clientId"]: c for c in json.loads(done.stdout)}
    assert client.client_id in listed
    assert client.client_secret not in done.stdout
    assert "clientSecret" not in done.stdout
    assert "secretHash" not in done.stdout
