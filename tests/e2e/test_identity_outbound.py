"""Outbound credentials end to end: API keys (header, query, prefix) and OAuth client credentials against upstreams
that check them, token caching, single-flight, the retry after a 401, GATEWAY_IAM_ROLE signing and
JWT_PASSTHROUGH.

The OAuth upstream (support/protected_upstream.py) validates tokens from the independent oidc-provider and counts
the distinct tokens it accepted, so "fetched once" is measured where it matters.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest

from gatewright.auth.sigv4 import verify
from support.aws import aws_error
from support.forge import parts
from support.gateway import GatewrightProcess, create_gateway
from support.identity import (
    LAB_AWS,
    PROTECTED_API_KEY,
    api_key_auth,
    api_key_provider,
    bearer,
    builtin_token,
    call_tool,
    create_client,
    jwt_gateway,
    name,
    oauth_auth,
    oauth_provider,
    spec_target,
    tool_json,
    tool_result,
)
from support.identity_upstream import IdentityUpstream, echo_spec, gate_spec
from support.oidc_provider import OidcProvider
from support.protected_upstream import ProtectedUpstream, openapi_document
from support.upstream import Upstream


@pytest.fixture(scope="module")
def gateway(control: Any) -> dict[str, Any]:
    return create_gateway(control, name("out"), exceptionLevel="DEBUG")


@pytest.fixture(scope="module")
def caller(control: Any, oidc: OidcProvider) -> str:
    """An OAuth2 credential provider for oidc-provider's client ``upstream-caller``, by discovery URL."""
    return oauth_provider(control, "upstream-caller", oidc.secret("upstream-caller"), discoveryUrl=oidc.discovery_url)


def _tool(target: dict[str, Any], operation: str) -> str:
    return f"{target['name']}___{operation}"


# -- API keys ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("placement", "via"),
    [
        ({}, "header"),
        ({"credentialLocation": "HEADER", "credentialParameterName": "x-api-key"}, "header"),
        ({"credentialLocation": "QUERY_PARAMETER", "credentialParameterName": "api_key"}, "query"),
        ({"credentialLocation": "QUERY_PARAMETER"}, "query"),
    ],
)
def test_an_api_key_in_a_header_or_the_query(
    control: Any, gateway: dict[str, Any], protected: ProtectedUpstream, placement: dict[str, str], via: str
) -> None:
    arn = api_key_provider(control, PROTECTED_API_KEY)
    target = spec_target(
        control,
        gateway["gatewayId"],
        openapi_document(protected.url),
        credentialProviderConfigurations=api_key_auth(arn, **placement),
    )
    answer = tool_json(call_tool(gateway["gatewayUrl"], _tool(target, "ping")))
    assert answer == {"ok": True, "via": via, "method": "GET", "path": "/apikey/ping"}


def test_an_api_key_with_a_prefix(control: Any, gateway: dict[str, Any], identity_upstream: IdentityUpstream) -> None:
    arn = api_key_provider(control, "k-prefixed")
    placement = {
        "credentialLocation": "HEADER",
        "credentialParameterName": "Authorization",
        "credentialPrefix": "Token ",
    }
    target = spec_target(
        control,
        gateway["gatewayId"],
        echo_spec(identity_upstream.url),
        credentialProviderConfigurations=api_key_auth(arn, **placement),
    )
    seen = tool_json(call_tool(gateway["gatewayUrl"], _tool(target, "echo"), {"q": "1"}))
    assert seen["headers"]["authorization"] == "Token k-prefixed"
    assert seen["query"] == "q=1"


def test_a_wrong_api_key_fails_and_an_updated_one_is_used_next(
    control: Any, gateway: dict[str, Any], protected: ProtectedUpstream
) -> None:
    arn = api_key_provider(control, "not-the-key")
    target = spec_target(
        control,
        gateway["gatewayId"],
        openapi_document(protected.url),
        credentialProviderConfigurations=api_key_auth(arn),
    )
    failed = tool_result(call_tool(gateway["gatewayUrl"], _tool(target, "ping")))
    assert failed["isError"] is True
    assert "403" in failed["content"][0]["text"]
    control.update_api_key_credential_provider(name=arn.rsplit("/", 1)[1], apiKey=PROTECTED_API_KEY)
    assert tool_json(call_tool(gateway["gatewayUrl"], _tool(target, "ping")))["ok"] is True


# -- OAuth client credentials -------------------------------------------------------------------------------
def _oauth_target(
    control: Any, gateway: dict[str, Any], protected: ProtectedUpstream, arn: str, **extra: Any
) -> dict[str, Any]:
    return spec_target(
        control,
        gateway["gatewayId"],
        openapi_document(protected.url),
        credentialProviderConfigurations=oauth_auth(arn, ["upstream/invoke"], **extra),
    )


