"""One gatewright process and one stage stand-in for every API Gateway suite in this folder.

The gatewright process reads API Gateway from the session's moto server and calls stages at the stand-in
(GATEWRIGHT_APIGATEWAY_INVOKE_URL); ``control`` here is a boto3 client of that process.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from support.gateway import GatewrightProcess
from support.moto_server import MotoServer
from support.petstore_apigw import StageStandIn, gatewright_session, stage_session


@pytest.fixture(scope="package")
def stage() -> Iterator[StageStandIn]:
    yield from stage_session()


@pytest.fixture(scope="package")
def server(
    tmp_path_factory: pytest.TempPathFactory, moto: MotoServer, stage: StageStandIn
) -> Iterator[GatewrightProcess]:
    yield from gatewright_session(tmp_path_factory.mktemp("gatewright-apigw"), moto, stage)


@pytest.fixture(scope="package")
def control(server: GatewrightProcess) -> Any:
    return server.control()
