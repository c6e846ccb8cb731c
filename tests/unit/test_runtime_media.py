"""contract_runtime.media (Accept negotiation, RFC 9110 12.5.1; media ranges), and the readers and writers
beside it: jsontext (JSON Schema's numbers), visibility (readOnly/writeOnly), xml (the schema's xml hints)."""

from __future__ import annotations

from typing import Any

import pytest

from contract_runtime import jsontext, visibility, xml
from contract_runtime.contract import MediaSpec
from contract_runtime.media import acceptable, kind_of, matches, negotiate, select_body_media

OFFERED = ["application/json", "application/xml", "text/csv"]


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "application/json"),
        ("", "application/json"),
        ("*/*", "application/json"),
        ("application/xml", "application/xml"),
        ("text/*", "text/csv"),
        ("application/*;q=0.5, text/csv", "text/csv"),
        ("application/xml;q=0.9, application/json;q=0.8", "application/xml"),
        ("application/json;q=0.5, application/xml;q=0.5", "application/json"),  # a tie: declaration order
        ("*/*;q=0.1, application/xml", "application/xml"),
        ("text/*;q=0, */*", "application/json"),  # the most specific range decides a type's quality
        ("image/png", None),
        ("application/json;q=0, application/xml;q=0, text/*;q=0", None),
        ("garbage", "application/json"),  # an unparsable Accept is disregarded
    ],
)
def test_negotiate(accept: str | None, chosen: str | None) -> None:
    assert negotiate(accept, OFFERED) == chosen


def test_acceptable_with_declared_ranges() -> None:
    assert acceptable("image/png", ["image/*"])
    assert acceptable("image/*", ["image/png"])
    assert not acceptable("text/html", ["image/*"])
    assert not acceptable("image/png;q=0", ["image/*"])
    assert acceptable(None, ["image/*"])


def test_body_media_matching_prefers_the_most_specific_declaration() -> None:
    media = [
        MediaSpec(media_type="*/*", kind="binary"),
        MediaSpec(media_type="image/*", kind="binary"),
        MediaSpec(media_type="image/png", kind="binary"),
    ]
    assert select_body_media(media, "image/png").media_type == "image/png"  # type: ignore[union-attr]
    assert select_body_media(media, "image/gif").media_type == "image/*"  # type: ignore[union-attr]
    assert select_body_media(media, "text/plain; charset=utf-8").media_type == "*/*"  # type: ignore[union-attr]
    assert select_body_media(media[2:], "image/gif") is None
    assert matches("application/*", "application/vnd.api+json")
    assert not matches("application/json", "application/jsonx")


@pytest.mark.parametrize(
    ("media_type", "kind"),
    [
        ("application/json", "json"),
        ("application/problem+json", "json"),
        ("application/vnd.api+json; charset=utf-8", "json"),
        ("application/xml", "xml"),
        ("text/xml", "xml"),
        ("application/atom+xml", "xml"),
        ("application/x-www-form-urlencoded", "form"),
        ("multipart/form-data", "multipart"),
        ("multipart/mixed", "multipart"),
        ("text/plain", "text"),
        ("text/csv", "text"),
        ("application/octet-stream", "binary"),
        ("image/*", "binary"),
        ("nonsense", "binary"),
    ],
)
def test_kind_of(media_type: str, kind: str) -> None:
    assert kind_of(media_type) == kind


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("181", 181),
        ("181.0", 181),
        ("1e2", 100),
        ("-0.0", 0),
        ("2.5", 2.5),
        ("9007199254740993.0", 9007199254740993),  # exactly, not through a float
        ("1e-400", 0.0),
        ("1e400", 10**400),  # an integer still, however large (bounds say how large may be)
        ('{"a": [1.0, 1.5]}', {"a": [1, 1.5]}),
    ],
)
def test_json_numbers_follow_json_schema(text: str, value: Any) -> None:
    found = jsontext.loads(text)
    assert found == value
    assert type(found) is type(value)


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "1e401", "[1e999]", "{"])
def test_what_json_schema_numbers_cannot_be_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        jsontext.loads(text)


