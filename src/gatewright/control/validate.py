"""Validate request values against the botocore service model's shapes, as the AWS service does.

Checks required members, unions (exactly one member), types, string and collection lengths, numeric
ranges, enums and patterns, and collects every failure with the member's dotted path. Messages follow
AWS's wording ("Value 'x' at 'name' failed to satisfy constraint: ...").

Patterns are matched against the whole value. Smithy patterns are not implicitly anchored, but AWS
services match names such as ``([0-9a-zA-Z][-]?){1,48}`` against the whole value, and a partial match
would let through names with underscores (which would make the ``___`` tool-name separator ambiguous).
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from botocore.model import Shape

from gatewright.errors import FieldError, ValidationError

_MAX_REPORTED = 10
# Where gatewright accepts more than the AWS model: MCP server targets may also be http:// on a loopback host
# (a server beside the gateway; targets/mcp_server/config.py checks the host).
_PATTERN_OVERRIDES = {"McpServerTargetConfigurationEndpointString": r"https://.*|http://.*"}


@lru_cache(maxsize=512)
def _pattern(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:  # a Java/ECMA construct Python lacks: do not enforce rather than refuse everything
        return None


def _show(value: Any, sensitive: bool) -> str:
    if sensitive:
        return "***"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


class _Checker:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, path: str, value: Any, shape: Shape, constraint: str) -> None:
        sensitive = bool(shape.metadata.get("sensitive"))
        message = f"Value '{_show(value, sensitive)}' at '{path}' failed to satisfy constraint: {constraint}"
        self.errors.append(FieldError(path, message))

    def check(self, path: str, value: Any, shape: Shape) -> None:
        kind = shape.type_name
        if getattr(shape, "is_document_type", False):
            return
        method = getattr(self, f"_check_{kind}", None)
        if method is None:
            return
        method(path, value, shape)

    def _check_structure(self, path: str, value: Any, shape: Shape) -> None:
        if not isinstance(value, dict):
            self.errors.append(FieldError(path or "body", f"Expected an object at '{path or 'body'}'"))
            return
        members = shape.members
        prefix = f"{path}." if path else ""
        for name in value:
            if name not in members:
                self.errors.append(FieldError(prefix + name, f"Unknown member '{prefix + name}'"))
        for name in shape.required_members:
            if value.get(name) is None:
                self.errors.append(
                    FieldError(
                        prefix + name,
                        f"Value null at '{prefix + name}' failed to satisfy constraint: Member must not be null",
                    )
                )
        if shape.metadata.get("union"):
            present = [n for n in members if value.get(n) is not None]
            if len(present) != 1:
                names = ", ".join(members)
                self.errors.append(
                    FieldError(path, f"'{path}' must have exactly one of: {names} (found {len(present)})")
                )
        for name, member in members.items():
            if name in value and value[name] is not None:
                self.check(prefix + name, value[name], member)

    def _check_list(self, path: str, value: Any, shape: Shape) -> None:
        if not isinstance(value, list):
            self.errors.append(FieldError(path, f"Expected a list at '{path}'"))
            return
        self._length(path, value, shape, "Member must have length")
        member = shape.member
        for i, item in enumerate(value):
            self.check(f"{path}[{i}]", item, member)

    def _check_map(self, path: str, value: Any, shape: Shape) -> None:
        if not isinstance(value, dict):
            self.errors.append(FieldError(path, f"Expected a map at '{path}'"))
            return
        self._length(path, value, shape, "Map must have length")
        key_shape, value_shape = shape.key, shape.value
        for key, item in value.items():
            self.check(f"{path}.{key}(key)", key, key_shape)
            self.check(f"{path}.{key}", item, value_shape)

    def _check_string(self, path: str, value: Any, shape: Shape) -> None:
        if not isinstance(value, str):
            self.errors.append(FieldError(path, f"Expected a string at '{path}'"))
            return
        self._length(path, value, shape, "Member must have length")
        enum = shape.metadata.get("enum")
        if enum and value not in enum:
            self.fail(path, value, shape, f"Member must satisfy enum value set: [{', '.join(enum)}]")
        pattern = _PATTERN_OVERRIDES.get(shape.name) or shape.metadata.get("pattern")
        if pattern:
            compiled = _pattern(pattern)
            if compiled is not None and compiled.fullmatch(value) is None:
                self.fail(path, value, shape, f"Member must satisfy regular expression pattern: {pattern}")

    def _check_integer(self, path: str, value: Any, shape: Shape) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.errors.append(FieldError(path, f"Expected an integer at '{path}'"))
            return
        self._range(path, value, shape)

    _check_long = _check_integer

    def _check_float(self, path: str, value: Any, shape: Shape) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.errors.append(FieldError(path, f"Expected a number at '{path}'"))
            return
        self._range(path, value, shape)

    _check_double = _check_float

    def _check_boolean(self, path: str, value: Any, shape: Shape) -> None:
        if not isinstance(value, bool):
            self.errors.append(FieldError(path, f"Expected a boolean at '{path}'"))

    def _check_timestamp(self, path: str, value: Any, shape: Shape) -> None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return
        if isinstance(value, str):
            try:
                datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                self.errors.append(FieldError(path, f"Expected a timestamp at '{path}'"))
            return
        self.errors.append(FieldError(path, f"Expected a timestamp at '{path}'"))

    def _length(self, path: str, value: Any, shape: Shape, what: str) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        size = len(value)
        if low is not None and size < low:
            self.fail(path, value, shape, f"{what} greater than or equal to {low}")
        if high is not None and size > high:
            self.fail(path, value, shape, f"{what} less than or equal to {high}")

    def _range(self, path: str, value: float, shape: Shape) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and value < low:
            self.fail(path, value, shape, f"Member must have value greater than or equal to {low}")
        if high is not None and value > high:
            self.fail(path, value, shape, f"Member must have value less than or equal to {high}")


def validate(value: dict[str, Any], shape: Shape) -> None:
    """Raise ValidationError listing every violation of ``shape`` by ``value``."""
    checker = _Checker()
    checker.check("", value, shape)
    if checker.errors:
        errors = checker.errors
        shown = errors[:_MAX_REPORTED]
        head = f"{len(errors)} validation error{'s' if len(errors) > 1 else ''} detected: "
        raise ValidationError(head + "; ".join(e.message for e in shown), fields=errors)
