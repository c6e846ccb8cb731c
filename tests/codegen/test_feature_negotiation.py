"""Several response media types, negotiated on Accept (fixtures/negotiation): `Accept: application/xml` gets
XML, a CSV client gets CSV, and a client accepting none of them gets 406 before the operation runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import defusedxml.ElementTree as safe_xml
import pytest

from tests.codegen import features
from tests.codegen.conftest import Connect

NS = "{https://example.com/books}"


@pytest.fixture
def service(feature_root: Path) -> Any:
    return features.service("negotiation")


async def test_accept_xml_gets_xml(service: Any, connect: Connect) -> None:
    books = service.Books()
    response = await connect(service.app(books)).get("/books/978-0", headers={"Accept": "application/xml"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    root = safe_xml.fromstring(response.content)
    # The schema's xml hints: the element name and namespace, isbn an attribute, authors wrapped.
    assert root.tag == f"{NS}book"
    assert root.get("isbn") == "978-0"
    assert root.findtext("title") == "Dune"
    assert [a.text for a in root.findall("authors/author")] == ["Frank Herbert"]
    assert books.asked == ["application/xml"]


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (None, "application/json"),  # no Accept: the first declared
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        ("text/*", "text/csv; charset=utf-8"),
        ("application/json;q=0.5, text/csv", "text/csv; charset=utf-8"),
        ("application/xml;q=0.9, application/json;q=0.8", "application/xml; charset=utf-8"),
    ],
)
async def test_the_client_preference_decides(
    service: Any, connect: Connect, accept: str | None, content_type: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    client = connect(service.app(service.Books()))
    response = await client.get("/books/978-0", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    if content_type == "application/json":
        assert response.json() == {"isbn": "978-0", "title": "Dune", "authors": ["Frank Herbert"], "pages": 412}
    if content_type.startswith("text/csv"):
        assert response.text == "978-0,Dune,Frank Herbert\n"


@pytest.mark.parametrize("accept", ["image/png", "application/json;q=0, application/xml;q=0, text/csv;q=0"])
async def test_an_unacceptable_accept_is_406_and_the_operation_does_not_run(
    service: Any, connect: Connect, accept: str
) -> None:
    books = service.Books()
    response = await connect(service.app(books)).get("/books/978-0", headers={"Accept": accept})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    assert "application/json, application/xml, text/csv" in response.json()["detail"]
    assert books.asked == []
