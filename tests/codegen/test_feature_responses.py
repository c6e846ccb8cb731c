"""`default` and ranged (`2XX`, `4XX`) responses: typed results that carry their status, problems rendered
through the range that covers them, and a 500 for any status nothing declares (fixtures/responses)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.codegen import features
from tests.codegen.conftest import Connect


@pytest.fixture
def service(feature_root: Path) -> Any:
    return features.service("responses")


@pytest.mark.parametrize(
    ("job", "status", "content_type", "body"),
    [
        ("done", 200, "application/json", {"id": "done", "state": "done"}),
        ("running", 202, "application/json", {"state": "running"}),  # through 2XX, with the status it chose
        ("other", 503, "application/json", {"code": 17, "message": "The scheduler is down."}),  # default
    ],
)
async def test_a_result_is_sent_with_its_status_through_the_declared_response(
    service: Any, connect: Connect, job: str, status: int, content_type: str, body: dict[str, Any]
) -> None:
    response = await connect(service.app(service.Jobs())).get(f"/jobs/{job}")
    assert (response.status_code, response.headers["content-type"], response.json()) == (status, content_type, body)


async def test_a_problem_goes_through_the_4xx_range(service: Any, connect: Connect) -> None:
    response = await connect(service.app(service.Jobs())).get("/jobs/gone")
    assert response.status_code == 410
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "This job was deleted."


async def test_a_status_no_response_covers_is_a_500(service: Any, connect: Connect) -> None:
    client = connect(service.app(service.Jobs()))
    # A 2XX result sent as 302: only `default` covers 302, and its body is the Error document, not this one.
    moved = await client.get("/jobs/moved")
    assert moved.status_code == 500
    jobs = service.Jobs()
    jobs.start_answers_with = 503
    refused = await connect(service.app(jobs)).post("/jobs")
    assert refused.status_code == 500
    assert refused.json()["detail"] == "An unexpected error occurred."


async def test_a_runtime_refusal_uses_the_range_too(service: Any, connect: Connect) -> None:
    """A path parameter breaking its pattern: 422, sent through 4XX as a problem document."""
    response = await connect(service.app(service.Jobs())).get("/jobs/NOT_VALID")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_an_exact_success_and_a_4xx_problem(service: Any, connect: Connect) -> None:
    jobs = service.Jobs()
    client = connect(service.app(jobs))
    assert (await client.post("/jobs")).status_code == 201
    jobs.start_answers_with = 409
    conflict = await client.post("/jobs")
    assert (conflict.status_code, conflict.json()["title"]) == (409, "Conflict")