def test_oauth_fetches_one_token_for_many_calls(
    control: Any, gateway: dict[str, Any], protected: ProtectedUpstream, caller: str
) -> None:
    target = _oauth_target(control, gateway, protected, caller)
    before = set(protected.token_hashes)
    for _ in range(10):
        answer = tool_json(call_tool(gateway["gatewayUrl"], _tool(target, "whoami")))
        assert answer["client_id"] == "upstream-caller"
        assert answer["scope"] == "upstream/invoke"
    assert len(set(protected.token_hashes) - before) == 1


def test_twenty_concurrent_first_calls_share_one_token(
    control: Any, gateway: dict[str, Any], protected: ProtectedUpstream, caller: str
) -> None:
    target = _oauth_target(control, gateway, protected, caller)
    before = set(protected.token_hashes)
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda _: call_tool(gateway["gatewayUrl"], _tool(target, "whoami")), range(20)))
    assert all(tool_json(a)["client_id"] == "upstream-caller" for a in answers)
    assert len(set(protected.token_hashes) - before) == 1


@pytest.mark.parametrize("method", ["CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST"])
def test_oauth_with_authorization_server_metadata(
    control: Any, gateway: dict[str, Any], protected: ProtectedUpstream, oidc: OidcProvider, method: str
) -> None:
    metadata = {
        "issuer": oidc.issuer,
        "tokenEndpoint": oidc.token_endpoint,
        "authorizationEndpoint": f"{oidc.issuer}/auth",
        "responseTypes": ["token"],
    }
    arn = oauth_provider(
        control,
        "upstream-caller",
        oidc.secret("upstream-caller"),
        authorizationServerMetadata=metadata,
        clientAuthenticationMethod=method,
    )
    target = _oauth_target(control, gateway, protected, arn)
    assert tool_json(call_tool(gateway["gatewayUrl"], _tool(target, "whoami")))["client_id"] == "upstream-caller"


def test_oauth_custom_parameters_reach_the_token_endpoint(
    control: Any, gateway: dict[str, Any], identity_upstream: IdentityUpstream, caller: str
) -> None:
    resource = "https://custom.example.test/api"
    target = spec_target(
        control,
        gateway["gatewayId"],
        echo_spec(identity_upstream.url),
        credentialProviderConfigurations=oauth_auth(
            caller, ["upstream/invoke"], customParameters={"resource": resource}
        ),
    )
    seen = tool_json(call_tool(gateway["gatewayUrl"], _tool(target, "echo")))
    scheme, _, token = seen["headers"]["authorization"].partition(" ")
    assert scheme == "Bearer"
    assert parts(token)[1]["aud"] == resource


def test_a_refused_client_secret_is_an_error_without_the_secret(
    control: Any, gateway: dict[str, Any], protected: ProtectedUpstream, oidc: OidcProvider
) -> None:
    arn = oauth_provider(control, "upstream-caller", "wrong-secret-value", discoveryUrl=oidc.discovery_url)
    target = _oauth_target(control, gateway, protected, arn)
    result = tool_result(call_tool(gateway["gatewayUrl"], _tool(target, "whoami")))
    assert result["isError"] is True
    text = json.dumps(result)
    assert "refused the gateway's credentials" in text
    assert "wrong-secret-value" not in text


def test_a_401_refreshes_the_token_once(
    control: Any, gateway: dict[str, Any], identity_upstream: IdentityUpstream, caller: str
) -> None:
    key = name("gate")
    target = spec_target(
        control,
        gateway["gatewayId"],
        gate_spec(identity_upstream.url, key),
        credentialProviderConfigurations=oauth_auth(caller, ["upstream/invoke"]),
    )
    assert tool_json(call_tool(gateway["gatewayUrl"], _tool(target, "once")))["ok"] is True
    first, second = identity_upstream.tokens(key)
    assert first != second
    for _ in range(3):
        tool_json(call_tool(gateway["gatewayUrl"], _tool(target, "once")))
    assert set(identity_upstream.tokens(key)) == {first, second}  # no fetch after the refresh


def test_a_401_is_retried_only_once(
    control: Any, gateway: dict[str, Any], identity_upstream: IdentityUpstream, caller: str
) -> None:
    key = name("gate")
    target = spec_target(
        control,
        gateway["gatewayId"],
        gate_spec(identity_upstream.url, key),
        credentialProviderConfigurations=oauth_auth(caller, ["upstream/invoke"]),
    )
    result = tool_result(call_tool(gateway["gatewayUrl"], _tool(target, "never")))
    assert result["isError"] is True
    assert "401" in result["content"][0]["text"]
    assert len(identity_upstream.tokens(key)) == 2


