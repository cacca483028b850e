"""Fixtures of the console's tests: one gatewright that reads API Gateway from the session's moto server and
calls stages at a local stand-in (as tests/e2e/apigateway/test_apigateway_flow.py), one headless Chromium, and a fresh
browser context per test whose console errors, uncaught exceptions and requests to other hosts fail the test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.browser import ConsoleLog, Shots, browser_session
from support.gateway import GatewrightProcess
from support.moto_server import MotoServer
from support.petstore_apigw import StageStandIn, gatewright_session, stage_session

WAIT = 30_000  # ms: the longest any step may take (a target build reads the stage from moto)


@pytest.fixture(scope="package")
def stage() -> Iterator[StageStandIn]:
    yield from stage_session()


@pytest.fixture(scope="package")
def server(
    tmp_path_factory: pytest.TempPathFactory, moto: MotoServer, stage: StageStandIn
) -> Iterator[GatewrightProcess]:
    yield from gatewright_session(tmp_path_factory.mktemp("gatewright-console"), moto, stage)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    yield from browser_session()


@pytest.fixture
def shots(tmp_path: Path) -> Shots:
    chosen = os.environ.get("GATEWRIGHT_CONSOLE_SCREENSHOTS")
    return Shots(Path(chosen) if chosen else tmp_path / "screenshots")


@pytest.fixture
def console(browser: Any, server: GatewrightProcess) -> Iterator[tuple[Any, ConsoleLog]]:
    """A page of a new browser context (its own sessionStorage and clipboard) on the console's server."""
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    context = browser.new_context(viewport={"width": 1280, "height": 860}, base_url=server.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    context.set_default_timeout(WAIT)
    page = context.new_page()
    log = ConsoleLog()
    log.watch(page)
    yield page, log
    context.close()
    assert log.errors == [], log.errors
    assert log.foreign == [], log.foreign
