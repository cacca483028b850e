"""End-to-end fixtures: gateways shared by the MCP tests, and a second process with tight limits.

Gateways are session-scoped and read-only for the tests that share them; a test that changes a gateway
creates its own.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.gateway import GatewrightProcess, create_gateway, create_target, start_gatewright, stop_gatewright
from support.mcp import TIGHT_BODY, TIGHT_PAGE, faults_spec
from support.net import free_port
from support.upstream import Upstream


def _name(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:10]


def _inline(spec: dict[str, Any]) -> dict[str, Any]:
    return {"openApiSchema": {"inlinePayload": json.dumps(spec)}}


def pets_gateway(control: Any, upstream: Upstream, **extra: Any) -> dict[str, Any]:
    """A READY gateway with target ``pets`` (PetStore + Fail) and target ``down`` (nothing listens)."""
    gateway = create_gateway(control, _name("mcp"), **extra)
    pets = create_target(control, gateway["gatewayId"], "pets", _inline(faults_spec(upstream.url)))
    down = create_target(control, gateway["gatewayId"], "down", _inline(faults_spec(f"http://127.0.0.1:{free_port()}")))
    assert (pets["status"], down["status"]) == ("READY", "READY"), (pets, down)
    return gateway


@pytest.fixture(scope="session")
def pets(control: Any, upstream: Upstream) -> dict[str, Any]:
    """A gateway with default settings: upstream failures are masked."""
    return pets_gateway(control, upstream)


@pytest.fixture(scope="session")
def pets_debug(control: Any, upstream: Upstream) -> dict[str, Any]:
    """The same targets on a gateway with exceptionLevel DEBUG."""
    return pets_gateway(control, upstream, exceptionLevel="DEBUG")


@pytest.fixture(scope="session")
def tight(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewrightProcess]:
    data_dir: Path = tmp_path_factory.mktemp("gatewright-tight")
    server = start_gatewright(
        data_dir,
        {"GATEWRIGHT_TOOLS_PAGE_SIZE": str(TIGHT_PAGE), "GATEWRIGHT_MAX_BODY_BYTES": str(TIGHT_BODY)},
    )
    yield server
    stop_gatewright(server)


@pytest.fixture(scope="session")
def tight_control(tight: GatewrightProcess) -> Any:
    return tight.control()
