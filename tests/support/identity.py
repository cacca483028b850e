"""Identity helpers: the built-in issuer's clients and tokens, CUSTOM_JWT gateways, challenges, SigV4 for MCP.

Everything goes over HTTP to a real gatewright process, as a user would: the issuer's extension operations are
SigV4-signed with the admin key pair, tokens come from ``/oauth2/token``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import httpx2
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from support.aws import signed_request
from support.gateway import GatewrightProcess, create_gateway, create_target, openapi_target
from support.specs import petstore

# Clients of the independent oidc-provider (tests/support/oidc_provider.py) for the identity suites.
OIDC_CLIENTS: list[dict[str, Any]] = [
    {"client_id": "agent", "scopes": ["gateway/read", "gateway/write"]},
    {"client_id": "reader", "scopes": ["gateway/read"]},
    {"client_id": "stranger", "scopes": ["other/read"]},
    {"client_id": "upstream-caller", "scopes": ["upstream/invoke"]},
    {"client_id": "blink", "scopes": ["gateway/read", "gateway/write"], "ttl": 1},
]
MCP_REGION = "us-east-1"
# The environment of the identity lab process (fixture ``lab``); the AWS key pair signs GATEWAY_IAM_ROLE calls.
LAB_AWS = {
    "AWS_ACCESS_KEY_ID": "AKIDGATEWRIGHTLAB000",
    "AWS_SECRET_ACCESS_KEY": "lab-secret-access-key-for-sigv4-tests",
    "AWS_SESSION_TOKEN": "lab-session-token",
    "AWS_DEFAULT_REGION": "us-east-1",
}
# The API key of the protected upstream (fixture ``protected``).
PROTECTED_API_KEY = "pk-" + uuid.uuid4().hex


def name(prefix: str = "id") -> str:
    return prefix + uuid.uuid4().hex[:10]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def list_tools(url: str, headers: dict[str, str] | None = None, params: str = "") -> requests.Response:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    return requests.post(url + params, json=body, headers=headers or {}, timeout=30)


def call_tool(
    url: str, tool: str, arguments: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> requests.Response:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": tool, "arguments": arguments or {}}}
    return requests.post(url, json=body, headers=headers or {}, timeout=30)


def tool_result(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 200, (response.status_code, response.text)
    result: dict[str, Any] = response.json()["result"]
    return result


def tool_json(response: requests.Response) -> Any:
    result = tool_result(response)
    assert result["isError"] is False, result
    return json.loads(result["content"][0]["text"])


def challenge(response: requests.Response) -> dict[str, str]:
    """The parameters of a ``Bearer`` WWW-Authenticate header (plus ``scheme``)."""
    header = response.headers.get("WWW-Authenticate", "")
    scheme, _, rest = header.partition(" ")
    params = {m[0]: m[1].replace('\\"', '"') for m in re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', rest)}
    return {"scheme": scheme, **params}


# -- the built-in issuer ------------------------------------------------------------------------------
@dataclass
class BuiltinClient:
    client_id: str
    client_secret: str
    token_endpoint: str
    discovery_url: str
    issuer: str


def create_client(server: GatewrightProcess, scopes: list[str], client_name: str | None = None) -> BuiltinClient:
    body = json.dumps({"clientName": client_name or name("client"), "scopes": scopes}).encode()
    response = signed_request("POST", f"{server.url}/gatewright/oauth/clients", body, server.credentials())
    assert response.status_code == 201, response.text
    c = response.json()
    return BuiltinClient(c["clientId"], c["clientSecret"], c["tokenEndpoint"], c["discoveryUrl"], c["issuer"])


def token_request(
    endpoint: str,
    client_id: str,
    secret: str,
    *,
    scope: str | None = None,
    resource: str | None = None,
    auth: str = "basic",
    grant_type: str = "client_credentials",
) -> requests.Response:
    form = {"grant_type": grant_type}
    if scope is not None:
        form["scope"] = scope
    if resource is not None:
        form["resource"] = resource
    if auth == "post":
        return requests.post(endpoint, data=form | {"client_id": client_id, "client_secret": secret}, timeout=10)
    return requests.post(endpoint, data=form, auth=(client_id, secret), timeout=10)


def builtin_token(client: BuiltinClient, scope: str | None = None, resource: str | None = None) -> str:
    response = token_request(
        client.token_endpoint, client.client_id, client.client_secret, scope=scope, resource=resource
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


# -- gateways -------------------------------------------------------------------------------------------
def jwt_gateway(control: Any, upstream_url: str, discovery_url: str, **rules: Any) -> dict[str, Any]:
    """A READY CUSTOM_JWT gateway with the PetStore as target ``pets``; ``rules`` are customJWTAuthorizer fields."""
    config = {"discoveryUrl": discovery_url, **rules}
    gateway = create_gateway(
        control, name("jwt"), authorizerType="CUSTOM_JWT", authorizerConfiguration={"customJWTAuthorizer": config}
    )
    assert gateway["status"] == "READY", gateway
    target = openapi_target(control, gateway["gatewayId"], "pets", petstore(upstream_url))
    assert target["status"] == "READY", target
    return gateway


# -- SigV4 for MCP requests -----------------------------------------------------------------------------
def sigv4_headers(
    method: str, url: str, body: bytes, access_key: str, secret_key: str, *, service: str = "bedrock-agentcore"
) -> dict[str, str]:
    request = AWSRequest(method=method, url=url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(access_key, secret_key), service, MCP_REGION).add_auth(request)
    return dict(request.headers.items())


class SigV4HttpxAuth(httpx2.Auth):
    """Signs each request of the MCP SDK's HTTP client with SigV4 (service ``bedrock-agentcore``).

    Only ``host``, ``x-amz-date`` and the body are signed, so headers the SDK adds later cannot break it.
    """

    requires_request_body = True

    def __init__(self, access_key: str, secret_key: str) -> None:
        self._creds = Credentials(access_key, secret_key)

    def auth_flow(self, request: httpx2.Request) -> Generator[httpx2.Request, httpx2.Response, None]:
        aws = AWSRequest(method=request.method, url=str(request.url), data=request.content, headers={})
        SigV4Auth(self._creds, "bedrock-agentcore", MCP_REGION).add_auth(aws)
        for header in ("Authorization", "X-Amz-Date"):
            request.headers[header] = aws.headers[header]
        yield request


def create_iam_key(server: GatewrightProcess, gateways: list[str] | None = None) -> dict[str, str]:
    body = json.dumps({"name": name("key"), "gateways": gateways or ["*"]}).encode()
    response = signed_request("POST", f"{server.url}/gatewright/iam/keys", body, server.credentials())
    assert response.status_code == 201, response.text
    key: dict[str, str] = response.json()
    return key


def run_cli(server: GatewrightProcess, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``gatewright ARGS --endpoint-url URL --data-dir DIR`` in a subprocess, as an operator types it."""
    command = [
        sys.executable,
        "-m",
        "gatewright",
        *args,
        "--endpoint-url",
        server.url,
        "--data-dir",
        str(server.data_dir),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if check:
        assert done.returncode == 0, (done.returncode, done.stdout, done.stderr)
    return done


# -- outbound credentials ---------------------------------------------------------------------------------
def api_key_provider(control: Any, key: str) -> str:
    """A new API-key credential provider; returns its ARN."""
    arn: str = control.create_api_key_credential_provider(name=name("apikey"), apiKey=key)["credentialProviderArn"]
    return arn


def oauth_provider(control: Any, client_id: str, secret: str, **discovery: Any) -> str:
    """A new CustomOauth2 provider; ``discovery`` is oauthDiscovery (discoveryUrl=... or
    authorizationServerMetadata=...), plus clientAuthenticationMethod if given. Returns its ARN."""
    method = discovery.pop("clientAuthenticationMethod", None)
    config: dict[str, Any] = {"oauthDiscovery": discovery, "clientId": client_id, "clientSecret": secret}
    if method:
        config["clientAuthenticationMethod"] = method
    created = control.create_oauth2_credential_provider(
        name=name("oauth"),
        credentialProviderVendor="CustomOauth2",
        oauth2ProviderConfigInput={"customOauth2ProviderConfig": config},
    )
    arn: str = created["credentialProviderArn"]
    return arn


def api_key_auth(arn: str, **placement: str) -> list[dict[str, Any]]:
    """credentialProviderConfigurations for an API key (credentialParameterName, credentialPrefix,
    credentialLocation)."""
    return [
        {
            "credentialProviderType": "API_KEY",
            "credentialProvider": {"apiKeyCredentialProvider": {"providerArn": arn, **placement}},
        }
    ]


def oauth_auth(arn: str, scopes: list[str], **extra: Any) -> list[dict[str, Any]]:
    spec = {"providerArn": arn, "scopes": scopes, **extra}
    return [{"credentialProviderType": "OAUTH", "credentialProvider": {"oauthCredentialProvider": spec}}]


def spec_target(control: Any, gateway_id: str, spec: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A READY OpenAPI target named ``t<hex>`` from ``spec``; ``extra`` are CreateGatewayTarget fields."""
    payload = {"openApiSchema": {"inlinePayload": json.dumps(spec)}}
    target = create_target(control, gateway_id, name("t"), payload, **extra)
    assert target["status"] == "READY", target
    return target
