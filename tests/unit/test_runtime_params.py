"""contract_runtime.params: every parameter style OpenAPI defines, read from a real Starlette request and decoded
by the parameter's schema (before Pydantic validates it)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.requests import Request

from contract_runtime.contract import ParameterSpec
from contract_runtime.params import ABSENT, ParameterError, read_parameter, read_parameters
from contract_runtime.text import Rejected

INTS = {"type": "array", "items": {"type": "integer"}}
POINT = {"type": "object", "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}}}
REGISTRY: dict[str, Any] = {"Point": POINT}


def request(query: str = "", headers: list[tuple[str, str]] | None = None) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers or []]
    return Request({"type": "http", "method": "GET", "path": "/", "query_string": query.encode(), "headers": raw})


def path(spec: ParameterSpec, raw: str) -> Any:
    return read_parameter(request(), {spec.name: raw}, spec, REGISTRY)


@pytest.mark.parametrize(
    ("style", "explode", "schema", "raw", "value"),
    [
        ("simple", False, {"type": "integer"}, "5", 5),
        ("simple", False, INTS, "3,4,5", [3, 4, 5]),
        ("simple", False, POINT, "x,1,y,2", {"x": 1, "y": 2}),
        ("simple", True, POINT, "x=1,y=2", {"x": 1, "y": 2}),
        ("simple", True, {"$ref": "Point"}, "x=1,y=2", {"x": 1, "y": 2}),
        ("label", False, {"type": "string"}, ".blue", "blue"),
        ("label", False, INTS, ".3,4", [3, 4]),
        ("label", True, INTS, ".3.4", [3, 4]),
        ("label", True, POINT, ".x=1.y=2", {"x": 1, "y": 2}),
        ("matrix", False, {"type": "string"}, ";id=blue", "blue"),
        ("matrix", False, INTS, ";id=3,4", [3, 4]),
        ("matrix", True, INTS, ";id=3;id=4", [3, 4]),
        ("matrix", True, POINT, ";x=1;y=2", {"x": 1, "y": 2}),
    ],
)
def test_path_styles(style: str, explode: bool, schema: dict[str, Any], raw: str, value: Any) -> None:
    spec = ParameterSpec(
        name="id", location="path", keyword="id", required=True, style=style, explode=explode, schema=schema
    )
    assert path(spec, raw) == value


@pytest.mark.parametrize(
    ("style", "schema", "raw"),
    [("label", {"type": "string"}, "blue"), ("matrix", {"type": "string"}, "id=blue"), ("matrix", INTS, "3")],
)
def test_a_path_value_without_its_style_prefix_is_an_error(style: str, schema: dict[str, Any], raw: str) -> None:
    spec = ParameterSpec(name="id", location="path", keyword="id", style=style, explode=False, schema=schema)
    with pytest.raises(ParameterError):
        path(spec, raw)


def test_text_that_is_no_literal_of_its_type_is_rejected_not_coerced() -> None:
    spec = ParameterSpec(name="id", location="path", keyword="id", style="simple", schema=INTS)
    value = path(spec, "3,x,1.5")
    assert value[0] == 3
    assert isinstance(value[1], Rejected)
    assert isinstance(value[2], Rejected)


@pytest.mark.parametrize(
    ("spec", "query", "value"),
    [
        (ParameterSpec(name="c", location="query", keyword="c", schema=INTS), "c=1&c=2", [1, 2]),
        (ParameterSpec(name="c", location="query", keyword="c", explode=False, schema=INTS), "c=1,2", [1, 2]),
        (
            ParameterSpec(name="c", location="query", keyword="c", style="spaceDelimited", explode=False, schema=INTS),
            "c=1%202",
            [1, 2],
        ),
        (
            ParameterSpec(name="c", location="query", keyword="c", style="pipeDelimited", explode=False, schema=INTS),
            "c=1|2",
            [1, 2],
        ),
        (
            ParameterSpec(name="p", location="query", keyword="p", style="deepObject", schema=POINT),
            "p[x]=1&p[y]=2&other=3",
            {"x": 1, "y": 2},
        ),
        # form, exploded object: its properties are query parameters of their own
        (ParameterSpec(name="p", location="query", keyword="p", schema=POINT), "x=1&y=2&z=3", {"x": 1, "y": 2}),
        (
            ParameterSpec(name="p", location="query", keyword="p", explode=False, schema=POINT),
            "p=x,1,y,2",
            {"x": 1, "y": 2},
        ),
        (
            ParameterSpec(name="q", location="query", keyword="q", content_type="application/json", schema=POINT),
            "q=%7B%22x%22%3A1.0%7D",
            {"x": 1},  # JSON text, read with JSON Schema's numbers: 1.0 is the integer 1
        ),
        (ParameterSpec(name="b", location="query", keyword="b", schema={"type": "boolean"}), "b=true", True),
        (ParameterSpec(name="n", location="query", keyword="n", schema={"type": "number"}), "n=2.5", 2.5),
    ],
)
def test_query_styles(spec: ParameterSpec, query: str, value: Any) -> None:
    found = read_parameter(request(query), {}, spec, REGISTRY)
    assert found == value
    if isinstance(value, int | float) and not isinstance(value, bool):
        assert type(found) is type(value)


def test_an_absent_query_parameter_is_absent() -> None:
    for spec in (
        ParameterSpec(name="c", location="query", keyword="c", schema=INTS),
        ParameterSpec(name="p", location="query", keyword="p", style="deepObject", schema=POINT),
        ParameterSpec(name="p", location="query", keyword="p", schema=POINT),
    ):
        assert read_parameter(request("unrelated=1"), {}, spec, REGISTRY) is ABSENT


@pytest.mark.parametrize(
    ("spec", "query"),
    [
        (ParameterSpec(name="c", location="query", keyword="c", explode=False, schema=INTS), "c=1&c=2"),
        (ParameterSpec(name="s", location="query", keyword="s", schema={"type": "string"}), "s=a&s=b"),
        (
            ParameterSpec(name="q", location="query", keyword="q", content_type="application/json", schema=POINT),
            "q=%7Bnot%20json",
        ),
    ],
)
def test_a_query_parameter_sent_wrongly_is_an_error(spec: ParameterSpec, query: str) -> None:
    with pytest.raises(ParameterError):
        read_parameter(request(query), {}, spec, REGISTRY)


def test_headers_simple_style() -> None:
    flags = ParameterSpec(
        name="X-Flags", location="header", keyword="x_flags", schema={"type": "array", "items": {"type": "boolean"}}
    )
    point = ParameterSpec(name="X-Point", location="header", keyword="x_point", explode=False, schema=POINT)
    exploded = ParameterSpec(name="X-Point", location="header", keyword="x_point", explode=True, schema=POINT)
    req = request(headers=[("X-Flags", "true, false"), ("X-Point", "x,1,y,2")])
    assert read_parameter(req, {}, flags, REGISTRY) == [True, False]
    assert read_parameter(req, {}, point, REGISTRY) == {"x": 1, "y": 2}
    assert read_parameter(request(headers=[("X-Point", "x=1,y=2")]), {}, exploded, REGISTRY) == {"x": 1, "y": 2}
    # A header sent twice is one list (RFC 9110 5.3).
    repeated = request(headers=[("X-Flags", "true"), ("X-Flags", "false")])
    assert read_parameter(repeated, {}, flags, REGISTRY) == [True, False]


def test_cookies_form_style() -> None:
    session = ParameterSpec(name="session", location="cookie", keyword="session", schema={"type": "string"})
    ids = ParameterSpec(name="ids", location="cookie", keyword="ids", explode=False, schema=INTS)
    req = request(headers=[("Cookie", "session=abc; ids=1,2")])
    assert read_parameter(req, {}, session, REGISTRY) == "abc"
    assert read_parameter(req, {}, ids, REGISTRY) == [1, 2]
    assert read_parameter(request(), {}, session, REGISTRY) is ABSENT


def test_read_parameters_names_every_missing_and_unreadable_one() -> None:
    specs = (
        ParameterSpec(name="id", location="path", keyword="id", required=True, style="label", schema=INTS),
        ParameterSpec(name="q", location="query", keyword="q", required=True),
        ParameterSpec(name="X-Trace", location="header", keyword="x_trace"),
    )
    values, errors = read_parameters(request(), {"id": "no-dot"}, specs, REGISTRY)
    assert values == {}
    assert [(e["loc"], e["type"]) for e in errors] == [(("path", "id"), "value_error"), (("query", "q"), "missing")]
