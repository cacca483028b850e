"""A Smithy model as tools: one per operation of its service.

The tool is named after the operation (cut with a hash suffix when ``<target>___<name>`` would pass 64
characters), described by the operation's documentation, and annotated ``readOnlyHint`` for ``@readonly``
and ``idempotentHint`` for ``@idempotent``. Operations that cannot be called are skipped with a note in the
target's ``statusReasons``: event streams, an operation without ``@http`` in restJson1, and operations over
the per-target tool limit.
"""

from __future__ import annotations

from typing import Any

from gatewright.targets.base import Artifact, BuildError, ToolSpec
from gatewright.targets.names import fit, room_for
from gatewright.targets.smithy.docs import describe
from gatewright.targets.smithy.model import UNIT, Model, short_name
from gatewright.targets.smithy.plan import Planner
from gatewright.targets.smithy.schema import InputSchemas

JSON = dict[str, Any]
TOOL_DESCRIPTION_LIMIT = 4096


def _io(op: JSON, key: str) -> str | None:
    target = (op.get(key) or {}).get("target")
    return target if isinstance(target, str) and target != UNIT else None


def _event_stream(model: Model, shape_id: str | None) -> bool:
    if not shape_id or not model.has(shape_id):
        return False
    for member in (model.shape(shape_id).get("members") or {}).values():
        target = member.get("target", "")
        if model.has(target):
            shape = model.shape(target)
            if shape.get("type") == "union" and "smithy.api#streaming" in (shape.get("traits") or {}):
                return True
    return False


def _annotations(traits: JSON) -> JSON | None:
    out: JSON = {}
    if "smithy.api#readonly" in traits:
        out["readOnlyHint"] = True
    if "smithy.api#idempotent" in traits:
        out["idempotentHint"] = True
    return out or None


def _tokens(model: Model, input_id: str | None) -> list[str]:
    if not input_id or not model.has(input_id):
        return []
    members = model.shape(input_id).get("members") or {}
    return [n for n, m in members.items() if "smithy.api#idempotencyToken" in model.traits_of(m)]


def service_data(model: Model) -> JSON:
    service = model.service
    return {
        "name": service.name,
        "sdkId": service.sdk_id,
        "endpointPrefix": service.endpoint_prefix,
        "signingName": service.signing_name,
    }


def import_model(doc: JSON, *, target_name: str, max_tools: int) -> Artifact:
    model = Model(doc)
    protocol = model.service.protocol
    if protocol is None:
        found = sorted(t for t in model.service.traits if t.startswith("aws.protocols#"))
        raise BuildError(
            [
                f"the service {model.service.name} speaks no supported protocol "
                f"(restJson1, awsJson1_0, awsJson1_1); it has: {', '.join(found) or 'no protocol trait'}"
            ]
        )
    planner = Planner(model, json_names=protocol == "restJson1")
    schemas = InputSchemas(model)
    room = room_for(target_name)
    tools: list[ToolSpec] = []
    operations: JSON = {}
    notes: list[str] = []
    for op_id in model.operations():
        op = model.shape(op_id)
        name = short_name(op_id)
        input_id, output_id = _io(op, "input"), _io(op, "output")
        if _event_stream(model, input_id) or _event_stream(model, output_id):
            notes.append(f"{name} skipped: event streams are not supported")
            continue
        if len(tools) >= max_tools:
            notes.append(f"{name} skipped: over the limit of {max_tools} tools (GATEWRIGHT_MAX_TOOLS_PER_TARGET)")
            continue
        try:
            if protocol == "restJson1":
                binding = planner.rest_json(op_id, op, input_id, output_id)
            else:
                binding = planner.aws_json(op_id, input_id)
        except BuildError as exc:
            notes.extend(f"{name} skipped: {r}" for r in exc.reasons)
            continue
        binding["tokens"] = _tokens(model, input_id)
        tool_name = fit(name, room)
        n = 2
        while tool_name in operations:
            tool_name = fit(f"{name}_{n}", room)
            n += 1
        if tool_name != name:
            notes.append(f"{name} is named {tool_name}")
        traits = op.get("traits") or {}
        description = describe(traits.get("smithy.api#documentation"), TOOL_DESCRIPTION_LIMIT) or name
        tools.append(ToolSpec(tool_name, description, schemas.for_input(input_id), annotations=_annotations(traits)))
        operations[tool_name] = binding
    if not tools:
        raise BuildError(["the Smithy model has no operation that can be a tool", *notes])
    data = {"protocol": protocol, "service": service_data(model), "shapes": planner.shapes, "operations": operations}
    return Artifact(tools=tools, data=data, notes=notes)
