"""Argument validation against a tool's inputSchema, compiled once per tool on first use.

fastjsonschema generates Python code per schema: checks cost microseconds on the call path. The schema
is first made safe and portable for the gateway's own check:

* ``format`` is dropped (an annotation by default in JSON Schema 2020-12; enforcing it would refuse
  values the upstream accepts);
* a ``pattern`` that Python's ``re`` cannot compile (ECMA-262 ``\\p{L}``) is dropped here, but stays in
  the schema clients see;
* a ``$ref`` that is not local (``#...``) becomes ``{}``: the gateway never fetches a schema from the
  network while validating.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import fastjsonschema

Validator = Callable[[Any], None]


class ArgumentError(Exception):
    """Arguments that do not match the schema; the message names the argument."""


def _safe(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "format" and isinstance(value, str):
                continue
            if key == "pattern" and isinstance(value, str):
                try:
                    re.compile(value)
                except re.error:
                    continue
            if key == "$ref" and isinstance(value, str) and not value.startswith("#"):
                continue
            out[key] = _safe(value)
        return out
    if isinstance(node, list):
        return [_safe(v) for v in node]
    return node


def _where(exc: fastjsonschema.JsonSchemaValueException) -> str:
    name = exc.name or "data"
    if name == "data":
        return "arguments"
    return name.removeprefix("data.").removeprefix("data")


def compile_validator(schema: dict[str, Any]) -> Validator:
    try:
        check = fastjsonschema.compile(_safe(schema), handlers={}, formats={}, use_default=False)
    except Exception as exc:  # noqa: BLE001 - fastjsonschema raises several types for odd schemas
        # A schema the validator cannot compile must not make the tool uncallable: the upstream checks.
        reason = str(exc)

        def unchecked(arguments: Any) -> None:
            if not isinstance(arguments, dict):
                raise ArgumentError("arguments must be an object")

        unchecked.__doc__ = f"schema not compiled: {reason}"
        return unchecked

    def validate(arguments: Any) -> None:
        try:
            check(arguments)
        except fastjsonschema.JsonSchemaValueException as exc:
            message = exc.message.replace("data.", "").replace("data ", "arguments ")
            raise ArgumentError(f"Invalid argument '{_where(exc)}': {message}") from None

    return validate
