"""The gateway's own argument check: compiled per tool, safe with patterns Python cannot run."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from gatewright.catalog.validation import ArgumentError, compile_validator


def _check(schema: Mapping[str, object], value: object) -> None:
    compile_validator({"type": "object", "properties": {"a": schema}})({"a": value})


def test_dollar_inside_a_character_class_is_a_literal() -> None:
    schema = {"type": "string", "pattern": "^[^$]+$"}
    _check(schema, "plain")
    with pytest.raises(ArgumentError, match="'a'"):
        _check(schema, "has$dollar")


def test_ecma_only_pattern_is_not_enforced_but_the_rest_is() -> None:
    schema = {"type": "string", "pattern": r"^\p{L}+$", "maxLength": 3}
    _check(schema, "abc")
    with pytest.raises(ArgumentError, match="'a'"):
        _check(schema, "abcd")


def test_missing_required_names_the_argument() -> None:
    validate = compile_validator({"type": "object", "properties": {"petId": {"type": "string"}}, "required": ["petId"]})
    with pytest.raises(ArgumentError, match="petId"):
        validate({})


def test_remote_refs_are_never_fetched() -> None:
    validate = compile_validator({"type": "object", "properties": {"a": {"$ref": "http://127.0.0.1:9/x.json"}}})
    validate({"a": 1})
