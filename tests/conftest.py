"""Fixtures shared by every suite: a real gatewright process and a real upstream on 127.0.0.1."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.forge import ForgedIssuer, forged_issuer_session
from support.gateway import GatewrightProcess, start_gatewright, stop_gatewright
from support.identity import LAB_AWS, OIDC_CLIENTS, PROTECTED_API_KEY
from support.identity_upstream import IdentityUpstream, identity_upstream_session
from support.moto_server import MotoServer, start_moto_server, stop_moto_server
from support.oidc_provider import (
    OidcProvider,
    OidcProviderFactory,
    oidc_provider_factory_session,
    oidc_provider_session,
)
from support.protected_upstream import ProtectedUpstream, start_protected_upstream
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


# -- identity (issue 3) --------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewrightProcess]:
    """A second gatewright for identity tests that need settings of their own: DEBUG logs (the disclosure tests
    grep them), no clock leeway (expiry tests), a JWKS refresh floor of 0.5 s (key rotation tests) and AWS
    credentials in its environment (GATEWAY_IAM_ROLE)."""
    env = {
        "GATEWRIGHT_LOG_LEVEL": "DEBUG",
        "GATEWRIGHT_JWT_LEEWAY_SECONDS": "0",
        "GATEWRIGHT_JWKS_MIN_REFRESH_SECONDS": "0.5",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        **LAB_AWS,
    }
    server = start_gatewright(tmp_path_factory.mktemp("gatewright-lab"), env)
    yield server
    stop_gatewright(server)


@pytest.fixture(scope="session")
def lab_control(lab: GatewrightProcess) -> Any:
    return lab.control()


@pytest.fixture(scope="session")
def oidc() -> Iterator[OidcProvider]:
    """The independent OpenID provider (npm oidc-provider) with the clients of support.identity.OIDC_CLIENTS."""
    yield from oidc_provider_session(OIDC_CLIENTS)


@pytest.fixture(scope="session")
def oidc_factory() -> Iterator[OidcProviderFactory]:
    """More OpenID providers, for tests that rotate keys."""
    yield from oidc_provider_factory_session()


@pytest.fixture(scope="session")
def forge() -> Iterator[ForgedIssuer]:
    yield from forged_issuer_session()


@pytest.fixture(scope="session")
def identity_upstream() -> Iterator[IdentityUpstream]:
    yield from identity_upstream_session()


@pytest.fixture(scope="session")
def protected(oidc: OidcProvider) -> Iterator[ProtectedUpstream]:
    """An upstream that wants oidc-provider tokens with aud = its default resource and scope upstream/invoke, or
    the API key PROTECTED_API_KEY."""
    server, stop = start_protected_upstream(oidc.issuer, oidc.default_resource, ["upstream/invoke"], PROTECTED_API_KEY)
    yield server
    stop()
