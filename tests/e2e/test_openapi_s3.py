"""OpenAPI targets whose document lives in S3 (read with boto3 from the standard AWS settings: a moto server)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest

from support.gateway import (
    GatewrightProcess,
    create_gateway,
    create_target,
    rpc,
    start_gatewright,
    stop_gatewright,
    wait_status,
)
from support.moto_server import MotoServer
from support.specs import petstore
from support.upstream import PETS, Upstream

BUCKET = "gatewright-specs"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, moto: MotoServer) -> Iterator[GatewrightProcess]:
    process = start_gatewright(tmp_path_factory.mktemp("gw-s3"), env=moto.env())
    yield process
    stop_gatewright(process)


def _put(moto: MotoServer, key: str, body: str) -> str:
    s3 = moto.client("s3")
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key=key, Body=body.encode())
    return f"s3://{BUCKET}/{key}"


def test_spec_from_s3_becomes_tools_and_synchronise_rereads_it(
    server: GatewrightProcess, moto: MotoServer, upstream: Upstream, unique_name: str
) -> None:
    control = server.control()
    spec = petstore(upstream.url)
    uri = _put(moto, f"{unique_name}/petstore.json", json.dumps(spec))
    gateway = create_gateway(control, unique_name)
    target = create_target(control, gateway["gatewayId"], "pets", {"openApiSchema": {"s3": {"uri": uri}}})
    assert target["status"] == "READY", target["statusReasons"]
    called = rpc(gateway["gatewayUrl"], "tools/call", {"name": "pets___get_pets", "arguments": {}}).json()
    assert json.loads(called["result"]["content"][0]["text"]) == PETS

    # A new version of the document in S3 is picked up by SynchronizeGatewayTargets.
    del spec["paths"]["/pets/{petId}"]
    _put(moto, f"{unique_name}/petstore.json", json.dumps(spec))
    synced = _sync(control, gateway["gatewayId"], target["targetId"])
    assert synced["status"] == "READY", synced["statusReasons"]
    names = {t["name"] for t in rpc(gateway["gatewayUrl"], "tools/list").json()["result"]["tools"]}
    assert names == {"pets___get_pets", "pets___CreatePet"}


def test_missing_s3_object_fails_the_target_with_the_reason(
    server: GatewrightProcess, moto: MotoServer, unique_name: str
) -> None:
    control = server.control()
    _put(moto, "other.json", "{}")
    gateway = create_gateway(control, unique_name)
    uri = f"s3://{BUCKET}/{unique_name}/missing.json"
    target = create_target(control, gateway["gatewayId"], "pets", {"openApiSchema": {"s3": {"uri": uri}}})
    assert target["status"] == "FAILED"
    assert any(uri in reason for reason in target["statusReasons"]), target["statusReasons"]


def _sync(control: Any, gateway_id: str, target_id: str) -> dict[str, Any]:
    control.synchronize_gateway_targets(gatewayIdentifier=gateway_id, targetIdList=[target_id])
    return wait_status(lambda: control.get_gateway_target(gatewayIdentifier=gateway_id, targetId=target_id))
