"""Configure gatewright through its control plane with boto3, exactly as a user would.

Every gateway is created with CreateGateway (the variant's authorizer; ``disableMcpListToolsPagination``
when the full list is wanted) and every target with CreateGatewayTarget (an OpenAPI document as
``inlinePayload``), then polled with GetGateway/GetGatewayTarget until READY.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.specs import generated_api
from benchmarks.variants import Variant

JSON = dict[str, Any]
ROLE = "arn:aws:iam::123456789012:role/gatewright-bench"
MAX_TOOLS_PER_TARGET = 1000  # AgentCore's quota; larger catalogs are several targets
_DONE = {"READY", "FAILED", "UPDATE_UNSUCCESSFUL", "SYNCHRONIZE_UNSUCCESSFUL"}


class Refused(Exception):
    """The control plane refused a configuration (a variant gatewright does not support yet)."""


def _wait_ready(get: Callable[[], JSON], what: str, timeout: float = 120.0) -> JSON:
    deadline = time.monotonic() + timeout
    while True:
        item = get()
        if item["status"] in _DONE:
            if item["status"] != "READY":
                raise RuntimeError(f"{what} is {item['status']}: {item.get('statusReasons')}")
            return item
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} still {item['status']} after {timeout}s")
        time.sleep(0.02)


def create_gateway(control: Any, name: str, variant: Variant, *, paginate: bool) -> JSON:
    """A READY gateway; raises :class:`Refused` when the control plane refuses the variant's parameters."""
    params: JSON = {"name": name, "roleArn": ROLE, "protocolType": "MCP", **variant.gateway_params}
    if not paginate:
        params["protocolConfiguration"] = {"mcp": {"disableMcpListToolsPagination": True}}
    try:
        created = control.create_gateway(**params)
    except control.exceptions.ValidationException as exc:
        raise Refused(str(exc)) from None
    return _wait_ready(lambda: control.get_gateway(gatewayIdentifier=created["gatewayId"]), f"gateway {name}")


def create_targets(control: Any, gateway_id: str, specs: dict[str, JSON]) -> list[JSON]:
    """One OpenAPI target per named document (created together, then awaited)."""
    created = [
        control.create_gateway_target(
            gatewayIdentifier=gateway_id,
            name=name,
            targetConfiguration={"mcp": {"openApiSchema": {"inlinePayload": json.dumps(spec)}}},
        )
        for name, spec in specs.items()
    ]

    def getter(target_id: str) -> Callable[[], JSON]:
        return lambda: control.get_gateway_target(gatewayIdentifier=gateway_id, targetId=target_id)

    return [_wait_ready(getter(c["targetId"]), f"target {c['name']}") for c in created]


def catalog_specs(base_url: str, tools: int) -> dict[str, JSON]:
    """``tools`` generated operations, cut into targets of at most 1,000 tools (AgentCore's quota)."""
    specs: dict[str, JSON] = {}
    for first in range(0, tools, MAX_TOOLS_PER_TARGET):
        count = min(MAX_TOOLS_PER_TARGET, tools - first)
        specs[f"api{first // MAX_TOOLS_PER_TARGET}"] = generated_api(base_url, count, first=first)
    return specs


@dataclass(frozen=True)
class CatalogGateway:
    tools: int
    paginated: bool
    url: str


def create_catalog_gateway(control: Any, base_url: str, tools: int, *, paginate: bool, base: Variant) -> CatalogGateway:
    suffix = "p" if paginate else "full"
    gateway = create_gateway(control, f"bench-list{tools}-{suffix}", base, paginate=paginate)
    create_targets(control, gateway["gatewayId"], catalog_specs(base_url, tools))
    return CatalogGateway(tools, paginate, gateway["gatewayUrl"])


def post(url: str, method: str, params: JSON, headers: dict[str, str] | None = None, timeout: float = 30) -> bytes:
    """One JSON-RPC POST; the raw response body."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    all_headers = {"Content-Type": "application/json", "Accept": "application/json", **(headers or {})}
    request = urllib.request.Request(url, data=body, headers=all_headers, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as resp:
        raw: bytes = resp.read()
        return raw


def rpc(url: str, method: str, params: JSON, headers: dict[str, str] | None = None, timeout: float = 30) -> JSON:
    """One JSON-RPC POST (used to check answers before they are measured); the result."""
    answer: JSON = json.loads(post(url, method, params, headers, timeout))
    if "error" in answer:
        raise RuntimeError(f"{method} failed: {answer['error']}")
    result: JSON = answer["result"]
    return result
