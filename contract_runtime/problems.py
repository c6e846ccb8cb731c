"""RFC 9457 problem documents: the error an implementation raises, and how any problem is rendered."""

import json
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

PROBLEM_MEDIA_TYPE = "application/problem+json"

# RFC 9110's names; Python 3.11's HTTPStatus still has the RFC 7231 ones.
_TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}

# Where a field error can be (the `in` of a validation problem's errors[]).
FIELD_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})


class ProblemError(Exception):
    """An RFC 9457 problem raised by an implementation; the generated layer renders it as problem+json.

    `extensions` become extra members of the problem document (for example the OAuth2 `error` code).
    """

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        title: str | None = None,
        type: str = "about:blank",
        headers: Mapping[str, str] | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or title or str(status))
        self.status = status
        self.detail = detail
        self.title = title or _TITLES.get(status) or HTTPStatus(status).phrase
        self.type = type
        self.headers = dict(headers or {})
        self.extensions = dict(extensions or {})


def problem_payload(request: Request, error: ProblemError) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": error.type,
        "title": error.title,
        "status": error.status,
        # Percent-encoded again: the decoded path may hold characters a URI reference cannot.
        "instance": quote(request.url.path, safe="/:@!$&'()*+,;=-._~"),
    }
    if error.detail is not None:
        payload["detail"] = error.detail
    payload.update(error.extensions)
    return payload


def problem_response(request: Request, error: ProblemError) -> Response:
    """A problem document outside any operation's contract (unknown paths, wrong methods, internal errors)."""
    return Response(
        content=json.dumps(problem_payload(request, error), ensure_ascii=False).encode(),
        status_code=error.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=error.headers,
    )


def internal_error() -> ProblemError:
    return ProblemError(500, "An unexpected error occurred.")


def _json_pointer(parts: Sequence[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text)


def as_bad_request(problem: ProblemError) -> ProblemError:
    """A validation problem (422) restated as 400, for operations that declare 400 but not 422.

    An OAuth2 token endpoint is one (RFC 6749 section 5.2 answers every malformed request 400). The 400 is rendered
    through that operation's declared schema, whose defaults fill what a generic refusal cannot know (the token
    endpoint's `error: invalid_request`); the first offending field is named in `detail`, since the 400 schema may
    have no `errors` member.
    """
    errors = problem.extensions.get("errors") or []
    detail = problem.detail or "The request is not valid."
    if errors:
        first = errors[0]
        where = f"{first['in']} {first['field']}".strip()
        detail = _printable(f"{detail.rstrip('.')}: {where}: {first['detail']}")[:2000]
    return ProblemError(400, detail, headers=problem.headers, extensions={"errors": errors})


def validation_problem(errors: Sequence[Mapping[str, Any]]) -> ProblemError:
    """Map Pydantic/FastAPI errors to a 422 naming every offending field (or 400 when the body is undecodable)."""
    field_errors: list[dict[str, str]] = []
    for error in errors:
        loc = tuple(error.get("loc", ()))
        if error.get("type") == "json_invalid":
            return ProblemError(400, "The request body is not valid JSON.")
        where = str(loc[0]) if loc else "body"
        if where not in FIELD_LOCATIONS:
            where = "body"
        rest = loc[1:]
        name = _json_pointer(rest) if where == "body" else (str(rest[0]) if rest else "")
        field_errors.append(
            {
                "in": where,
                "field": name[:512],
                "detail": str(error.get("msg", "Invalid value."))[:1000],
                "type": str(error.get("type", "invalid"))[:100],
            }
        )
    return ProblemError(
        422,
        "The request does not match the API contract.",
        extensions={"errors": field_errors[:100]},
    )
