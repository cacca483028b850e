"""Credential providers through boto3: the ten API-key and OAuth2 operations, their ARNs, conflicts, validation,
and secrets that never come back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from support.aws import aws_error, status_of, wait_gone
from support.gateway import create_gateway
from support.identity import api_key_auth, name, oauth_auth, spec_target
from support.identity_upstream import IdentityUpstream, echo_spec

ARN_PREFIX = "arn:aws:acps:us-east-1:123456789012:token-vault/default/"
DISCOVERY = "https://idp.example.test/.well-known/openid-configuration"


def _no_secret(response: dict[str, Any], *secrets: str) -> None:
    text = json.dumps(response, default=str)
    for secret in secrets:
        assert secret not in text, f"a secret came back: {response}"
    assert 'apiKey"' not in text
    assert 'clientSecret"' not in text


def _custom(client_id: str, secret: str | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {"oauthDiscovery": {"discoveryUrl": DISCOVERY}, "clientId": client_id}
    if secret is not None:
        config["clientSecret"] = secret
    return {"customOauth2ProviderConfig": config}


def test_api_key_providers_lifecycle(control: Any) -> None:
    provider, secret, rotated = name("key"), "api-key-" + name(), "api-key-" + name()
    created = control.create_api_key_credential_provider(name=provider, apiKey=secret)
    assert status_of(created) == 201
    assert created["name"] == provider
    assert created["credentialProviderArn"] == f"{ARN_PREFIX}apikeycredentialprovider/{provider}"
    assert created["apiKeySecretArn"]["secretArn"].startswith("arn:aws:secretsmanager:us-east-1:123456789012:secret:")
    got = control.get_api_key_credential_provider(name=provider)
    assert got["credentialProviderArn"] == created["credentialProviderArn"]
    updated = control.update_api_key_credential_provider(name=provider, apiKey=rotated)
    assert updated["lastUpdatedTime"] >= got["lastUpdatedTime"]
    listed = control.list_api_key_credential_providers(maxResults=100)["credentialProviders"]
    assert provider in [p["name"] for p in listed]
    for response in (created, got, updated, {"list": listed}):
        _no_secret(response, secret, rotated)
    assert status_of(control.delete_api_key_credential_provider(name=provider)) in (200, 204)
    with aws_error("ResourceNotFoundException", 404):
        control.get_api_key_credential_provider(name=provider)


def test_oauth2_providers_lifecycle(control: Any) -> None:
    provider, secret, rotated = name("oa"), "client-secret-" + name(), "client-secret-" + name()
    created = control.create_oauth2_credential_provider(
        name=provider, credentialProviderVendor="CustomOauth2", oauth2ProviderConfigInput=_custom("client-1", secret)
    )
    assert status_of(created) == 201
    assert created["credentialProviderArn"] == f"{ARN_PREFIX}oauth2credentialprovider/{provider}"
    assert created["clientSecretArn"]["secretArn"]
    assert created["callbackUrl"]
    output = created["oauth2ProviderConfigOutput"]["customOauth2ProviderConfig"]
    assert output["oauthDiscovery"] == {"discoveryUrl": DISCOVERY}
    assert output["clientId"] == "client-1"
    got = control.get_oauth2_credential_provider(name=provider)
    assert got["credentialProviderVendor"] == "CustomOauth2"
    assert got["status"] == "READY"
    updated = control.update_oauth2_credential_provider(
        name=provider, credentialProviderVendor="CustomOauth2", oauth2ProviderConfigInput=_custom("client-2", rotated)
    )
    assert updated["oauth2ProviderConfigOutput"]["customOauth2ProviderConfig"]["clientId"] == "client-2"
    listed = control.list_oauth2_credential_providers()["credentialProviders"]
    assert {"name": provider, "credentialProviderVendor": "CustomOauth2"}.items() <= next(
        p for p in listed if p["name"] == provider
    ).items()
    for response in (created, got, updated, {"list": listed}):
        _no_secret(response, secret, rotated)
    control.delete_oauth2_credential_provider(name=provider)
    with aws_error("ResourceNotFoundException", 404):
        control.get_oauth2_credential_provider(name=provider)


def test_a_vendor_preset_is_metadata(control: Any) -> None:
    secret = "gh-secret-" + name()
    created = control.create_oauth2_credential_provider(
        name=name("gh"),
        credentialProviderVendor="GithubOauth2",
        oauth2ProviderConfigInput={"githubOauth2ProviderConfig": {"clientId": "gh-client", "clientSecret": secret}},
    )
    output = created["oauth2ProviderConfigOutput"]["githubOauth2ProviderConfig"]
    assert output["oauthDiscovery"]["authorizationServerMetadata"]["tokenEndpoint"].startswith("https://github.com/")
    _no_secret(created, secret)


def test_listing_pages(control: Any) -> None:
    for _ in range(3):
        control.create_api_key_credential_provider(name=name("page"), apiKey="k")
    first = control.list_api_key_credential_providers(maxResults=2)
    assert len(first["credentialProviders"]) == 2
    second = control.list_api_key_credential_providers(maxResults=2, nextToken=first["nextToken"])
    assert {p["name"] for p in first["credentialProviders"]}.isdisjoint(
        {p["name"] for p in second["credentialProviders"]}
    )


def test_a_duplicate_name_is_a_conflict(control: Any) -> None:
    provider = name("dup")
    control.create_api_key_credential_provider(name=provider, apiKey="k")
    with aws_error("ConflictException", 409):
        control.create_api_key_credential_provider(name=provider, apiKey="k2")
    control.create_oauth2_credential_provider(
        name=provider, credentialProviderVendor="CustomOauth2", oauth2ProviderConfigInput=_custom("c", "s")
    )
    with aws_error("ConflictException", 409):
        control.create_oauth2_credential_provider(
            name=provider, credentialProviderVendor="CustomOauth2", oauth2ProviderConfigInput=_custom("c", "s")
        )


@pytest.mark.parametrize("kind", ["api_key", "oauth2"])
def test_a_provider_in_use_cannot_be_deleted(control: Any, identity_upstream: IdentityUpstream, kind: str) -> None:
    gateway = create_gateway(control, name("use"))
    provider = name("used")
    if kind == "api_key":
        arn = control.create_api_key_credential_provider(name=provider, apiKey="k")["credentialProviderArn"]
        auth = api_key_auth(arn)
    else:
        arn = control.create_oauth2_credential_provider(
            name=provider, credentialProviderVendor="CustomOauth2", oauth2ProviderConfigInput=_custom("c", "s")
        )["credentialProviderArn"]
        auth = oauth_auth(arn, ["s"])
    delete = getattr(control, f"delete_{kind}_credential_provider")
    target = spec_target(
        control, gateway["gatewayId"], echo_spec(identity_upstream.url), credentialProviderConfigurations=auth
    )
    with aws_error("ConflictException", 409) as error:
        delete(name=provider)
    assert target["targetId"] in error["Error"]["Message"]
    control.delete_gateway_target(gatewayIdentifier=gateway["gatewayId"], targetId=target["targetId"])
    wait_gone(lambda: control.get_gateway_target(gatewayIdentifier=gateway["gatewayId"], targetId=target["targetId"]))
    delete(name=provider)


def test_targets_accept_either_arn_form(control: Any, identity_upstream: IdentityUpstream) -> None:
    gateway = create_gateway(control, name("arn"))
    provider = name("alt")
    control.create_api_key_credential_provider(name=provider, apiKey="k")
    arn = f"arn:aws:bedrock-agentcore:us-east-1:123456789012:token-vault/default/apikeycredentialprovider/{provider}"
    target = spec_target(
        control,
        gateway["gatewayId"],
        echo_spec(identity_upstream.url),
        credentialProviderConfigurations=api_key_auth(arn),
    )
    assert target["status"] == "READY"


def _target_refused(control: Any, identity_upstream: IdentityUpstream, auth: list[dict[str, Any]]) -> str:
    gateway = create_gateway(control, name("bad"))
    with aws_error("ValidationException", 400) as error:
        control.create_gateway_target(
            gatewayIdentifier=gateway["gatewayId"],
            name="bad",
            targetConfiguration={
                "mcp": {"openApiSchema": {"inlinePayload": json.dumps(echo_spec(identity_upstream.url))}}
            },
            credentialProviderConfigurations=auth,
        )
    message: str = error["Error"]["Message"]
    return message


def test_a_target_naming_a_missing_provider_is_refused(control: Any, identity_upstream: IdentityUpstream) -> None:
    arn = f"{ARN_PREFIX}apikeycredentialprovider/{name('missing')}"
    assert "does not exist" in _target_refused(control, identity_upstream, api_key_auth(arn))


def test_oauth_grants_other_than_client_credentials_are_refused(
    control: Any, identity_upstream: IdentityUpstream
) -> None:
    arn = control.create_oauth2_credential_provider(
        name=name("grant"), credentialProviderVendor="CustomOauth2", oauth2ProviderConfigInput=_custom("c", "s")
    )["credentialProviderArn"]
    message = _target_refused(control, identity_upstream, oauth_auth(arn, ["s"], grantType="AUTHORIZATION_CODE"))
    assert "CLIENT_CREDENTIALS" in message


def test_mismatched_provider_members_are_refused(control: Any, identity_upstream: IdentityUpstream) -> None:
    arn = control.create_api_key_credential_provider(name=name("mix"), apiKey="k")["credentialProviderArn"]
    auth = [
        {"credentialProviderType": "OAUTH", "credentialProvider": {"apiKeyCredentialProvider": {"providerArn": arn}}}
    ]
    _target_refused(control, identity_upstream, auth)


def test_unsupported_secret_sources_and_methods_are_refused(control: Any) -> None:
    with aws_error("ValidationException", 400):
        control.create_api_key_credential_provider(
            name=name("ext"),
            apiKeySecretConfig={"secretId": "arn:aws:secretsmanager:us-east-1:1:secret:x", "jsonKey": "k"},
        )
    config = _custom("c", "s")
    config["customOauth2ProviderConfig"]["clientAuthenticationMethod"] = "PRIVATE_KEY_JWT"
    with aws_error("ValidationException", 400):
        control.create_oauth2_credential_provider(
            name=name("pkj"), credentialProviderVendor="CustomOauth2", oauth2ProviderConfigInput=config
        )


def test_a_too_long_api_key_is_refused_without_echoing_it(control: Any) -> None:
    secret = "s" * 65537
    with aws_error("ValidationException", 400) as error:
        control.create_api_key_credential_provider(name=name("long"), apiKey=secret)
    assert "s" * 100 not in json.dumps(error, default=str)
