"""The AgentCore control plane with an unchanged boto3 client against a real gatewright process.

Every operation is checked for its HTTP status (202 where the model says so), field names and types,
identifier formats, ARNs, the gateway URL, and the asynchronous status lifecycle.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from support.aws import signed_request, status_of, wait_gone
from support.gateway import ROLE, GatewrightProcess, create_gateway, create_target, rpc, wait_status
from support.specs import petstore
from support.upstream import Upstream

ACCOUNT, REGION = "123456789012", "us-east-1"
ISO_MILLIS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _recent(value: Any) -> None:
    assert isinstance(value, datetime), value
    assert value.tzinfo is not None
    assert abs(datetime.now(UTC) - value) < timedelta(minutes=5)


def _inline(spec: dict[str, Any]) -> dict[str, Any]:
    return {"mcp": {"openApiSchema": {"inlinePayload": json.dumps(spec)}}}


def test_gateway_lifecycle(gatewright: GatewrightProcess, control: Any, unique_name: str) -> None:
    name = unique_name.upper()[:1] + unique_name[1:]  # ids are lower-cased names
    created = control.create_gateway(
        name=name, roleArn=ROLE, protocolType="MCP", authorizerType="NONE", description="first"
    )
    assert status_of(created) == 202
    gateway_id = created["gatewayId"]
    assert re.fullmatch(re.escape(name.lower()) + r"-[0-9a-z]{10}", gateway_id), gateway_id
    assert created["gatewayArn"] == f"arn:aws:bedrock-agentcore:{REGION}:{ACCOUNT}:gateway/{gateway_id}"
    assert created["gatewayUrl"] == f"{gatewright.url}/gw/{gateway_id}/mcp"
    assert created["status"] == "CREATING"
    assert created["statusReasons"] == []
    assert (created["name"], created["description"], created["roleArn"]) == (name, "first", ROLE)
    assert (created["authorizerType"], created["protocolType"]) == ("NONE", "MCP")
    assert created["workloadIdentityDetails"]["workloadIdentityArn"].startswith(
        f"arn:aws:bedrock-agentcore:{REGION}:{ACCOUNT}:workload-identity-directory/"
    )
    _recent(created["createdAt"])
    _recent(created["updatedAt"])

    got = control.get_gateway(gatewayIdentifier=gateway_id)
    assert status_of(got) == 200
    ready = wait_status(lambda: control.get_gateway(gatewayIdentifier=gateway_id))
    assert ready["status"] == "READY"
    assert ready["createdAt"] == created["createdAt"]
    # The URL is this server's MCP endpoint for the gateway.
    listed = rpc(ready["gatewayUrl"], "tools/list")
    assert listed.status_code == 200
    assert listed.json()["result"]["tools"] == []

    updated = control.update_gateway(
        gatewayIdentifier=gateway_id, name=name, roleArn=ROLE, authorizerType="NONE", description="second"
    )
    assert status_of(updated) == 202
    assert updated["status"] == "UPDATING"
    assert updated["description"] == "second"
    assert updated["gatewayId"] == gateway_id
    after = wait_status(lambda: control.get_gateway(gatewayIdentifier=gateway_id))
    assert after["status"] == "READY"
    assert after["description"] == "second"
    assert after["updatedAt"] > after["createdAt"]

    deleted = control.delete_gateway(gatewayIdentifier=gateway_id)
    assert status_of(deleted) == 202
    assert (deleted["gatewayId"], deleted["status"]) == (gateway_id, "DELETING")
    wait_gone(lambda: control.get_gateway(gatewayIdentifier=gateway_id))
    assert (
        requests.post(ready["gatewayUrl"], json={"jsonrpc": "2.0", "id": 1, "method": "ping"}, timeout=10).status_code
        == 404
    )


def test_list_gateways_summaries(control: Any, unique_name: str) -> None:
    gateway = create_gateway(control, unique_name, description="listed")
    listed = control.list_gateways(maxResults=1000)
    assert status_of(listed) == 200
    mine = [g for g in listed["items"] if g["gatewayId"] == gateway["gatewayId"]]
    assert len(mine) == 1
    summary = mine[0]
    assert set(summary) == {
        "gatewayId",
        "name",
        "status",
        "description",
        "createdAt",
        "updatedAt",
        "authorizerType",
        "protocolType",
    }
    assert (summary["name"], summary["status"], summary["description"]) == (unique_name, "READY", "listed")
    assert (summary["authorizerType"], summary["protocolType"]) == ("NONE", "MCP")
    _recent(summary["createdAt"])


def test_target_lifecycle(control: Any, upstream: Upstream, unique_name: str) -> None:
    gateway = create_gateway(control, unique_name)
    gateway_id = gateway["gatewayId"]
    created = control.create_gateway_target(
        gatewayIdentifier=gateway_id,
        name="pets",
        description="the pet store",
        targetConfiguration=_inline(petstore(upstream.url)),
    )
    assert status_of(created) == 202
    target_id = created["targetId"]
    assert re.fullmatch(r"[0-9A-Z]{10}", target_id), target_id
    assert created["gatewayArn"] == gateway["gatewayArn"]
    assert created["status"] == "CREATING"
    assert (created["name"], created["description"], created["protocolType"]) == ("pets", "the pet store", "MCP")
    _recent(created["createdAt"])

    def get() -> dict[str, Any]:
        response: dict[str, Any] = control.get_gateway_target(gatewayIdentifier=gateway_id, targetId=target_id)
        return response

    assert status_of(get()) == 200
    ready = wait_status(get)
    assert ready["status"] == "READY", ready["statusReasons"]
    assert ready["targetConfiguration"] == created["targetConfiguration"]

    listed = control.list_gateway_targets(gatewayIdentifier=gateway_id)
    assert status_of(listed) == 200
    (summary,) = listed["items"]
    assert summary["targetId"] == target_id
    assert (summary["name"], summary["status"], summary["description"]) == ("pets", "READY", "the pet store")
    assert summary["targetType"] == "OPEN_API_SCHEMA"
    _recent(summary["updatedAt"])

    updated = control.update_gateway_target(
        gatewayIdentifier=gateway_id,
        targetId=target_id,
        name="pets",
        description="renamed description",
        targetConfiguration=_inline(petstore(upstream.url)),
    )
    assert status_of(updated) == 202
    assert updated["status"] == "UPDATING"
    after_update = wait_status(get)
    assert (after_update["status"], after_update["description"]) == ("READY", "renamed description")

    synced = control.synchronize_gateway_targets(gatewayIdentifier=gateway_id, targetIdList=[target_id])
    assert status_of(synced) == 202
    assert [t["targetId"] for t in synced["targets"]] == [target_id]
    assert synced["targets"][0]["status"] == "SYNCHRONIZING"
    after_sync = wait_status(get)
    assert after_sync["status"] == "READY"
    _recent(after_sync["lastSynchronizedAt"])

    deleted = control.delete_gateway_target(gatewayIdentifier=gateway_id, targetId=target_id)
    assert status_of(deleted) == 202
    assert (deleted["targetId"], deleted["status"], deleted["gatewayArn"]) == (
        target_id,
        "DELETING",
        gateway["gatewayArn"],
    )
    wait_gone(get)
    assert control.list_gateway_targets(gatewayIdentifier=gateway_id)["items"] == []
    assert status_of(control.delete_gateway(gatewayIdentifier=gateway_id)) == 202


def test_a_spec_without_usable_operations_fails_the_target_with_reasons(control: Any, unique_name: str) -> None:
    gateway = create_gateway(control, unique_name)
    empty = {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {}}
    created = control.create_gateway_target(
        gatewayIdentifier=gateway["gatewayId"], name="empty", targetConfiguration=_inline(empty)
    )
    assert status_of(created) == 202
    failed = wait_status(
        lambda: control.get_gateway_target(gatewayIdentifier=gateway["gatewayId"], targetId=created["targetId"])
    )
    assert failed["status"] == "FAILED"
    assert failed["statusReasons"], "a failed target says why"
    assert all(isinstance(r, str) and r for r in failed["statusReasons"])

    broken = control.create_gateway_target(
        gatewayIdentifier=gateway["gatewayId"],
        name="broken",
        targetConfiguration={"mcp": {"openApiSchema": {"inlinePayload": "openapi: [3.0"}}},
    )
    failed = wait_status(
        lambda: control.get_gateway_target(gatewayIdentifier=gateway["gatewayId"], targetId=broken["targetId"])
    )
    assert failed["status"] == "FAILED"
    assert failed["statusReasons"]


def test_timestamps_on_the_wire_are_iso8601(gatewright: GatewrightProcess, control: Any, unique_name: str) -> None:
    gateway = create_gateway(control, unique_name)
    url = f"{gatewright.url}/gateways/{gateway['gatewayId']}/"
    raw = signed_request("GET", url, b"", gatewright.credentials())
    assert raw.status_code == 200
    assert raw.headers["content-type"] == "application/json"
    assert raw.headers["x-amzn-requestid"]
    body = raw.json()
    assert ISO_MILLIS.match(body["createdAt"]), body["createdAt"]
    assert ISO_MILLIS.match(body["updatedAt"]), body["updatedAt"]
    # The model's URIs end in '/'; the form without the slash is the same resource.
    bare = signed_request("GET", url.rstrip("/"), b"", gatewright.credentials())
    assert bare.status_code == 200
    assert bare.json()["gatewayId"] == gateway["gatewayId"]


def test_replayed_and_stored_timestamps_keep_the_wire_format(
    gatewright: GatewrightProcess, control: Any, upstream: Upstream, unique_name: str
) -> None:
    creds = gatewright.credentials()
    body = json.dumps({"name": unique_name, "roleArn": ROLE, "authorizerType": "NONE", "clientToken": "c" * 40})
    first = signed_request("POST", f"{gatewright.url}/gateways/", body.encode(), creds).json()
    replay = signed_request("POST", f"{gatewright.url}/gateways/", body.encode(), creds).json()
    assert replay["createdAt"] == first["createdAt"]
    assert ISO_MILLIS.match(replay["createdAt"]), replay["createdAt"]
    gateway = wait_status(lambda: control.get_gateway(gatewayIdentifier=first["gatewayId"]))
    target = create_target(control, gateway["gatewayId"], "pets", _inline(petstore(upstream.url))["mcp"])
    control.synchronize_gateway_targets(gatewayIdentifier=gateway["gatewayId"], targetIdList=[target["targetId"]])
    wait_status(lambda: control.get_gateway_target(gatewayIdentifier=gateway["gatewayId"], targetId=target["targetId"]))
    url = f"{gatewright.url}/gateways/{gateway['gatewayId']}/targets/{target['targetId']}/"
    synced = signed_request("GET", url, b"", creds).json()
    assert ISO_MILLIS.match(synced["lastSynchronizedAt"]), synced["lastSynchronizedAt"]


def test_gateway_ids_from_names_stay_unique(control: Any, unique_name: str) -> None:
    first = create_gateway(control, unique_name + "-a")
    second = create_gateway(control, unique_name + "-b")
    assert first["gatewayId"] != second["gatewayId"]
    assert first["gatewayId"].startswith(unique_name + "-a-")
