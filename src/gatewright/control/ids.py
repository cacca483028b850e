"""Identifiers, ARNs and URLs, in AgentCore's formats."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

_LOWER = string.ascii_lowercase + string.digits
_UPPER = string.ascii_uppercase + string.digits
MCP_PATH_PREFIX = "/gw/"


def _random(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def new_gateway_id(name: str) -> str:
    """Lower-cased name, a hyphen and 10 random lower-case alphanumerics (``mygateway-abcdefghij``)."""
    return f"{name.lower()}-{_random(_LOWER, 10)}"


def new_target_id() -> str:
    """10 random upper-case alphanumerics, as AgentCore issues them (``RQHDN3J002``)."""
    return _random(_UPPER, 10)


def new_target_name() -> str:
    return f"target-{_random(_LOWER, 6)}"


@dataclass(frozen=True)
class Naming:
    """Builds ARNs and URLs from the process settings."""

    region: str
    account_id: str
    base_url: str

    def gateway_arn(self, gateway_id: str) -> str:
        return f"arn:aws:bedrock-agentcore:{self.region}:{self.account_id}:gateway/{gateway_id}"

    def gateway_url(self, gateway_id: str) -> str:
        return f"{self.base_url}{MCP_PATH_PREFIX}{gateway_id}/mcp"

    def workload_identity_arn(self, name: str) -> str:
        return (
            f"arn:aws:bedrock-agentcore:{self.region}:{self.account_id}:"
            f"workload-identity-directory/default/workload-identity/{name}"
        )

    def provider_arn(self, kind: str, name: str) -> str:
        return f"arn:aws:bedrock-agentcore:{self.region}:{self.account_id}:token-vault/default/{kind}/{name}"
