"""Names of the record kinds and blobs that the control plane writes and the runtime reads."""

from __future__ import annotations

GATEWAY = "gateway"
TARGET = "target"


def target_blob_key(target_id: str) -> str:
    """The built target: the configuration it was built from and its artifact."""
    return f"target:{target_id}"


def report_blob_key(target_id: str) -> str:
    """The import report of a target, when its kind makes one."""
    return f"report:{target_id}"


API_KEY_PROVIDER = "apikey_provider"
OAUTH2_PROVIDER = "oauth2_provider"
PROVIDER_KINDS = {"apikeycredentialprovider": API_KEY_PROVIDER, "oauth2credentialprovider": OAUTH2_PROVIDER}


def provider_from_arn(arn: str) -> tuple[str, str] | None:
    """(record kind, name) of a credential provider ARN, in the model's ``acps`` form or AgentCore's."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    segments = parts[5].split("/")
    if len(segments) != 4 or segments[0] != "token-vault" or segments[2] not in PROVIDER_KINDS:
        return None
    return PROVIDER_KINDS[segments[2]], segments[3]
