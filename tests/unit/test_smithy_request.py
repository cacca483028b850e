"""Smithy calls on the wire: awsJson and restJson1 requests, and responses as tool results."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from gatewright.targets.base import Artifact, TargetError
from gatewright.targets.smithy.convert import import_model
from gatewright.targets.smithy.request import aws_json_request, rest_json_request, with_tokens
from gatewright.targets.smithy.response import error_code, to_result
from gatewright.upstream.http import UpstreamResponse

JSON = dict[str, Any]
NS = "example.files#"


def member(target: str, **traits: Any) -> JSON:
    full = target if "#" in target else NS + target
    return {"target": full, "traits": {f"smithy.api#{k}": v for k, v in traits.items()}}


def service_model(protocol: str, shapes: JSON, operations: list[str]) -> JSON:
    service = {
        "type": "service",
        "version": "1",
        "operations": [{"target": NS + o} for o in operations],
        "traits": {protocol: {}, "aws.api#service": {"sdkId": "Files"}, "aws.auth#sigv4": {"name": "files"}},
    }
    return {"smithy": "2.0", "shapes": {NS + "Files_2024": service, **{NS + k: v for k, v in shapes.items()}}}


STAMP = "2024-01-31T12:00:00Z"
EPOCH = 1706702400

REST: JSON = {
    "PutFile": {
        "type": "operation",
        "input": {"target": NS + "PutFileInput"},
        "output": {"target": NS + "PutFileOutput"},
        "traits": {"smithy.api#http": {"method": "PUT", "uri": "/buckets/{Bucket}/files/{Key+}?upload", "code": 200}},
    },
    "PutFileInput": {
        "type": "structure",
        "members": {
            "Bucket": member("smithy.api#String", httpLabel={}, required={}),
            "Key": member("smithy.api#String", httpLabel={}, required={}),
            "Versions": member("Strings", httpQuery="v"),
            "Since": member("smithy.api#Timestamp", httpQuery="since"),
            "Extra": member("QueryMap", httpQueryParams={}),
            "Tags": member("Strings", httpHeader="X-Tags"),
            "Expires": member("smithy.api#Timestamp", httpHeader="Expires"),
            "Policy": member("JsonText", httpHeader="X-Policy"),
            "Meta": member("Meta", httpPrefixHeaders="X-Meta-"),
            "Body": member("smithy.api#Blob", httpPayload={}),
        },
    },
    "PutFileOutput": {
        "type": "structure",
        "members": {
            "ETag": member("smithy.api#String", httpHeader="ETag"),
            "Size": member("smithy.api#Long", httpHeader="X-Size"),
            "Status": member("smithy.api#Integer", httpResponseCode={}),
            "Saved": member("smithy.api#Boolean"),
        },
    },
    "Describe": {
        "type": "operation",
        "input": {"target": NS + "DescribeInput"},
        "traits": {"smithy.api#http": {"method": "POST", "uri": "/describe/{Id}"}},
    },
    "DescribeInput": {
        "type": "structure",
        "members": {
            "Id": member("smithy.api#Integer", httpLabel={}, required={}),
            "Filter": member("Filter", jsonName="filter"),
            "At": member("smithy.api#Timestamp"),
            "Token": member("smithy.api#String", idempotencyToken={}),
        },
    },
    "Filter": {"type": "structure", "members": {"After": member("smithy.api#Timestamp", jsonName="after")}},
    "Strings": {"type": "list", "member": member("smithy.api#String")},
    "QueryMap": {"type": "map", "key": member("smithy.api#String"), "value": member("smithy.api#String")},
    "Meta": {"type": "map", "key": member("smithy.api#String"), "value": member("smithy.api#String")},
    "JsonText": {"type": "string", "traits": {"smithy.api#mediaType": "application/json"}},
}


def build(protocol: str, shapes: JSON, operations: list[str]) -> Artifact:
    return import_model(service_model(protocol, shapes, operations), target_name="files", max_tools=100)


def test_rest_json1_bindings() -> None:
    artifact = build("aws.protocols#restJson1", REST, ["PutFile", "Describe"])
    binding, shapes = artifact.data["operations"]["PutFile"], artifact.data["shapes"]
    arguments = {
        "Bucket": "my bucket",
        "Key": "a/b c.txt",
        "Versions": ["1", "2"],
        "Since": STAMP,
        "Extra": {"v": "ignored: httpQuery wins", "x": "y&z"},
        "Tags": ["a", "b,c"],
        "Expires": STAMP,
        "Policy": '{"allow": true}',
        "Meta": {"owner": "me"},
        "Body": base64.b64encode(b"\x00raw").decode(),
    }
    request = rest_json_request(binding, shapes, "https://files.example", arguments)
    assert request.method == "PUT"
    assert request.url == (
        "https://files.example/buckets/my%20bucket/files/a/b%20c.txt?upload&v=1&v=2"
        "&since=2024-01-31T12%3A00%3A00Z&x=y%26z"
    )
    assert request.headers == {
        "X-Tags": 'a, "b,c"',
        "Expires": "Wed, 31 Jan 2024 12:00:00 GMT",
        "X-Policy": base64.b64encode(b'{"allow": true}').decode(),
        "X-Meta-owner": "me",
        "Content-Type": "application/octet-stream",
    }
    assert request.body == b"\x00raw"


def test_rest_json1_bodies_use_json_names_and_epoch_seconds() -> None:
    artifact = build("aws.protocols#restJson1", REST, ["PutFile", "Describe"])
    binding, shapes = artifact.data["operations"]["Describe"], artifact.data["shapes"]
    arguments = with_tokens({"Id": 7, "Filter": {"After": STAMP}, "At": EPOCH}, binding["tokens"])
    assert len(arguments["Token"]) == 36
    request = rest_json_request(binding, shapes, "http://h", arguments)
    assert (request.method, request.url) == ("POST", "http://h/describe/7")
    assert request.headers == {"Content-Type": "application/json"}
    assert json.loads(request.body or b"") == {"filter": {"after": EPOCH}, "At": EPOCH, "Token": arguments["Token"]}
    empty = rest_json_request(binding, shapes, "http://h", {"Id": 1})
    assert empty.body == b"{}"
    with pytest.raises(TargetError, match="Missing argument 'Id'"):
        rest_json_request(binding, shapes, "http://h", {})
    with pytest.raises(TargetError, match="ISO 8601"):
        rest_json_request(binding, shapes, "http://h", {"Id": 1, "At": "yesterday"})


def test_aws_json_requests() -> None:
    shapes = {
        "Get": {"type": "operation", "input": {"target": NS + "GetInput"}},
        "List": {"type": "operation"},
        "GetInput": {
            "type": "structure",
            "members": {"Name": member("smithy.api#String"), "At": member("smithy.api#Timestamp")},
        },
    }
    artifact = build("aws.protocols#awsJson1_1", shapes, ["Get", "List"])
    ops = artifact.data["operations"]
    request = aws_json_request(
        ops["Get"], artifact.data["shapes"], "1.1", "https://files.example", {"Name": "n", "At": STAMP}
    )
    assert (request.method, request.url) == ("POST", "https://files.example/")
    assert request.headers == {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "Files_2024.Get"}
    assert json.loads(request.body or b"") == {"Name": "n", "At": EPOCH}
    listing = aws_json_request(ops["List"], artifact.data["shapes"], "1.0", "http://h", {})
    assert (listing.headers["X-Amz-Target"], listing.body) == ("Files_2024.List", b"{}")


def _response(status: int, body: Any, headers: dict[str, str] | None = None) -> UpstreamResponse:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return UpstreamResponse(status, headers or {}, data)


def test_responses_become_results() -> None:
    artifact = build("aws.protocols#restJson1", REST, ["PutFile"])
    out = artifact.data["operations"]["PutFile"]["out"]
    ok = to_result(
        "Files",
        _response(201, {"Saved": True}, {"ETag": '"e1"', "X-Size": "12", "Content-Type": "text/html"}),
        out,
        "u",
    )
    assert ok.to_mcp() == {
        "isError": False,
        "content": [{"type": "text", "text": '{"Saved": true}'}],
        "structuredContent": {"Saved": True, "ETag": '"e1"', "Size": 12, "Status": 201},
    }
    with pytest.raises(TargetError) as raised:
        to_result(
            "Files", _response(404, {"message": "no such file"}, {"X-Amzn-ErrorType": "NoSuchFile:http://x/"}), out, "u"
        )
    assert raised.value.message == "Files returned NoSuchFile (HTTP 404)."
    assert raised.value.detail == "NoSuchFile: no such file"
    with pytest.raises(TargetError) as raised:
        to_result("Files", _response(500, b"<html>down</html>"), None, "u")
    assert raised.value.message == "Files returned an error (HTTP 500)."


@pytest.mark.parametrize(
    ("headers", "body", "code"),
    [
        ({"X-Amzn-ErrorType": "ValidationException:http://internal.amazon.com/"}, {}, "ValidationException"),
        ({}, {"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"}, "ResourceNotFoundException"),
        ({}, {"code": "Throttling"}, "Throttling"),
        ({}, None, None),
    ],
)
def test_error_codes_are_read_as_the_sdks_read_them(headers: dict[str, str], body: Any, code: str | None) -> None:
    assert error_code(headers, body) == code
