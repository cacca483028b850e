"""Fixtures shared by every suite: a real gatewright process and a real upstream on 127.0.0.1."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.gateway import GatewrightProcess, start_gatewright, stop_gatewright
from support.moto_server import MotoServer, start_moto_server, stop_moto_server
from support.upstream import Upstream, start_upstream


@pytest.fixture(scope="session")
def upstream() -> Iterator[Upstream]:
    server, stop = start_upstream()
    yield server
    stop()


@pytest.fixture(scope="session")
def gatewright(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewrightProcess]:
    server = start_gatewright(tmp_path_factory.mktemp("gatewright"))
    yield server
    stop_gatewright(server)


@pytest.fixture(scope="session")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """A real moto_server (API Gateway, Lambda, ...) shared by the session; ``moto.env()`` points SDKs at it."""
    server = start_moto_server(tmp_path_factory.mktemp("moto"))
    yield server
    stop_moto_server(server)


@pytest.fixture(scope="session")
def control(gatewright: GatewrightProcess) -> Any:
    return gatewright.control()


@pytest.fixture
def unique_name() -> str:
    """A gateway or target name no other test uses."""
    return "t" + uuid.uuid4().hex[:12]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"
