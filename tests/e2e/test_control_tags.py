"""Tags on gateways: given at creation or later, listed, removed; ARNs with '/' travel percent-encoded."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from support.gateway import create_gateway


def test_tags_round_trip(control: Any, unique_name: str) -> None:
    gateway = create_gateway(control, unique_name, tags={"team": "tests"})
    arn = gateway["gatewayArn"]
    assert control.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "tests"}
    control.tag_resource(resourceArn=arn, tags={"env": "dev", "team": "platform"})
    assert control.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "platform", "env": "dev"}
    control.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert control.list_tags_for_resource(resourceArn=arn)["tags"] == {"env": "dev"}


def test_unknown_resource_is_not_found(control: Any) -> None:
    arn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/nope-abcdefghij"
    with pytest.raises(ClientError) as error:
        control.list_tags_for_resource(resourceArn=arn)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