def test_concurrent_401s_refresh_the_token_once(
    control: Any, gateway: dict[str, Any], identity_upstream: IdentityUpstream, caller: str
) -> None:
    key = name("gate")
    target = spec_target(
        control,
        gateway["gatewayId"],
        gate_spec(identity_upstream.url, key),
        credentialProviderConfigurations=oauth_auth(caller, ["upstream/invoke"]),
    )
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda _: call_tool(gateway["gatewayUrl"], _tool(target, "once")), range(20)))
    assert all(tool_json(a)["ok"] for a in answers)
    assert len(set(identity_upstream.tokens(key))) == 2


# -- GATEWAY_IAM_ROLE ---------------------------------------------------------------------------------------
def test_gateway_iam_role_signs_with_sigv4(lab_control: Any, identity_upstream: IdentityUpstream) -> None:
    gateway = create_gateway(lab_control, name("iam"))
    provider = {"iamCredentialProvider": {"service": "execute-api", "region": "eu-west-1"}}
    target = spec_target(
        lab_control,
        gateway["gatewayId"],
        echo_spec(identity_upstream.url),
        credentialProviderConfigurations=[
            {"credentialProviderType": "GATEWAY_IAM_ROLE", "credentialProvider": provider}
        ],
    )
    seen = tool_json(call_tool(gateway["gatewayUrl"], _tool(target, "echo"), {"q": "a b"}))
    headers = seen["headers"]
    today = datetime.now(UTC).strftime("%Y%m%d")
    assert headers["authorization"].startswith(
        f"AWS4-HMAC-SHA256 Credential={LAB_AWS['AWS_ACCESS_KEY_ID']}/{today}/eu-west-1/execute-api/aws4_request, "
    )
    assert headers["x-amz-security-token"] == LAB_AWS["AWS_SESSION_TOKEN"]
    caller = verify(
        method=seen["method"],
        raw_path=seen["path"],
        raw_query=seen["query"],
        headers=headers,
        body=seen["body"].encode(),
        service="execute-api",
        lookup_secret=lambda key: LAB_AWS["AWS_SECRET_ACCESS_KEY"] if key == LAB_AWS["AWS_ACCESS_KEY_ID"] else None,
    )
    assert caller.region == "eu-west-1"


# -- JWT_PASSTHROUGH ----------------------------------------------------------------------------------------
PASSTHROUGH = [{"credentialProviderType": "JWT_PASSTHROUGH"}]


def test_jwt_passthrough_forwards_the_callers_token_only_where_configured(
    gatewright: GatewrightProcess, control: Any, upstream: Upstream, identity_upstream: IdentityUpstream
) -> None:
    client = create_client(gatewright, ["gateway/read"])
    gateway = jwt_gateway(control, upstream.url, client.discovery_url, allowedClients=[client.client_id])
    passing = spec_target(
        control, gateway["gatewayId"], echo_spec(identity_upstream.url), credentialProviderConfigurations=PASSTHROUGH
    )
    plain = spec_target(control, gateway["gatewayId"], echo_spec(identity_upstream.url))
    token = builtin_token(client)
    url = gateway["gatewayUrl"]
    assert (
        tool_json(call_tool(url, _tool(passing, "echo"), headers=bearer(token)))["headers"]["authorization"]
        == f"Bearer {token}"
    )
    assert "authorization" not in tool_json(call_tool(url, _tool(plain, "echo"), headers=bearer(token)))["headers"]
    for echo in identity_upstream.echoes:
        if echo["headers"].get("authorization") == f"Bearer {token}":
            assert echo["path"] == "/echo/call"


@pytest.mark.parametrize("authorizer", ["NONE", "AWS_IAM", "AUTHENTICATE_ONLY"])
def test_jwt_passthrough_needs_a_custom_jwt_gateway(
    control: Any, identity_upstream: IdentityUpstream, authorizer: str
) -> None:
    gateway = create_gateway(control, name("nopass"), authorizerType=authorizer)
    with aws_error("ValidationException", 400) as error:
        control.create_gateway_target(
            gatewayIdentifier=gateway["gatewayId"],
            name="pass",
            targetConfiguration={
                "mcp": {"openApiSchema": {"inlinePayload": json.dumps(echo_spec(identity_upstream.url))}}
            },
            credentialProviderConfigurations=PASSTHROUGH,
        )
    assert "CUSTOM_JWT" in error["Error"]["Message"]
