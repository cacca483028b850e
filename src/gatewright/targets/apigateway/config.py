"""Request-time checks of ``targetConfiguration.mcp.apiGateway`` that need no call to API Gateway.

The wire model already checks required members and the method enum; this adds the shapes the model leaves
open (ids, stage names, filter paths and wildcards, overrides) and the outbound auth API Gateway can use:
an API key only as the ``x-api-key`` header (where API Gateway reads it), SigV4 only for ``execute-api``.
"""

from __future__ import annotations

import re
from typing import Any

from gatewright.errors import ValidationError
from gatewright.targets.base import TargetConfig

JSON = dict[str, Any]
_BASE = "targetConfiguration.mcp.apiGateway"
_TOOLS = f"{_BASE}.apiGatewayToolConfiguration"
_ID = re.compile(r"^[A-Za-z0-9]{1,64}$")
_STAGE = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_PATH = re.compile(r"^/[^*?#\s]*$")
_CREDENTIAL = "credentialProviderConfigurations[0].credentialProvider"
API_KEY_HEADER = "x-api-key"


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError.for_field(field, message)


def _check_path(field: str, path: Any, *, wildcard: bool) -> None:
    text = path if isinstance(path, str) else ""
    base = text[:-2] or "/" if wildcard and text.endswith("/*") else text
    if not _PATH.match(base):
        allowed = "a resource path (/pets) or a prefix wildcard (/pets/*)" if wildcard else "a resource path (/pets)"
        raise _fail(field, f"{text!r} is not {allowed}")


def _check_tools(tools: JSON) -> None:
    filters = tools.get("toolFilters") or []
    if not filters:
        raise _fail(f"{_TOOLS}.toolFilters", "list at least one filter (filterPath and methods)")
    for i, flt in enumerate(filters):
        _check_path(f"{_TOOLS}.toolFilters[{i}].filterPath", flt.get("filterPath"), wildcard=True)
        if not flt.get("methods"):
            raise _fail(f"{_TOOLS}.toolFilters[{i}].methods", "list at least one method")
    for j, override in enumerate(tools.get("toolOverrides") or []):
        _check_path(f"{_TOOLS}.toolOverrides[{j}].path", override.get("path"), wildcard=False)
        name = override.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _fail(f"{_TOOLS}.toolOverrides[{j}].name", "name must not be empty")


def _check_credentials(providers: list[JSON]) -> None:
    if not providers:
        return
    kind = providers[0].get("credentialProviderType")
    provider = providers[0].get("credentialProvider") or {}
    if kind == "API_KEY":
        spec = provider.get("apiKeyCredentialProvider") or {}
        name = spec.get("credentialParameterName")
        if spec.get("credentialLocation", "HEADER") != "HEADER" or (name and name.lower() != API_KEY_HEADER):
            raise _fail(
                f"{_CREDENTIAL}.apiKeyCredentialProvider",
                "API Gateway reads API keys from the x-api-key header: use credentialLocation HEADER and "
                "credentialParameterName x-api-key (or leave both out)",
            )
        if spec.get("credentialPrefix"):
            raise _fail(f"{_CREDENTIAL}.apiKeyCredentialProvider.credentialPrefix", "API Gateway keys take no prefix")
    elif kind == "GATEWAY_IAM_ROLE":
        service = (provider.get("iamCredentialProvider") or {}).get("service")
        if service and service != "execute-api":
            raise _fail(
                f"{_CREDENTIAL}.iamCredentialProvider.service", "API Gateway targets are signed for execute-api"
            )


def check_config(target: TargetConfig) -> None:
    config = target.config
    if not _ID.match(str(config.get("restApiId", ""))):
        raise _fail(f"{_BASE}.restApiId", "restApiId must be a REST API id (letters and digits)")
    if not _STAGE.match(str(config.get("stage", ""))):
        raise _fail(f"{_BASE}.stage", "stage must be a stage name (letters, digits, '-' and '_')")
    _check_tools(config.get("apiGatewayToolConfiguration") or {})
    _check_credentials(target.credential_providers)


def credential_type(target: TargetConfig) -> str:
    providers = target.credential_providers
    return str(providers[0]["credentialProviderType"]) if providers else "NONE"
