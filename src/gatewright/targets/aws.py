"""Where an AWS service answers, from the standard AWS settings (shared by the AWS-based target kinds).

The order is the AWS SDKs': ``AWS_ENDPOINT_URL_<SERVICE>`` (the service's sdkId in upper case, spaces and
hyphens as underscores: ``AWS_ENDPOINT_URL_DYNAMODB``, ``AWS_ENDPOINT_URL_SECRETS_MANAGER``), then
``AWS_ENDPOINT_URL``, both ignored when ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true``; otherwise the
service's regional endpoint ``https://<endpointPrefix>.<region>.amazonaws.com`` (``.amazonaws.com.cn``
in the China regions). Endpoints in the shared config file (``services`` sections) are not read.
"""

from __future__ import annotations

import os
from collections.abc import Mapping


def endpoint_env_name(service_id: str) -> str:
    return "AWS_ENDPOINT_URL_" + service_id.replace(" ", "_").replace("-", "_").upper()


def configured_endpoint(service_id: str, environ: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    if env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").strip().lower() == "true":
        return None
    for name in (endpoint_env_name(service_id), "AWS_ENDPOINT_URL"):
        value = env.get(name, "").strip()
        if value:
            return value.rstrip("/")
    return None


def regional_endpoint(endpoint_prefix: str, region: str) -> str:
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://{endpoint_prefix}.{region}.{suffix}"


def service_endpoint(
    service_id: str, endpoint_prefix: str | None, region: str, environ: Mapping[str, str] | None = None
) -> str | None:
    """The base URL (no trailing slash) for the service, or None when nothing says where it is."""
    configured = configured_endpoint(service_id, environ)
    if configured:
        return configured
    return regional_endpoint(endpoint_prefix, region) if endpoint_prefix else None
