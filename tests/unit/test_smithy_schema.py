"""Smithy models as tools: schemas, names, annotations, what is skipped, and the model's corner cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gatewright.catalog.validation import ArgumentError, compile_validator
from gatewright.targets.base import BuildError, ToolSpec
from gatewright.targets.smithy.convert import import_model
from gatewright.targets.smithy.docs import html_to_text, shorten

JSON = dict[str, Any]
NS = "example.shop#"
MODELS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "smithy"


def model(shapes: JSON, *, protocol: str = "aws.protocols#awsJson1_0", operations: list[str] | None = None) -> JSON:
    service = {
        "type": "service",
        "version": "2024-01-01",
        "operations": [{"target": NS + op} for op in (operations or [])],
        "traits": {
            protocol: {},
            "aws.api#service": {"sdkId": "Shop", "endpointPrefix": "shop"},
            "aws.auth#sigv4": {"name": "shop"},
        },
    }
    return {"smithy": "2.0", "shapes": {NS + "Shop": service, **{NS + k: v for k, v in shapes.items()}}}


def op(input_name: str | None, **traits: Any) -> JSON:
    shape: JSON = {"type": "operation", "traits": traits}
    if input_name:
        shape["input"] = {"target": NS + input_name}
    return shape


def member(target: str, **traits: Any) -> JSON:
    full = target if "#" in target else NS + target
    return {"target": full, "traits": {f"smithy.api#{k}": v for k, v in traits.items()}}


def tools_of(doc: JSON, name: str = "shop", max_tools: int = 1000) -> dict[str, ToolSpec]:
    return {t.name: t for t in import_model(doc, target_name=name, max_tools=max_tools).tools}


SHAPES: JSON = {
    "PutOrder": op(
        "PutOrderInput", **{"smithy.api#documentation": "<p>Stores an <b>order</b>.</p><ul><li>one</li></ul>"}
    ),
    "GetOrder": op("GetOrderInput", **{"smithy.api#readonly": {}}),
    "DeleteOrder": op(None, **{"smithy.api#idempotent": {}}),
    "PutOrderInput": {
        "type": "structure",
        "members": {
            "Id": member("smithy.api#String", required={}, length={"min": 1, "max": 8}, pattern="^[^$]+$"),
            "Lines": member("Lines", required={}),
            "Tags": member("Tags"),
            "Status": member("Status"),
            "Priority": member("Priority"),
            "Photo": member("smithy.api#Blob"),
            "When": member("smithy.api#Timestamp"),
            "Payment": member("Payment"),
            "Token": member("smithy.api#String", idempotencyToken={}, required={}),
            "Count": member("smithy.api#Integer", range={"min": 1, "max": 5}, default=1),
            "Legacy": member("LegacyEnum"),
            "Extra": member("smithy.api#Document"),
            "Node": member("Node"),
        },
    },
    "GetOrderInput": {"type": "structure", "members": {"Id": member("smithy.api#String", required={})}},
    "Lines": {"type": "list", "member": member("Line")},
    "Line": {
        "type": "structure",
        "members": {"Sku": member("smithy.api#String", required={}), "Qty": member("smithy.api#Long")},
    },
    "Tags": {"type": "map", "key": member("smithy.api#String"), "value": member("smithy.api#String")},
    "Status": {
        "type": "enum",
        "members": {
            "NEW": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "new"}},
            "DONE": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "done"}},
        },
    },
    "Priority": {
        "type": "intEnum",
        "members": {
            "LOW": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": 1}},
            "HIGH": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": 9}},
        },
    },
    "Payment": {
        "type": "union",
        "members": {"Card": member("smithy.api#String"), "Cash": member("smithy.api#Boolean")},
    },
    "LegacyEnum": {"type": "string", "traits": {"smithy.api#enum": [{"value": "a"}, {"value": "b"}]}},
    "Node": {
        "type": "structure",
        "traits": {"smithy.api#documentation": "A tree node."},
        "members": {"Children": member("NodeList"), "Label": member("smithy.api#String")},
    },
    "NodeList": {"type": "list", "member": member("Node")},
}


def test_input_structures_become_json_schema() -> None:
    tools = tools_of(model(SHAPES, operations=["PutOrder", "GetOrder", "DeleteOrder"]))
    assert sorted(tools) == ["DeleteOrder", "GetOrder", "PutOrder"]
    put = tools["PutOrder"]
    assert put.description == "Stores an order.\n- one"
    schema = put.input_schema
    props = schema["properties"]
    assert schema["required"] == ["Id", "Lines"]  # the idempotency token is filled in by the gateway
    assert schema["additionalProperties"] is False
    assert props["Id"] == {"type": "string", "minLength": 1, "maxLength": 8, "pattern": "^[^$]+$"}
    assert props["Lines"]["items"]["required"] == ["Sku"]
    assert props["Lines"]["items"]["properties"]["Qty"] == {"type": "integer"}
    assert props["Tags"] == {"type": "object", "additionalProperties": {"type": "string"}}
    assert props["Status"] == {"type": "string", "enum": ["new", "done"]}
    assert props["Priority"] == {"type": "integer", "enum": [1, 9]}
    assert props["Photo"] == {"type": "string", "contentEncoding": "base64"}
    assert props["When"] == {"type": "string", "format": "date-time"}
    assert props["Payment"]["minProperties"] == props["Payment"]["maxProperties"] == 1
    assert props["Token"]["description"] == "Generated by the gateway when omitted."
    assert props["Count"] == {"type": "integer", "minimum": 1, "maximum": 5, "default": 1}
    assert props["Legacy"] == {"type": "string", "enum": ["a", "b"]}
    assert props["Extra"] == {}
    assert props["Node"] == {"$ref": "#/$defs/Node"}
    node = schema["$defs"]["Node"]
    assert node["description"] == "A tree node."
    assert node["properties"]["Children"] == {"type": "array", "items": {"$ref": "#/$defs/Node"}}
    assert tools["GetOrder"].annotations == {"readOnlyHint": True}
    assert tools["DeleteOrder"].annotations == {"idempotentHint": True}
    assert tools["DeleteOrder"].input_schema == {"type": "object", "properties": {}, "additionalProperties": False}


def test_the_gateway_validates_against_the_schema() -> None:
    schema = tools_of(model(SHAPES, operations=["PutOrder"]))["PutOrder"].input_schema
    check = compile_validator(schema)
    good = {"Id": "A1", "Lines": [{"Sku": "x"}], "Node": {"Children": [{"Label": "leaf", "Children": []}]}}
    check(good)
    with pytest.raises(ArgumentError):
        check(good | {"Payment": {"Card": "4", "Cash": True}})
    with pytest.raises(ArgumentError):
        check(good | {"Node": {"Children": [{"Nope": 1}]}})
    with pytest.raises(ArgumentError):
        check(good | {"Id": "$1"})


def test_operations_bound_through_resources_mixins_and_apply() -> None:
    shapes: JSON = {
        "Order": {"type": "resource", "read": {"target": NS + "ReadOrder"}, "operations": [{"target": NS + "Ship"}]},
        "ReadOrder": op("ReadInput"),
        "Ship": op(None),
        "ReadInput": {
            "type": "structure",
            "mixins": [{"target": NS + "Paged"}],
            "members": {"Id": member("smithy.api#String")},
        },
        "Paged": {
            "type": "structure",
            "traits": {"smithy.api#mixin": {}},
            "members": {"Next": member("smithy.api#String")},
        },
        "ReadInput$Id": {"type": "apply", "traits": {"smithy.api#required": {}}},
    }
    doc = model(shapes)
    doc["shapes"][NS + "Shop"]["resources"] = [{"target": NS + "Order"}]
    tools = tools_of(doc)
    assert sorted(tools) == ["ReadOrder", "Ship"]
    schema = tools["ReadOrder"].input_schema
    assert sorted(schema["properties"]) == ["Id", "Next"]
    assert schema["required"] == ["Id"]


def test_names_fit_in_64_characters_with_the_prefix() -> None:
    long_op = "Get" + "VeryLong" * 8
    tools = tools_of(model({long_op: op(None)}, operations=[long_op]), name="a" * 30)
    (name,) = tools
    assert len("a" * 30 + "___" + name) <= 64
    assert name.startswith("GetVeryLong")
    assert name == next(iter(tools_of(model({long_op: op(None)}, operations=[long_op]), name="a" * 30)))


def test_what_cannot_be_a_tool_is_skipped_with_a_reason() -> None:
    shapes: JSON = {
        "Watch": op("WatchInput"),
        "Plain": op(None),
        "Other": op(None),
        "WatchInput": {"type": "structure", "members": {"Events": member("Stream")}},
        "Stream": {
            "type": "union",
            "traits": {"smithy.api#streaming": {}},
            "members": {"A": member("smithy.api#String")},
        },
    }
    artifact = import_model(model(shapes, operations=["Watch", "Plain", "Other"]), target_name="t", max_tools=1)
    assert [t.name for t in artifact.tools] == ["Other"]
    assert artifact.notes == [
        "Plain skipped: over the limit of 1 tools (GATEWRIGHT_MAX_TOOLS_PER_TARGET)",
        "Watch skipped: event streams are not supported",
    ]


def test_models_that_cannot_be_used_fail_with_reasons() -> None:
    with pytest.raises(BuildError, match="no supported protocol"):
        import_model(
            model({"A": op(None)}, protocol="aws.protocols#restXml", operations=["A"]), target_name="t", max_tools=9
        )
    with pytest.raises(BuildError, match="exactly one service"):
        import_model({"smithy": "2.0", "shapes": {"a#B": {"type": "structure"}}}, target_name="t", max_tools=9)
    with pytest.raises(BuildError, match=r"version 3\.0"):
        import_model({"smithy": "3.0", "shapes": {"a#B": {"type": "structure"}}}, target_name="t", max_tools=9)
    with pytest.raises(BuildError, match="@http"):
        import_model(
            model({"A": op(None)}, protocol="aws.protocols#restJson1", operations=["A"]), target_name="t", max_tools=9
        )


def test_documentation_html_becomes_text() -> None:
    html = "<fullname>Amazon X</fullname><p>Use <code>Get</code> &amp; more.</p>\n<ul><li><p>a</p></li><li>b</li></ul>"
    assert html_to_text(html) == "Use Get & more.\n- a\n- b"
    assert shorten("First sentence here. Second one is long.", 30) == "First sentence here. …"
    assert shorten("One. Two three four five.", 12) == "One. Two…"
    assert shorten("abcdefghij klm", 12) == "abcdefghij…"


@pytest.mark.parametrize(
    ("file", "tools", "protocol"),
    [
        ("dynamodb-2012-08-10.json", 57, "awsJson1_0"),
        ("sqs-2012-11-05.json", 23, "awsJson1_0"),
        ("secrets-manager-2017-10-17.json", 23, "awsJson1_1"),
        ("lambda-2015-03-31.json", 67, "restJson1"),
        ("api-gateway-2015-07-09.json", 124, "restJson1"),
    ],
)
def test_awss_official_models(file: str, tools: int, protocol: str) -> None:
    path = MODELS / file
    if not path.is_file():
        pytest.skip(f"{path} is not available")
    artifact = import_model(json.loads(path.read_text()), target_name="svc", max_tools=1000)
    assert len(artifact.tools) == tools
    assert artifact.data["protocol"] == protocol
    for tool in artifact.tools:
        assert len("svc___" + tool.name) <= 64
        validator = compile_validator(tool.input_schema)
        assert validator.__doc__ is None, (tool.name, validator.__doc__)  # every schema compiles
        assert "<p>" not in tool.description
