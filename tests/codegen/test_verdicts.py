"""The corpus harness classifies a schemathesis failure as not the mock's fault only with proof: these cases pin
down both sides of each classification, on failure texts as schemathesis writes them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.codegen.support import CORPUS
from tests.codegen.test_corpus import _bundled, verdict

PETSTORE = _bundled(CORPUS / "swagger-petstore" / "openapi.yaml")


def failure(check: str, body: str, status: int = 200) -> str:
    title = {"ST201": "Schema-violating request accepted", "ST202": "Schema-valid request rejected"}[check]
    return (
        f"1. Test Case ID: abc\n\n- {check} {title}\n\n    ...\n\n[{status}] OK:\n\n    `{{}}`\n\nReproduce with:\n\n"
        f"    curl -X POST -H 'Authorization: [Filtered]' -H 'Content-Type: application/x-www-form-urlencoded' "
        f"-d '{body}' http://127.0.0.1:1/pet\n"
    )


@pytest.mark.parametrize(
    ("check", "body", "whose"),
    [
        # `photoUrls: "AAA"` goes out as photoUrls=AAA: the array ["AAA"], which is valid. Accepting it is right.
        ("ST201", "id=10&name=doggie&photoUrls=AAA", "schemathesis's"),
        # An object in an array goes out as its keys: tags=id&tags=name is no array of objects. Refusing is right.
        ("ST202", "id=10&name=doggie&tags=id&tags=name", "schemathesis's"),
        # Accepting a request that really is invalid (name missing) stays the mock's fault.
        ("ST201", "id=10&photoUrls=AAA", None),
        # So does refusing a request that really is valid.
        ("ST202", "id=10&name=doggie&photoUrls=a", None),
        ("ST201", "id=ten&name=doggie&photoUrls=a", None),
    ],
)
def test_a_form_failure_is_schemathesis_only_when_the_wire_proves_it(check: str, body: str, whose: str | None) -> None:
    found = verdict(PETSTORE, "POST /pet", failure(check, body))
    assert (found.split(":")[0] if found else None) == whose


def undocumented(status: int) -> str:
    return f"1. Test Case ID: abc\n\n- ST103 Undocumented status code\n\n    Received: {status}\n"


def test_an_undeclared_refusal_is_the_documents_only_when_nothing_could_carry_it() -> None:
    spec: dict[str, Any] = {
        "paths": {
            "/a": {"get": {"responses": {"200": {}}}},
            "/b": {"get": {"responses": {"200": {}, "400": {}}}},
            "/c": {"get": {"responses": {"200": {}, "4XX": {}}}},
        }
    }
    assert verdict(spec, "GET /a", undocumented(422)) is not None  # nothing declared for bad input
    assert verdict(spec, "GET /b", undocumented(422)) is None  # 400 is declared: the runtime must use it
    assert verdict(spec, "GET /c", undocumented(401)) is None  # the range covers it
    assert verdict(spec, "GET /a", undocumented(500)) is None  # a 500 is never the document's
    assert verdict(spec, "GET /a", undocumented(418)) is None  # nor a status the runtime has no reason to send
