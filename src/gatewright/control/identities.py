"""Credential providers (AgentCore Identity's token vault): API keys and OAuth2 clients for outbound calls.

Secrets (API keys, client secrets) are encrypted at rest (gatewright.secrets) and never returned by any
operation. Providers are addressed by name; their ARNs use the model's ``acps`` form, and targets may
refer to them by either that ARN or AgentCore's ``bedrock-agentcore`` form.
"""

from __future__ import annotations

from typing import Any

from gatewright.auth.outbound.vendors import vendor_metadata
from gatewright.control.common import ControlContext, get_or_404, page, save
from gatewright.errors import ConflictError, ValidationError
from gatewright.resources import API_KEY_PROVIDER, OAUTH2_PROVIDER, TARGET, provider_from_arn
from gatewright.store import AlreadyExists, Record

JSON = dict[str, Any]
API_KEY = API_KEY_PROVIDER
OAUTH2 = OAUTH2_PROVIDER
_ARN_KIND = {API_KEY: "apikeycredentialprovider", OAUTH2: "oauth2credentialprovider"}


def provider_arn(ctx: ControlContext, kind: str, name: str) -> str:
    s = ctx.settings
    return f"arn:aws:acps:{s.region}:{s.account_id}:token-vault/default/{_ARN_KIND[kind]}/{name}"


def _secret_arn(ctx: ControlContext, kind: str, name: str) -> JSON:
    s = ctx.settings
    return {"secretArn": f"arn:aws:secretsmanager:{s.region}:{s.account_id}:secret:gatewright/{kind}/{name}"}


def _refuse_external(params: JSON, secret_field: str, config_field: str) -> None:
    if params.get(config_field) is not None or params.get(secret_field.replace("Secret", "SecretSource")) == "EXTERNAL":
        raise ValidationError.for_field(
            config_field,
            "secrets kept in AWS Secrets Manager are not supported yet; "
            "pass the secret itself (it is encrypted at rest)",
        )


async def _create(ctx: ControlContext, kind: str, name: str, doc: JSON) -> Record:
    try:
        return await ctx.store.create(kind, name, "", name, doc)
    except AlreadyExists:
        raise ConflictError(f"A credential provider named {name} already exists") from None


async def _not_in_use(ctx: ControlContext, kind: str, name: str) -> None:
    """Refuse to delete a provider a target still uses (its calls would fail)."""
    for target in await ctx.store.list_records(TARGET, None, limit=1_000_000):
        for config in target.doc.get("credentialProviderConfigurations") or []:
            for spec in (config.get("credentialProvider") or {}).values():
                arn = spec.get("providerArn") if isinstance(spec, dict) else None
                if arn and provider_from_arn(arn) == (kind, name):
                    raise ConflictError(
                        f"Credential provider {name} is used by target {target.id} of gateway "
                        f"{target.parent}; change or delete the target first"
                    )


# -- API keys -----------------------------------------------------------------------------------------
def _api_key_view(ctx: ControlContext, record: Record) -> JSON:
    return {
        "name": record.id,
        "credentialProviderArn": provider_arn(ctx, API_KEY, record.id),
        "apiKeySecretArn": _secret_arn(ctx, API_KEY, record.id),
        "apiKeySecretSource": "MANAGED",
        "createdTime": record.created_at,
        "lastUpdatedTime": record.updated_at,
    }


async def create_api_key_provider(ctx: ControlContext, params: JSON) -> JSON:
    _refuse_external(params, "apiKeySecret", "apiKeySecretConfig")
    if not params.get("apiKey"):
        raise ValidationError.for_field("apiKey", "apiKey is required")
    doc = {"apiKey": ctx.secrets.encrypt(params["apiKey"]), "tags": params.get("tags") or {}}
    return _api_key_view(ctx, await _create(ctx, API_KEY, params["name"], doc))


async def get_api_key_provider(ctx: ControlContext, params: JSON) -> JSON:
    return _api_key_view(ctx, await get_or_404(ctx.store, API_KEY, params["name"], "Credential provider"))


async def update_api_key_provider(ctx: ControlContext, params: JSON) -> JSON:
    record = await get_or_404(ctx.store, API_KEY, params["name"], "Credential provider")
    _refuse_external(params, "apiKeySecret", "apiKeySecretConfig")
    if not params.get("apiKey"):
        raise ValidationError.for_field("apiKey", "apiKey is required")
    updated = await save(ctx.store, record, record.doc | {"apiKey": ctx.secrets.encrypt(params["apiKey"])})
    return _api_key_view(ctx, updated)


async def list_api_key_providers(ctx: ControlContext, params: JSON) -> JSON:
    records, token = await page(ctx.store, API_KEY, "", params)
    out: JSON = {
        "credentialProviders": [
            {
                k: v
                for k, v in _api_key_view(ctx, r).items()
                if k in ("name", "credentialProviderArn", "createdTime", "lastUpdatedTime")
            }
            for r in records
        ]
    }
    if token:
        out["nextToken"] = token
    return out


async def delete_api_key_provider(ctx: ControlContext, params: JSON) -> JSON:
    await get_or_404(ctx.store, API_KEY, params["name"], "Credential provider")
    await _not_in_use(ctx, API_KEY, params["name"])
    await ctx.store.delete(API_KEY, params["name"])
    return {}


