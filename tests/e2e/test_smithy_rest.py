"""A non-AWS restJson1 Smithy model with OAuth outbound auth, called on an echo upstream that reports the wire.

The model binds members to labels (greedy too), query strings, headers, prefix headers and the payload; the
upstream answers with what it received, so the test sees the request gatewright built. The endpoint comes from
``AWS_ENDPOINT_URL_FILES`` (the model's sdkId is ``Files``); the token from the built-in OAuth issuer.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from support.gateway import GatewrightProcess, create_gateway, create_target, start_gatewright, stop_gatewright
from support.identity import create_client, oauth_auth, oauth_provider
from support.mcp import call_tool
from support.upstream import Upstream

NS = "example.files#"


def member(target: str, **traits: Any) -> dict[str, Any]:
    return {
        "target": target if "#" in target else NS + target,
        "traits": {f"smithy.api#{k}": v for k, v in traits.items()},
    }


MODEL = {
    "smithy": "2.0",
    "shapes": {
        NS + "Files": {
            "type": "service",
            "version": "2024-01-01",
            "operations": [{"target": NS + "PutFile"}],
            "traits": {"aws.protocols#restJson1": {}, "aws.api#service": {"sdkId": "Files"}},
        },
        NS + "PutFile": {
            "type": "operation",
            "input": {"target": NS + "PutFileInput"},
            "output": {"target": NS + "PutFileOutput"},
            "traits": {
                "smithy.api#http": {"method": "PUT", "uri": "/buckets/{Bucket}/files/{Key+}"},
                "smithy.api#idempotent": {},
                "smithy.api#documentation": "<p>Stores a <i>file</i>.</p>",
            },
        },
        NS + "PutFileInput": {
            "type": "structure",
            "members": {
                "Bucket": member("smithy.api#String", httpLabel={}, required={}),
                "Key": member("smithy.api#String", httpLabel={}, required={}),
                "Tags": member("Tags", httpQuery="tag"),
                "Since": member("smithy.api#Timestamp", httpHeader="X-Since"),
                "Meta": member("Meta", httpPrefixHeaders="X-Meta-"),
                "Body": member("smithy.api#Blob", httpPayload={}),
            },
        },
        NS + "PutFileOutput": {
            "type": "structure",
            "members": {"Method": member("smithy.api#String", jsonName="method")},
        },
        NS + "Tags": {"type": "list", "member": member("smithy.api#String")},
        NS + "Meta": {"type": "map", "key": member("smithy.api#String"), "value": member("smithy.api#String")},
    },
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, upstream: Upstream) -> Iterator[GatewrightProcess]:
    env = {"AWS_ENDPOINT_URL_FILES": f"{upstream.url}/echo"}
    server = start_gatewright(tmp_path_factory.mktemp("gatewright-smithy-rest"), env)
    yield server
    stop_gatewright(server)


def test_rest_json1_on_the_wire_with_oauth(server: GatewrightProcess) -> None:
    control = server.control()
    client = create_client(server, ["files/write"])
    arn = oauth_provider(control, client.client_id, client.client_secret, discoveryUrl=client.discovery_url)
    gateway = create_gateway(control, "smithyrest", exceptionLevel="DEBUG")
    target = create_target(
        control,
        gateway["gatewayId"],
        "files",
        {"smithyModel": {"inlinePayload": json.dumps(MODEL)}},
        credentialProviderConfigurations=oauth_auth(arn, ["files/write"]),
    )
    assert target["status"] == "READY", target
    arguments = {
        "Bucket": "my bucket",
        "Key": "docs/a b.txt",
        "Tags": ["x", "y&z"],
        "Since": "2024-01-31T12:00:00Z",
        "Meta": {"owner": "me"},
        "Body": base64.b64encode(b"hello").decode(),
    }
    result = call_tool(gateway["gatewayUrl"], "files___PutFile", arguments)
    assert result["isError"] is False, result
    seen = result["structuredContent"]
    assert seen["method"] == "PUT"
    assert seen["path"] == "/echo/buckets/my%20bucket/files/docs/a%20b.txt"
    assert seen["query"] == "tag=x&tag=y%26z"
    assert seen["headers"]["x-since"] == "Wed, 31 Jan 2024 12:00:00 GMT"
    assert seen["headers"]["x-meta-owner"] == "me"
    assert seen["headers"]["content-type"] == "application/octet-stream"
    assert seen["headers"]["authorization"].startswith("Bearer ")
    assert seen["body"] == "hello"


def test_oauth_or_iam_with_a_signing_name(server: GatewrightProcess) -> None:
    control = server.control()
    gateway = create_gateway(control, "smithynosig")
    failed = create_target(
        control,
        gateway["gatewayId"],
        "files",
        {"smithyModel": {"inlinePayload": json.dumps(MODEL)}},
        credentialProviderConfigurations=[{"credentialProviderType": "GATEWAY_IAM_ROLE"}],
    )
    assert failed["status"] == "FAILED"
    assert "aws.auth#sigv4" in failed["statusReasons"][0]
