"""AWS_IAM and AUTHENTICATE_ONLY gateways: SigV4-signed MCP requests (service ``bedrock-agentcore``).

Key pairs come from ``/gatewright/iam/keys``: one allowed to invoke gateway A only, one allowed everywhere.
AWS_IAM checks both the signature and that the key may invoke the gateway; AUTHENTICATE_ONLY only the signature.
Requests are signed by botocore's SigV4Auth, as boto3 and ``mcp-proxy-for-aws`` sign them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import botocore.auth
import pytest
import requests

from support.gateway import GatewrightProcess, create_gateway, openapi_target
from support.identity import SigV4HttpxAuth, bearer, create_iam_key, name, run_cli, sigv4_headers
from support.specs import petstore
from support.upstream import PETS, Upstream

LIST = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}).encode()


def _gateway(control: Any, upstream: Upstream, kind: str) -> dict[str, Any]:
    gateway = create_gateway(control, name("iam"), authorizerType=kind)
    assert gateway["status"] == "READY", gateway
    openapi_target(control, gateway["gatewayId"], "pets", petstore(upstream.url))
    return gateway


@pytest.fixture(scope="module")
def gateways(control: Any, upstream: Upstream) -> dict[str, dict[str, Any]]:
    return {
        "a": _gateway(control, upstream, "AWS_IAM"),
        "b": _gateway(control, upstream, "AWS_IAM"),
        "open": _gateway(control, upstream, "AUTHENTICATE_ONLY"),
    }


@pytest.fixture(scope="module")
def key_a(gatewright: GatewrightProcess, gateways: dict[str, dict[str, Any]]) -> dict[str, str]:
    return create_iam_key(gatewright, [gateways["a"]["gatewayId"]])


def _post(url: str, key: dict[str, str] | None, body: bytes = LIST, **sign: Any) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers = sigv4_headers("POST", url, body, key["accessKeyId"], key["secretAccessKey"], **sign)
    return requests.post(url, data=body, headers=headers, timeout=30)


def _denied(response: requests.Response) -> str:
    assert response.status_code == 403, (response.status_code, response.text)
    assert response.headers["x-amzn-errortype"] == "AccessDeniedException"
    body = response.json()
    assert body["__type"] == "AccessDeniedException"
    message: str = body["message"]
    return message


def test_a_key_allowed_for_the_gateway_lists_tools(gateways: dict[str, dict[str, Any]], key_a: dict[str, str]) -> None:
    response = _post(gateways["a"]["gatewayUrl"], key_a)
    assert response.status_code == 200, response.text
    assert "pets___GetPet" in [t["name"] for t in response.json()["result"]["tools"]]


def test_a_key_not_allowed_for_the_gateway_is_denied(
    gateways: dict[str, dict[str, Any]], key_a: dict[str, str]
) -> None:
    message = _denied(_post(gateways["b"]["gatewayUrl"], key_a))
    assert gateways["b"]["gatewayId"] in message
    assert key_a["secretAccessKey"] not in message


def test_authenticate_only_accepts_any_valid_key(gateways: dict[str, dict[str, Any]], key_a: dict[str, str]) -> None:
    assert _post(gateways["open"]["gatewayUrl"], key_a).status_code == 200


def test_the_admin_key_pair_may_invoke(gatewright: GatewrightProcess, gateways: dict[str, dict[str, Any]]) -> None:
    assert _post(gateways["b"]["gatewayUrl"], gatewright.credentials()).status_code == 200


@pytest.mark.parametrize("kind", ["a", "open"])
def test_unsigned_requests_are_denied(gateways: dict[str, dict[str, Any]], kind: str) -> None:
    _denied(_post(gateways[kind]["gatewayUrl"], None))


@pytest.mark.parametrize("kind", ["a", "open"])
def test_a_wrong_secret_is_denied(gateways: dict[str, dict[str, Any]], key_a: dict[str, str], kind: str) -> None:
    wrong = {"accessKeyId": key_a["accessKeyId"], "secretAccessKey": "x" * 40}
    _denied(_post(gateways[kind]["gatewayUrl"], wrong))


@pytest.mark.parametrize("kind", ["a", "open"])
def test_an_unknown_key_is_denied(gateways: dict[str, dict[str, Any]], kind: str) -> None:
    _denied(_post(gateways[kind]["gatewayUrl"], {"accessKeyId": "GWIKNOSUCHKEY0000000", "secretAccessKey": "x" * 40}))


def test_a_signature_for_another_service_is_denied(gateways: dict[str, dict[str, Any]], key_a: dict[str, str]) -> None:
    _denied(_post(gateways["a"]["gatewayUrl"], key_a, service="execute-api"))


def test_a_bearer_token_is_denied(gateways: dict[str, dict[str, Any]]) -> None:
    _denied(requests.post(gateways["open"]["gatewayUrl"], data=LIST, headers=bearer("a.b.c"), timeout=10))


def test_an_expired_signature_is_denied(
    gateways: dict[str, dict[str, Any]], key_a: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    then = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=20)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: then)
    message = _denied(_post(gateways["a"]["gatewayUrl"], key_a))
    assert "expired" in message.lower()


def test_the_query_string_is_signed_too(gateways: dict[str, dict[str, Any]], key_a: dict[str, str]) -> None:
    url = gateways["a"]["gatewayUrl"] + "?tenant=acme&x=a%20b"
    assert _post(url, key_a).status_code == 200
    headers = sigv4_headers("POST", url, LIST, key_a["accessKeyId"], key_a["secretAccessKey"])
    other = url.replace("acme", "evil")
    _denied(requests.post(other, data=LIST, headers=headers, timeout=10))


def test_a_body_swapped_after_signing_is_denied(gateways: dict[str, dict[str, Any]], key_a: dict[str, str]) -> None:
    url = gateways["a"]["gatewayUrl"]
    headers = sigv4_headers("POST", url, LIST, key_a["accessKeyId"], key_a["secretAccessKey"])
    call = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "pets___GetPet", "arguments": {"petId": "1"}},
    }
    _denied(requests.post(url, data=json.dumps(call).encode(), headers=headers, timeout=10))


def test_a_deleted_key_is_denied(gatewright: GatewrightProcess, gateways: dict[str, dict[str, Any]]) -> None:
    key = create_iam_key(gatewright)
    url = gateways["open"]["gatewayUrl"]
    assert _post(url, key).status_code == 200
    run_cli(gatewright, "iam", "delete-key", key["accessKeyId"])
    _denied(_post(url, key))


def test_cli_creates_a_key_pair(gatewright: GatewrightProcess, gateways: dict[str, dict[str, Any]]) -> None:
    done = run_cli(gatewright, "iam", "create-key", "--gateway", gateways["b"]["gatewayId"], "--json")
    key = json.loads(done.stdout)
    assert _post(gateways["b"]["gatewayUrl"], key).status_code == 200
    _denied(_post(gateways["a"]["gatewayUrl"], key))
    listed = run_cli(gatewright, "iam", "list-keys", "--json").stdout
    assert key["accessKeyId"] in listed
    assert key["secretAccessKey"] not in listed


def test_the_mcp_sdk_client_signs_with_sigv4(gateways: dict[str, dict[str, Any]], key_a: dict[str, str]) -> None:
    import anyio
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    async def run(url: str) -> tuple[list[str], Any]:
        auth = SigV4HttpxAuth(key_a["accessKeyId"], key_a["secretAccessKey"])
        async with (
            httpx2.AsyncClient(auth=auth, timeout=30) as http,
            Client(streamable_http_client(url, http_client=http)) as client,
        ):
            tools = await client.list_tools()
            result = await client.call_tool("pets___GetPet", {"petId": "3"})
            return [t.name for t in tools.tools], result

    names, result = anyio.run(run, gateways["a"]["gatewayUrl"])
    assert "pets___GetPet" in names
    assert result.is_error is False
    assert json.loads(result.content[0].text) == PETS[2]
    with pytest.raises(Exception):  # noqa: B017, PT011 - the SDK surfaces the 403 as its own error type
        anyio.run(run, gateways["b"]["gatewayUrl"])
