"""The official MCP conformance suite against real gateways, in baseline mode.

Three gateways on one real ``gatewright serve`` process, created with boto3. Two have one OpenAPI target
over the shared test upstream (``tests/conformance/fixtures.py``):

* ``stateless``: the default (AgentCore's default): no ``Mcp-Session-Id``;
* ``sessions``: ``protocolConfiguration.mcp.sessionConfiguration`` set, so the handshake wire issues
  session ids (``server-sse-multiple-streams`` and ``server-session-lifecycle`` need one).

The third, ``proxy``, has sessions and one MCP server target, the fixture server
(``tests/support/everything_server.py``, Python SDK mcp 2.3.0), with the gatewright option
``unprefixedNames``: the suite runs through the gateway against the server's fixtures, under their names.

Each gateway is run through conformance 0.1.16 ``--suite all`` and 0.2.0-alpha.12 ``--suite all`` at
``--spec-version 2025-11-25`` and ``2026-07-28``, all at once, against the 127.0.0.1 URL itself (so
``dns-rebinding-protection`` applies). A run passes when the CLI's baseline check passes: every failure
or WARNING is listed in ``tests/conformance/baseline.yml`` with its reason, and no listed entry passed.
A last test fails on baseline entries that no run needed. The ``Total:`` lines appear in the terminal
summary and in every failure message; docs/conformance.md records them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from conformance import suite
from conformance.fixtures import TARGET, fixture_spec
from support.gateway import GatewrightProcess, create_gateway, openapi_target
from support.mcp_servers import McpServerProcess, mcp_target, set_options, start_fixture_server
from support.upstream import Upstream

C016 = "@modelcontextprotocol/conformance"
ALPHA = "conformance-alpha"
SESSIONS = {"mcp": {"sessionConfiguration": {"sessionTimeoutInSeconds": 900}}}
ALL = ("--suite", "all")
RUNS = tuple(
    run
    for gateway in ("stateless", "sessions", "proxy")
    for run in (
        suite.Run(f"0.1.16 --suite all [{gateway}]", C016, gateway, ALL, per_check=False),
        suite.Run(
            f"0.2.0-alpha.12 --spec-version 2025-11-25 [{gateway}]",
            ALPHA,
            gateway,
            (*ALL, "--spec-version", "2025-11-25"),
            per_check=True,
        ),
        suite.Run(
            f"0.2.0-alpha.12 --spec-version 2026-07-28 [{gateway}]",
            ALPHA,
            gateway,
            (*ALL, "--spec-version", "2026-07-28"),
            per_check=True,
        ),
    )
)
TIMEOUT = 90.0


class _Report:
    """Adds the runs' Total lines to pytest's terminal summary (shown without ``-s``)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.write_sep("-", "MCP conformance")
        for line in self.lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="module")
def fixture_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[McpServerProcess]:
    server = start_fixture_server(tmp_path_factory.mktemp("fixture-server"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def gateways(
    gatewright: GatewrightProcess, control: Any, upstream: Upstream, fixture_server: McpServerProcess
) -> dict[str, str]:
    urls = {}
    for kind, extra in (("stateless", {}), ("sessions", {"protocolConfiguration": SESSIONS})):
        gateway = create_gateway(control, f"conf{kind}{uuid.uuid4().hex[:8]}", **extra)
        # One target, names unprefixed: the fixture tools keep the names the suite looks up.
        assert set_options(gatewright, gateway["gatewayId"], unprefixedNames=True)["unprefixedNames"] is True
        target = openapi_target(control, gateway["gatewayId"], TARGET, fixture_spec(upstream.url))
        assert target["status"] == "READY", target.get("statusReasons")
        urls[kind] = gateway["gatewayUrl"]
    proxy = create_gateway(control, f"confproxy{uuid.uuid4().hex[:8]}", protocolConfiguration=SESSIONS)
    assert set_options(gatewright, proxy["gatewayId"], unprefixedNames=True)["unprefixedNames"] is True
    target = mcp_target(control, proxy["gatewayId"], "everything", fixture_server.url)
    assert target["status"] == "READY", target.get("statusReasons")
    urls["proxy"] = proxy["gatewayUrl"]
    for url in urls.values():
        assert url.startswith("http://127.0.0.1:"), url
    return urls


@pytest.fixture(scope="module")
def outcomes(
    gateways: dict[str, str], tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> dict[str, suite.Outcome]:
    try:
        for package in (C016, ALPHA):
            assert suite.installed_version(package) == suite.wanted_version(package), suite.SETUP_HINT
        root = tmp_path_factory.mktemp("conformance")
        results = suite.run_all({run: gateways[run.gateway] for run in RUNS}, root, TIMEOUT)
    except (suite.NotInstalled, FileNotFoundError) as exc:
        pytest.fail(f"the MCP conformance suite is not installed: {exc}; {suite.SETUP_HINT}")
    lines = [o.line() for o in results]
    (root / "summary.txt").write_text("\n".join(lines) + "\n")
    report = _Report([*lines, f"(outputs, expected-failures files and checks.json under {root})"])
    request.config.pluginmanager.register(report, "gatewright-conformance-report")
    return {o.run.name: o for o in results}


@pytest.mark.parametrize("run", RUNS, ids=lambda run: re.sub(r"[^\w.]+", "-", run.name).strip("-"))
def test_conformance(run: suite.Run, outcomes: dict[str, suite.Outcome]) -> None:
    outcome = outcomes[run.name]
    summary = "\n".join(o.line() for o in outcomes.values())
    assert outcome.returncode == 0, f"{outcome.line()}\n\n{outcome.verdict}\n\nall runs:\n{summary}"
    assert outcome.scenarios, f"{outcome.line()}: no scenario results were written\n{outcome.output[-3000:]}"


def test_baseline_has_no_stale_entries(outcomes: dict[str, suite.Outcome]) -> None:
    unused = suite.stale(list(outcomes.values()))
    summary = "\n".join(o.line() for o in outcomes.values())
    assert not unused, f"baseline entries no run needed (remove them from {suite.BASELINE}):\n" + "\n".join(
        [*unused, "", summary]
    )
