"""Argument validation against a tool's inputSchema, compiled once per tool on first use.

fastjsonschema generates Python code per schema: checks cost microseconds on the call path. The schema
is first made safe and portable for the gateway's own check:

* ``format`` is dropped (an annotation by default in JSON Schema 2020-12; enforcing it would refuse
  values the upstream accepts);
* a ``pattern`` that Python's ``re`` cannot compile (ECMA-262 ``\\p{L}``) is dropped here, but stays in
  the schema clients see; a ``$`` inside a character class is escaped first, because fastjsonschema turns
  every unescaped ``$`` into ``\\Z`` (which breaks ``[^$]``);
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
                usable = _usable_pattern(value)
                if usable is None:
                    continue
                out[key] = usable
                continue
            if key == "$ref" and isinstance(value, str) and not value.startswith("#"):
                continue
            out[key] = _safe(value)
        return out
    if isinstance(node, list):
        return [_safe(v) for v in node]
    return node


_DOLLAR = re.compile(r"(?<!\\)\$")  # what fastjsonschema rewrites to \Z


def _usable_pattern(pattern: str) -> str | None:
    """``pattern`` with ``$`` escaped inside character classes, or None when Python cannot use it."""
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        elif char == "$" and in_class:
            out.append("\\")
        out.append(char)
    fixed = "".join(out)
    try:
        re.compile(_DOLLAR.sub(r"\\Z", fixed))
    except re.error:
        return None
    return fixed


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
