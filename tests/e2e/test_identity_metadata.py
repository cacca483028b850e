"""metadataConfiguration: the request headers and query parameters a target lets through to its upstream, the
response headers it lets back, and the restricted names that can never be allow-listed (ValidationException)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from support.aws import aws_error
from support.gateway import create_gateway
from support.identity import api_key_auth, api_key_provider, name, spec_target, tool_json
from support.identity_upstream import IdentityUpstream, echo_spec

META = {
    "allowedRequestHeaders": ["X-Tenant", "x-request-id"],
    "allowedQueryParameters": ["tenant"],
    "allowedResponseHeaders": ["X-Trace-Id"],
}
CALLER_HEADERS = {
    "X-Tenant": "acme",
    "X-Request-Id": "r-1",
    "X-Secret": "never-forwarded",
    "Cookie": "session=never-forwarded",
    "User-Agent": "caller-agent",
}


@pytest.fixture(scope="module")
def gateway(control: Any, identity_upstream: IdentityUpstream) -> dict[str, Any]:
    gateway = create_gateway(control, name("meta"))
    spec = echo_spec(identity_upstream.url)
    gateway["forwarding"] = spec_target(control, gateway["gatewayId"], spec, metadataConfiguration=META)
    gateway["closed"] = spec_target(control, gateway["gatewayId"], spec)
    return gateway


def _call(gateway: dict[str, Any], target: str, query: str = "") -> requests.Response:
    tool = f"{gateway[target]['name']}___echo"
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": tool, "arguments": {"q": "v"}}}
    return requests.post(gateway["gatewayUrl"] + query, json=body, headers=CALLER_HEADERS, timeout=30)


def test_allowed_request_headers_and_query_parameters_are_forwarded(gateway: dict[str, Any]) -> None:
    seen = tool_json(_call(gateway, "forwarding", "?tenant=acme&other=never-forwarded"))
    headers = seen["headers"]
    assert headers["x-tenant"] == "acme"
    assert headers["x-request-id"] == "r-1"
    assert "x-secret" not in headers
    assert "cookie" not in headers
    assert headers.get("user-agent") != "caller-agent"
    assert sorted(seen["query"].split("&")) == ["q=v", "tenant=acme"]


def test_allowed_response_headers_are_returned(gateway: dict[str, Any]) -> None:
    response = _call(gateway, "forwarding")
    assert response.headers["X-Trace-Id"] == "trace-42"
    assert "X-Hidden" not in response.headers


def test_a_target_without_metadata_configuration_forwards_nothing(gateway: dict[str, Any]) -> None:
    response = _call(gateway, "closed", "?tenant=acme")
    seen = tool_json(response)
    assert not {"x-tenant", "x-request-id", "x-secret", "cookie"} & set(seen["headers"])
    assert seen["query"] == "q=v"
    assert "X-Trace-Id" not in response.headers


def _refused(control: Any, gateway_id: str, spec: dict[str, Any], **extra: Any) -> str:
    with aws_error("ValidationException", 400) as error:
        control.create_gateway_target(
            gatewayIdentifier=gateway_id,
            name=name("bad"),
            targetConfiguration={"mcp": {"openApiSchema": {"inlinePayload": json.dumps(spec)}}},
            **extra,
        )
    message: str = error["Error"]["Message"]
    return message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("allowedRequestHeaders", "Authorization"),
        ("allowedRequestHeaders", "proxy-authorization"),
        ("allowedRequestHeaders", "Host"),
        ("allowedRequestHeaders", "Cookie"),
        ("allowedRequestHeaders", "Content-Type"),
        ("allowedRequestHeaders", "Transfer-Encoding"),
        ("allowedRequestHeaders", "X-Forwarded-For"),
        ("allowedRequestHeaders", "X-Amzn-Trace-Id"),
        ("allowedRequestHeaders", "MCP-Protocol-Version"),
        ("allowedResponseHeaders", "Set-Cookie"),
        ("allowedResponseHeaders", "WWW-Authenticate"),
        ("allowedResponseHeaders", "Strict-Transport-Security"),
        ("allowedRequestHeaders", "X Tenant"),
        ("allowedQueryParameters", "a" * 41),
        ("allowedQueryParameters", "tenant&x"),
    ],
)
def test_restricted_or_malformed_names_are_refused(
    control: Any, gateway: dict[str, Any], identity_upstream: IdentityUpstream, field: str, value: str
) -> None:
    message = _refused(
        control, gateway["gatewayId"], echo_spec(identity_upstream.url), metadataConfiguration={field: [value]}
    )
    assert field in message


def test_the_api_key_header_cannot_be_allow_listed(
    control: Any, gateway: dict[str, Any], identity_upstream: IdentityUpstream
) -> None:
    arn = api_key_provider(control, "k")
    message = _refused(
        control,
        gateway["gatewayId"],
        echo_spec(identity_upstream.url),
        credentialProviderConfigurations=api_key_auth(arn, credentialParameterName="X-Api-Key"),
        metadataConfiguration={"allowedRequestHeaders": ["x-api-key"]},
    )
    assert "API key" in message


@pytest.mark.parametrize(
    ("placement", "field", "value"),
    [
        ({}, "allowedRequestHeaders", "X-API-Key"),  # the default header
        ({"credentialLocation": "QUERY_PARAMETER"}, "allowedQueryParameters", "api_key"),  # the default parameter
        ({"credentialLocation": "QUERY_PARAMETER", "credentialParameterName": "key"}, "allowedQueryParameters", "key"),
    ],
)
def test_the_api_key_parameter_cannot_be_allow_listed_by_default_either(
    *,
    control: Any,
    gateway: dict[str, Any],
    identity_upstream: IdentityUpstream,
    placement: dict[str, str],
    field: str,
    value: str,
) -> None:
    arn = api_key_provider(control, "k")
    message = _refused(
        control,
        gateway["gatewayId"],
        echo_spec(identity_upstream.url),
        credentialProviderConfigurations=api_key_auth(arn, **placement),
        metadataConfiguration={field: [value]},
    )
    assert "API key" in message


def test_an_api_key_in_the_query_leaves_headers_of_that_name_alone(
    control: Any, gateway: dict[str, Any], identity_upstream: IdentityUpstream
) -> None:
    arn = api_key_provider(control, "k")
    spec_target(
        control,
        gateway["gatewayId"],
        echo_spec(identity_upstream.url),
        credentialProviderConfigurations=api_key_auth(arn, credentialLocation="QUERY_PARAMETER"),
        metadataConfiguration={"allowedRequestHeaders": ["x-api-key"]},
    )


def test_agentcore_runtime_custom_headers_may_be_forwarded(
    control: Any, gateway: dict[str, Any], identity_upstream: IdentityUpstream
) -> None:
    target = spec_target(
        control,
        gateway["gatewayId"],
        echo_spec(identity_upstream.url),
        metadataConfiguration={"allowedRequestHeaders": ["X-Amzn-Bedrock-AgentCore-Runtime-Custom-Tenant"]},
    )
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": f"{target['name']}___echo", "arguments": {}},
    }
    headers = {"X-Amzn-Bedrock-AgentCore-Runtime-Custom-Tenant": "acme", "X-Amzn-Trace-Id": "never"}
    seen = tool_json(requests.post(gateway["gatewayUrl"], json=body, headers=headers, timeout=30))
    assert seen["headers"]["x-amzn-bedrock-agentcore-runtime-custom-tenant"] == "acme"
    assert "x-amzn-trace-id" not in seen["headers"]


def test_mcp_session_id_is_restricted_when_the_gateway_has_sessions(
    control: Any, identity_upstream: IdentityUpstream
) -> None:
    sessions = {"mcp": {"sessionConfiguration": {"sessionTimeoutInSeconds": 900}}}
    gateway = create_gateway(control, name("sess"), protocolConfiguration=sessions)
    message = _refused(
        control,
        gateway["gatewayId"],
        echo_spec(identity_upstream.url),
        metadataConfiguration={"allowedRequestHeaders": ["Mcp-Session-Id"]},
    )
    assert "Mcp-Session-Id" in message
