"""`x-pattern-message`: the generator collects one sentence per pattern, and the runtime tells it instead of
Pydantic's "String should match pattern '<regex>'"; without a sentence the message is Pydantic's as before."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import Field, TypeAdapter, ValidationError

from contract_runtime import validation_problem
from generated.schemas import PATTERN_MESSAGES
from scripts.codegen.reader import read

PRICE = "^[0-9]+\\.[0-9]{2}$"


def pydantic_errors(value: str, pattern: str) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(Annotated[str, Field(pattern=pattern)]).validate_python(value)
    return [{**error, "loc": ("body", "price")} for error in caught.value.errors()]


def test_a_pattern_with_a_sentence_is_told_the_sentence() -> None:
    problem = validation_problem(pydantic_errors("19.9", PRICE), {PRICE: "Two decimal places, as in 19.99."})
    assert problem.status == 422
    [error] = problem.extensions["errors"]
    assert error == {
        "in": "body",
        "field": "/price",
        "detail": "Two decimal places, as in 19.99.",
        "type": "string_pattern_mismatch",
    }


def test_a_pattern_without_a_sentence_keeps_the_validator_message() -> None:
    [error] = validation_problem(pydantic_errors("19.9", PRICE), {"^other$": "Other."}).extensions["errors"]
    assert error["detail"] == f"String should match pattern '{PRICE}'"


def test_the_generator_collects_one_sentence_per_pattern() -> None:
    schema = {"type": "string", "pattern": "^[a-z]+$", "x-pattern-message": "Lower-case letters only."}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "operationId": "getA",
                    "parameters": [
                        {"name": "x", "in": "query", "schema": schema},
                        {"name": "y", "in": "query", "schema": dict(schema)},
                        {"name": "z", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]+$"}},
                    ],
                    "responses": {"204": {"description": "ok"}},
                }
            }
        },
    }
    assert read(document, "t.yaml").pattern_messages == {"^[a-z]+$": "Lower-case letters only."}


def test_the_generated_package_carries_the_specs_sentences() -> None:
    assert PATTERN_MESSAGES["^[^\\x00]*$"] == "Must not contain NUL characters (U+0000)."
    assert all(message and "^" not in message for message in PATTERN_MESSAGES.values())