CARD = {
    "type": "object",
    "properties": {"number": {"type": "string"}, "cvc": {"type": "string", "writeOnly": True}},
}
REGISTRY: dict[str, Any] = {
    "Card": CARD,
    "Account": {"type": "object", "properties": {"number": {"type": "string"}, "id": {"readOnly": True}}},
    "Payment": {
        "allOf": [{"type": "object", "properties": {"id": {"type": "string", "readOnly": True}}}],
        "properties": {
            "source": {"oneOf": [{"$ref": "Card"}, {"$ref": "Account"}]},
            "history": {"type": "array", "items": {"$ref": "Card"}},
        },
    },
}


def test_write_only_members_are_left_out_of_answers_and_read_only_ones_out_of_requests() -> None:
    value = {
        "id": "p-1",
        "source": {"number": "4242", "cvc": "123"},
        "history": [{"number": "1", "cvc": "9"}],
        "extra": {"cvc": "kept: not described by the schema"},
    }
    answered = visibility.without(value, {"$ref": "Payment"}, REGISTRY, "writeOnly")
    assert answered == {
        "id": "p-1",
        "source": {"number": "4242"},
        "history": [{"number": "1"}],
        "extra": {"cvc": "kept: not described by the schema"},
    }
    sent = visibility.without(value, {"$ref": "Payment"}, REGISTRY, "readOnly")
    assert "id" not in sent
    assert sent["source"] == {"number": "4242", "cvc": "123"}


def test_a_ref_marked_beside_it_is_hidden_too() -> None:
    schema = {"type": "object", "properties": {"card": {"$ref": "Card", "writeOnly": True}, "n": {"type": "integer"}}}
    assert visibility.without({"card": {"number": "1"}, "n": 1}, schema, REGISTRY, "writeOnly") == {"n": 1}


NOTE = {
    "type": "object",
    "xml": {"name": "note"},
    "properties": {
        "id": {"type": "integer", "xml": {"attribute": True}},
        "tags": {"type": "array", "xml": {"wrapped": True}, "items": {"type": "string", "xml": {"name": "tag"}}},
        "lines": {"type": "array", "items": {"type": "string", "xml": {"name": "line"}}},
        "author": {"$ref": "Person"},
        "done": {"type": "boolean"},
    },
}
XML_REGISTRY: dict[str, Any] = {
    "Note": NOTE,
    "Person": {"type": "object", "xml": {"name": "person"}, "properties": {"name": {"type": "string"}}},
}


def test_xml_round_trip_by_the_schemas_hints() -> None:
    value = {"id": 7, "tags": ["a", "b"], "lines": ["x", "y"], "author": {"name": "Ann"}, "done": False}
    written = xml.dumps(value, {"$ref": "Note"}, "Note", XML_REGISTRY)
    assert written == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<note id="7"><tags><tag>a</tag><tag>b</tag></tags>'
        b"<line>x</line><line>y</line><person><name>Ann</name></person><done>false</done></note>"
    )
    assert xml.loads(written, {"$ref": "Note"}, XML_REGISTRY) == value


def test_a_referenced_schemas_element_is_also_read_under_the_property_name() -> None:
    """`author: {$ref: Person}` with Person named `person`: tools write <author> as often as <person>."""
    body = b"<note><author><name>Ann</name></author></note>"
    assert xml.loads(body, {"$ref": "Note"}, XML_REGISTRY) == {"author": {"name": "Ann"}}


@pytest.mark.parametrize(
    "body",
    [
        b"<note><unclosed></note>",
        b'<!DOCTYPE n [<!ENTITY e SYSTEM "file:///etc/passwd">]><note>&e;</note>',
        b'<!DOCTYPE n [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><note>&b;</note>',
    ],
)
def test_malformed_or_entity_laden_xml_is_refused(body: bytes) -> None:
    with pytest.raises(xml.XmlError):
        xml.loads(body, {"$ref": "Note"}, XML_REGISTRY)
