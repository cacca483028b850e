"""Two gatewright processes on one PostgreSQL: a change made through one is served by the other.

This is the scale-out story: the processes share configuration through the store and its change feed
(``runtime/registry.py``), and built targets through blobs, so the second process never builds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.config import Config

from support.gateway import GatewrightProcess, create_gateway, openapi_target, start_gatewright, stop_gatewright
from support.mcp import call_tool, post, request, result_of
from support.net import wait_until
from support.postgres import temp_schema, unavailable
from support.specs import petstore
from support.upstream import PETS, Upstream

pytestmark = pytest.mark.postgres
KEY, SECRET = "GWAKSHAREDTESTKEY000", "shared-test-secret-key-0000000000000000"


def _control(server: GatewrightProcess) -> Any:
    return boto3.client(
        "bedrock-agentcore-control",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        config=Config(retries={"max_attempts": 1}),
    )


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GatewrightProcess, GatewrightProcess]]:
    reason = unavailable()
    if reason is not None:
        pytest.skip(f"PostgreSQL leg skipped: {reason}")
    with temp_schema() as url:
        env = {
            "GATEWRIGHT_DATABASE_URL": url,
            "GATEWRIGHT_ADMIN_ACCESS_KEY_ID": KEY,
            "GATEWRIGHT_ADMIN_SECRET_ACCESS_KEY": SECRET,
            "GATEWRIGHT_CHANGE_POLL_SECONDS": "0.1",
        }
        dirs = [tmp_path_factory.mktemp("pg-a"), tmp_path_factory.mktemp("pg-b")]
        # Started together: both migrate the empty schema at once (an advisory lock makes that safe).
        with ThreadPoolExecutor(2) as pool:
            started = [pool.submit(start_gatewright, d, env) for d in dirs]
        servers, failures = [], []
        for future in started:
            try:
                servers.append(future.result())
            except (RuntimeError, TimeoutError) as exc:
                failures.append(exc)
        if failures:
            for server in servers:
                stop_gatewright(server)
            raise failures[0]
        try:
            yield servers[0], servers[1]
        finally:
            for server in servers:
                stop_gatewright(server)


def _tools(url: str) -> set[str]:
    response = post(url, request("tools/list"))
    if response.status_code == 404:  # this process has not seen the gateway yet
        return set()
    return {t["name"] for t in result_of(response)["tools"]}


def test_the_other_process_serves_what_one_configured(
    pair: tuple[GatewrightProcess, GatewrightProcess], upstream: Upstream, unique_name: str
) -> None:
    first, second = pair
    a, b = _control(first), _control(second)
    gateway = create_gateway(a, unique_name)
    # Both processes answer the control plane from the same store.
    assert b.get_gateway(gatewayIdentifier=gateway["gatewayId"])["status"] == "READY"
    target = openapi_target(a, gateway["gatewayId"], "pets", petstore(upstream.url))
    assert target["status"] == "READY"

    other_url = gateway["gatewayUrl"].replace(first.url, second.url)
    expected = {"pets___get_pets", "pets___CreatePet", "pets___GetPet"}
    wait_until(lambda: _tools(other_url) == expected, timeout=10, what="the second process to load the target")
    assert call_tool(other_url, "pets___GetPet", {"petId": "2"})["structuredContent"] == PETS[1]

    # A failed update on one process leaves the last good tools serving on both.
    empty = {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {}}
    b.update_gateway_target(
        gatewayIdentifier=gateway["gatewayId"],
        targetId=target["targetId"],
        targetConfiguration={"mcp": {"openApiSchema": {"inlinePayload": json.dumps(empty)}}},
    )
    wait_until(
        lambda: (
            a.get_gateway_target(gatewayIdentifier=gateway["gatewayId"], targetId=target["targetId"])["status"]
            == "UPDATE_UNSUCCESSFUL"
        ),
        timeout=10,
        what="the update to fail",
    )
    assert _tools(gateway["gatewayUrl"]) == expected
    assert _tools(other_url) == expected

    # A deletion through the second process stops the first from serving the target.
    b.delete_gateway_target(gatewayIdentifier=gateway["gatewayId"], targetId=target["targetId"])
    wait_until(lambda: _tools(gateway["gatewayUrl"]) == set(), timeout=10, what="the first process to unload")
