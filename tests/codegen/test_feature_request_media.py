"""Request bodies in every declared media type reach the implementation as typed values (fixtures/request_media):
multipart with files and `encoding`, JSON, XML, forms, text and bytes; anything else is a 415."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contract_runtime import UploadedFile
from tests.codegen import features
from tests.codegen.conftest import Connect

NOTE_XML = b'<?xml version="1.0"?><note priority="2"><text>Buy milk</text><labels><label>home</label></labels></note>'


@pytest.fixture
def service(feature_root: Path) -> Any:
    return features.service("request_media")


async def test_a_multipart_upload_arrives_as_typed_files(service: Any, connect: Connect) -> None:
    documents = service.Documents()
    client = connect(service.app(documents))
    response = await client.post(
        "/documents",
        files=[
            ("file", ("scan.pdf", b"%PDF-1.7 scan", "application/pdf")),
            ("attachments", ("a.txt", b"first", "text/plain")),
            ("attachments", ("b.txt", b"second!", "text/plain")),
        ],
        data={"metadata": json.dumps({"title": "Scan", "tags": ["x"]}), "pages": "3"},
    )
    assert response.status_code == 201, response.text
    assert response.json() == {
        "title": "Scan",
        "files": [
            {"name": "scan.pdf", "media_type": "application/pdf", "size": 13},
            {"name": "a.txt", "media_type": "text/plain", "size": 5},
            {"name": "b.txt", "media_type": "text/plain", "size": 7},
        ],
        "pages": 3,
    }
    [body] = documents.received
    assert isinstance(body, service.models.UploadDocumentRequest)
    assert isinstance(body.file, UploadedFile)
    assert (bytes(body.file), body.file.filename, body.file.content_type) == (
        b"%PDF-1.7 scan",
        "scan.pdf",
        "application/pdf",
    )
    assert [type(f) for f in body.attachments] == [UploadedFile, UploadedFile]
    # The metadata part is JSON, as its Encoding says: it became the Metadata model.
    assert isinstance(body.metadata, service.models.Metadata)
    assert body.metadata.tags == ["x"]
    assert body.pages == 3


async def test_a_file_part_in_a_media_type_its_encoding_does_not_allow_is_415(service: Any, connect: Connect) -> None:
    documents = service.Documents()
    client = connect(service.app(documents))
    response = await client.post(
        "/documents",
        files=[("file", ("x.exe", b"MZ", "application/x-msdownload"))],
        data={"metadata": json.dumps({"title": "x"})},
    )
    assert response.status_code == 415
    assert response.json()["detail"] == "The part `file` must be application/pdf or image/png."
    assert documents.received == []


async def test_a_text_field_where_a_file_is_declared_is_refused(service: Any, connect: Connect) -> None:
    documents = service.Documents()
    client = connect(service.app(documents))
    # A multipart part without a file name is a text field, not a file.
    response = await client.post(
        "/documents", files={"file": (None, "not a file"), "metadata": (None, json.dumps({"title": "x"}))}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "/file"
    assert documents.received == []


async def test_a_metadata_part_that_is_not_json_is_refused(service: Any, connect: Connect) -> None:
    client = connect(service.app(service.Documents()))
    response = await client.post(
        "/documents", files=[("file", ("s.png", b"\x89PNG", "image/png"))], data={"metadata": "title=x"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "/metadata"


@pytest.mark.parametrize(
    ("content_type", "content", "expected"),
    [
        ("application/json", b'{"text": "Buy milk", "priority": 2, "labels": ["home"]}', "note"),
        ("application/xml", NOTE_XML, "note"),
        ("application/x-www-form-urlencoded", b"text=Buy+milk&priority=2&labels=home", "note"),
        ("text/plain; charset=utf-8", "Buy milk \u2615".encode(), "text"),
        ("application/octet-stream", b"\x00\x01\x02", "bytes"),
    ],
    ids=["json", "xml", "form", "text", "octet-stream"],
)
async def test_each_declared_media_type_is_read_as_declared(
    service: Any, connect: Connect, content_type: str, content: bytes, expected: str
) -> None:
    documents = service.Documents()
    client = connect(service.app(documents))
    response = await client.post("/notes", content=content, headers={"Content-Type": content_type})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["kind"] == expected
    [body] = documents.received
    if expected == "note":
        assert isinstance(body, service.models.Note)
        assert (body.text, body.priority, body.labels) == ("Buy milk", 2, ["home"])
    elif expected == "text":
        assert body == "Buy milk \u2615"
    else:
        assert body == b"\x00\x01\x02"


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("application/xml", b'<note priority="two"><text>x</text></note>'),  # an int32 attribute that is no number
        ("application/json", b'{"text": "x", "priority": true}'),  # JSON true is no integer
        ("application/json", b'{"text": "x", "priority": "2"}'),  # nor is a string
        ("application/json", b'{"text": "x", "priority": 2147483648}'),  # beyond int32
        ("application/x-www-form-urlencoded", b"text=x&priority=2.5"),
    ],
)
async def test_invalid_values_are_422_in_every_media_type(
    service: Any, connect: Connect, content_type: str, content: bytes
) -> None:
    documents = service.Documents()
    client = connect(service.app(documents))
    response = await client.post("/notes", content=content, headers={"Content-Type": content_type})
    assert response.status_code == 422, response.text
    assert documents.received == []


async def test_an_integral_json_number_is_an_integer(service: Any, connect: Connect) -> None:
    """JSON Schema's `integer` is a mathematical test: 2.0 is one."""
    documents = service.Documents()
    client = connect(service.app(documents))
    response = await client.post("/notes", json={"text": "x", "priority": 2.0})
    assert response.status_code == 200
    assert documents.received[0].priority == 2


@pytest.mark.parametrize(
    ("content_type", "content", "status"),
    [
        ("application/pdf", b"%PDF", 415),
        ("application/xml", b"<note><text>unclosed</note>", 400),
        ("application/xml", b'<!DOCTYPE x [<!ENTITY e "boom">]><note><text>&e;</text></note>', 400),
        ("application/json", b"{not json", 400),
        ("text/plain; charset=utf-8", b"\xff\xfe", 400),
    ],
    ids=["undeclared", "malformed-xml", "xml-entities", "malformed-json", "not-utf8"],
)
async def test_what_cannot_be_read_is_refused(
    service: Any, connect: Connect, content_type: str, content: bytes, status: int
) -> None:
    documents = service.Documents()
    client = connect(service.app(documents))
    response = await client.post("/notes", content=content, headers={"Content-Type": content_type})
    assert response.status_code == status, response.text
    assert documents.received == []
