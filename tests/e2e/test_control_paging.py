"""Control plane: nextToken pagination, clientToken idempotency, conflicts and missing resources."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from support.aws import aws_error, field_names, status_of
from support.gateway import ROLE, create_gateway, openapi_target
from support.specs import petstore
from support.upstream import Upstream


def _token() -> str:
    return uuid.uuid4().hex + uuid.uuid4().hex  # 64 characters: within the model's 33..256


def _spec(upstream: Upstream) -> dict[str, Any]:
    return {"mcp": {"openApiSchema": {"inlinePayload": json.dumps(petstore(upstream.url))}}}


@pytest.fixture
def five_targets(control: Any, upstream: Upstream, unique_name: str) -> tuple[str, list[str]]:
    gateway = create_gateway(control, unique_name)
    ids = [openapi_target(control, gateway["gatewayId"], f"t{i}", petstore(upstream.url))["targetId"] for i in range(5)]
    return gateway["gatewayId"], ids


def test_targets_page_with_next_token(control: Any, five_targets: tuple[str, list[str]]) -> None:
    gateway_id, ids = five_targets
    seen: list[str] = []
    pages = 0
    kwargs: dict[str, Any] = {"gatewayIdentifier": gateway_id, "maxResults": 2}
    while True:
        page = control.list_gateway_targets(**kwargs)
        assert status_of(page) == 200
        assert len(page["items"]) <= 2
        seen.extend(item["targetId"] for item in page["items"])
        pages += 1
        if "nextToken" not in page:
            break
        kwargs["nextToken"] = page["nextToken"]
    assert pages == 3
    assert sorted(seen) == sorted(ids)
    assert len(seen) == len(set(seen))


def test_boto3_paginators_walk_every_page(control: Any, five_targets: tuple[str, list[str]], unique_name: str) -> None:
    gateway_id, ids = five_targets
    paginator = control.get_paginator("list_gateway_targets")
    pages = list(paginator.paginate(gatewayIdentifier=gateway_id, PaginationConfig={"PageSize": 2}))
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    assert sorted(t["targetId"] for p in pages for t in p["items"]) == sorted(ids)

    mine = {create_gateway(control, f"{unique_name}p{i}")["gatewayId"] for i in range(3)}
    gateways = control.get_paginator("list_gateways").paginate(PaginationConfig={"PageSize": 2})
    walked = [g["gatewayId"] for page in gateways for g in page["items"]]
    assert len(walked) == len(set(walked)), "a gateway appeared on two pages"
    assert mine <= set(walked)
    assert len(walked) > 2, "more gateways than one page"


def test_a_bad_next_token_is_a_validation_error(control: Any, unique_name: str) -> None:
    with aws_error("ValidationException", 400) as error:
        control.list_gateways(nextToken="!!! not a token !!!")
    assert "nextToken" in field_names(error)


def test_client_token_replays_the_same_gateway(control: Any, unique_name: str) -> None:
    token = _token()
    params = {"name": unique_name, "roleArn": ROLE, "authorizerType": "NONE", "clientToken": token}
    first = control.create_gateway(**params)
    again = control.create_gateway(**params)
    assert status_of(again) == 202
    assert again["gatewayId"] == first["gatewayId"]
    assert again["gatewayArn"] == first["gatewayArn"]
    everything = [g for page in control.get_paginator("list_gateways").paginate() for g in page["items"]]
    assert [g["gatewayId"] for g in everything if g["name"] == unique_name] == [first["gatewayId"]]

    with aws_error("ValidationException", 400) as error:
        control.create_gateway(**params, description="other parameters")
    assert error["reason"] == "IdempotentParameterMismatchException"


def test_concurrent_retries_with_one_client_token_create_one_gateway(control: Any, unique_name: str) -> None:
    params = {"name": unique_name, "roleArn": ROLE, "authorizerType": "NONE", "clientToken": _token()}
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: control.create_gateway(**params), range(4)))
    assert len({r["gatewayId"] for r in results}) == 1
    assert all(status_of(r) == 202 for r in results)


def test_client_token_replays_the_same_target(control: Any, upstream: Upstream, unique_name: str) -> None:
    gateway = create_gateway(control, unique_name)
    token = _token()
    params = {"gatewayIdentifier": gateway["gatewayId"], "targetConfiguration": _spec(upstream), "clientToken": token}
    first = control.create_gateway_target(**params)  # no name: the gateway picks one
    again = control.create_gateway_target(**params)
    assert again["targetId"] == first["targetId"]
    assert again["name"] == first["name"]
    assert len(control.list_gateway_targets(gatewayIdentifier=gateway["gatewayId"])["items"]) == 1
    with aws_error("ValidationException", 400) as error:
        control.create_gateway_target(**params, description="different")
    assert error["reason"] == "IdempotentParameterMismatchException"
    # The token is scoped to its gateway.
    other = create_gateway(control, unique_name + "-b")
    elsewhere = control.create_gateway_target(**{**params, "gatewayIdentifier": other["gatewayId"]})
    assert elsewhere["targetId"] != first["targetId"]


def test_duplicate_names_conflict(control: Any, upstream: Upstream, unique_name: str) -> None:
    gateway = create_gateway(control, unique_name)
    with aws_error("ConflictException", 409) as error:
        control.create_gateway(name=unique_name, roleArn=ROLE, authorizerType="NONE")
    assert unique_name in error["Error"]["Message"]
    openapi_target(control, gateway["gatewayId"], "pets", petstore(upstream.url))
    with aws_error("ConflictException", 409):
        control.create_gateway_target(
            gatewayIdentifier=gateway["gatewayId"], name="pets", targetConfiguration=_spec(upstream)
        )
    # Target names are unique per gateway only.
    other = create_gateway(control, unique_name + "-b")
    assert openapi_target(control, other["gatewayId"], "pets", petstore(upstream.url))["status"] == "READY"


def test_a_gateway_with_targets_cannot_be_deleted(control: Any, upstream: Upstream, unique_name: str) -> None:
    gateway = create_gateway(control, unique_name)
    target = openapi_target(control, gateway["gatewayId"], "pets", petstore(upstream.url))
    with aws_error("ConflictException", 409) as error:
        control.delete_gateway(gatewayIdentifier=gateway["gatewayId"])
    assert "targets" in error["Error"]["Message"]
    assert control.get_gateway(gatewayIdentifier=gateway["gatewayId"])["status"] == "READY"
    control.delete_gateway_target(gatewayIdentifier=gateway["gatewayId"], targetId=target["targetId"])


def test_missing_resources_are_not_found(control: Any, upstream: Upstream, unique_name: str) -> None:
    missing = "nothing-here-abcdefghij"
    calls: list[Callable[[], Any]] = [
        lambda: control.get_gateway(gatewayIdentifier=missing),
        lambda: control.delete_gateway(gatewayIdentifier=missing),
        lambda: control.update_gateway(gatewayIdentifier=missing, name="x", roleArn=ROLE, authorizerType="NONE"),
        lambda: control.list_gateway_targets(gatewayIdentifier=missing),
        lambda: control.get_gateway_target(gatewayIdentifier=missing, targetId="ABCDEFGHIJ"),
    ]
    for call in calls:
        with aws_error("ResourceNotFoundException", 404) as error:
            call()
        assert error["Error"]["Message"]
    gateway = create_gateway(control, unique_name)
    other = create_gateway(control, unique_name + "-b")
    target = openapi_target(control, gateway["gatewayId"], "pets", petstore(upstream.url))
    # A target is found only through its own gateway.
    calls = [
        lambda: control.get_gateway_target(gatewayIdentifier=other["gatewayId"], targetId=target["targetId"]),
        lambda: control.delete_gateway_target(gatewayIdentifier=other["gatewayId"], targetId=target["targetId"]),
        lambda: control.get_gateway_target(gatewayIdentifier=gateway["gatewayId"], targetId="ABCDEFGHIJ"),
        lambda: control.synchronize_gateway_targets(
            gatewayIdentifier=gateway["gatewayId"], targetIdList=["ZZZZZZZZZZ"]
        ),
        lambda: control.update_gateway_target(
            gatewayIdentifier=gateway["gatewayId"],
            targetId="ABCDEFGHIJ",
            name="pets",
            targetConfiguration=_spec(upstream),
        ),
    ]
    for call in calls:
        with aws_error("ResourceNotFoundException", 404):
            call()