# -- OAuth2 clients -----------------------------------------------------------------------------------
def _oauth_config(params: JSON) -> tuple[str, JSON, str | None]:
    """(config member name, stored config without the secret, the secret) of an oauth2ProviderConfigInput."""
    config_input = params["oauth2ProviderConfigInput"]
    member = next(iter(config_input))
    config = dict(config_input[member])
    field = f"oauth2ProviderConfigInput.{member}"
    _refuse_external(config, "clientSecret", "clientSecretConfig")
    for unsupported in (
        "onBehalfOfTokenExchangeConfig",
        "privateKeyJwtConfig",
        "privateEndpoint",
        "privateEndpointOverrides",
        "certificateConfigurations",
    ):
        if config.get(unsupported) is not None:
            raise ValidationError.for_field(f"{field}.{unsupported}", f"{unsupported} is not supported yet")
    method = config.get("clientAuthenticationMethod", "CLIENT_SECRET_BASIC")
    if method not in ("CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST"):
        raise ValidationError.for_field(f"{field}.clientAuthenticationMethod", f"{method} is not supported yet")
    if member == "customOauth2ProviderConfig" and not config.get("clientId"):
        raise ValidationError.for_field(f"{field}.clientId", "clientId is required")
    secret = config.pop("clientSecret", None)
    return member, config, secret


def _oauth_view(ctx: ControlContext, record: Record) -> JSON:
    doc = record.doc
    output = {k: v for k, v in doc["config"].items() if k not in ("clientSecretSource",)}
    if "oauthDiscovery" not in output:  # vendor presets: metadata only
        output["oauthDiscovery"] = {"authorizationServerMetadata": doc.get("vendorMetadata", {})}
    return {
        "name": record.id,
        "credentialProviderArn": provider_arn(ctx, OAUTH2, record.id),
        "credentialProviderVendor": doc["vendor"],
        "clientSecretArn": _secret_arn(ctx, OAUTH2, record.id),
        "clientSecretSource": "MANAGED",
        "callbackUrl": f"{ctx.settings.base_url}/identities/oauth2/callback/{record.id}",
        "oauth2ProviderConfigOutput": {doc["member"]: output},
        "createdTime": record.created_at,
        "lastUpdatedTime": record.updated_at,
        "status": "READY",
    }


async def create_oauth2_provider(ctx: ControlContext, params: JSON) -> JSON:
    member, config, secret = _oauth_config(params)
    vendor = params["credentialProviderVendor"]
    doc = {
        "vendor": vendor,
        "member": member,
        "config": config,
        "vendorMetadata": vendor_metadata(vendor),
        "clientSecret": ctx.secrets.encrypt(secret) if secret else None,
        "tags": params.get("tags") or {},
    }
    return _oauth_view(ctx, await _create(ctx, OAUTH2, params["name"], doc))


async def get_oauth2_provider(ctx: ControlContext, params: JSON) -> JSON:
    return _oauth_view(ctx, await get_or_404(ctx.store, OAUTH2, params["name"], "Credential provider"))


async def update_oauth2_provider(ctx: ControlContext, params: JSON) -> JSON:
    record = await get_or_404(ctx.store, OAUTH2, params["name"], "Credential provider")
    member, config, secret = _oauth_config(params)
    doc = record.doc | {"vendor": params["credentialProviderVendor"], "member": member, "config": config}
    if secret:
        doc["clientSecret"] = ctx.secrets.encrypt(secret)
    return _oauth_view(ctx, await save(ctx.store, record, doc))


async def list_oauth2_providers(ctx: ControlContext, params: JSON) -> JSON:
    records, token = await page(ctx.store, OAUTH2, "", params)
    out: JSON = {
        "credentialProviders": [
            {
                "name": r.id,
                "credentialProviderVendor": r.doc["vendor"],
                "credentialProviderArn": provider_arn(ctx, OAUTH2, r.id),
                "createdTime": r.created_at,
                "lastUpdatedTime": r.updated_at,
            }
            for r in records
        ]
    }
    if token:
        out["nextToken"] = token
    return out


async def delete_oauth2_provider(ctx: ControlContext, params: JSON) -> JSON:
    await get_or_404(ctx.store, OAUTH2, params["name"], "Credential provider")
    await _not_in_use(ctx, OAUTH2, params["name"])
    await ctx.store.delete(OAUTH2, params["name"])
    return {}


HANDLERS = {
    "CreateApiKeyCredentialProvider": create_api_key_provider,
    "GetApiKeyCredentialProvider": get_api_key_provider,
    "UpdateApiKeyCredentialProvider": update_api_key_provider,
    "ListApiKeyCredentialProviders": list_api_key_providers,
    "DeleteApiKeyCredentialProvider": delete_api_key_provider,
    "CreateOauth2CredentialProvider": create_oauth2_provider,
    "GetOauth2CredentialProvider": get_oauth2_provider,
    "UpdateOauth2CredentialProvider": update_oauth2_provider,
    "ListOauth2CredentialProviders": list_oauth2_providers,
    "DeleteOauth2CredentialProvider": delete_oauth2_provider,
}
