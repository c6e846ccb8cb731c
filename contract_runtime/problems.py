"""RFC 9457 problem documents: the error an implementation raises, and how any problem is rendered."""

import json
import re
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from contract_runtime.request_context import current_request_context

PROBLEM_MEDIA_TYPE = "application/problem+json"

# RFC 9110's names; Python 3.11's HTTPStatus still has the RFC 7231 ones.
_TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}

# Where a field error can be (the `in` of a validation problem's errors[]).
FIELD_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})

# The longest `instance` a problem document carries (the spec's Problem.instance maxLength). Operations answer
# longer paths 404 (see routing); any other problem about such a path leaves `instance` out rather than cut it.
MAX_INSTANCE_LENGTH = 2048

# Characters a path may keep unencoded in a URI reference (RFC 3986 pchar and "/"); everything else, including
# control characters and a backslash, is percent-encoded from the decoded path exactly once.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"

# Text that cannot appear in a problem document: NUL (the spec's strings refuse it) and unpaired UTF-16 surrogates
# (not encodable as UTF-8). Clients choose field names, so both are replaced, never echoed. (A path is different:
# `instance` percent-encodes it, which carries a NUL as `%00`.)
_UNSAFE_TEXT = re.compile("[\x00\ud800-\udfff]")


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


def clean_text(text: str) -> str:
    """`text` with NUL and unpaired surrogates replaced by U+FFFD, so a problem document can always carry it."""
    return _UNSAFE_TEXT.sub("\ufffd", text)


def problem_instance(scope: Mapping[str, Any]) -> str:
    """The request path as a URI reference: encoded once from the decoded path the server routed on.

    Built from the ASGI scope, not `request.url`: URL parsing reads `//v1/items` as a host named `v1` and drops CR
    and LF. A path beginning with `//` gets the `/.` prefix RFC 3986 section 3.3 prescribes for a path without an
    authority, so the reference still resolves to the same path.
    """
    instance = quote(str(scope.get("path", "")), safe=_PATH_SAFE, errors="replace")
    return "/." + instance if instance.startswith("//") else instance


def problem_payload(request: Request, error: ProblemError) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": error.type,
        "title": error.title,
        "status": error.status,
    }
    instance = problem_instance(request.scope)
    if len(instance) <= MAX_INSTANCE_LENGTH:
        payload["instance"] = instance
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
        headers={**current_request_context().headers, **error.headers},
    )


def internal_error() -> ProblemError:
    # The request id lets a partner quote the failure; the server's log lines for the request carry the same id.
    request_id = current_request_context().request_id
    return ProblemError(
        500, "An unexpected error occurred.", extensions={"request_id": request_id} if request_id else None
    )


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


def _message(error: Mapping[str, Any], pattern_messages: Mapping[str, str]) -> str:
    if error.get("type") == "string_pattern_mismatch":
        context = error.get("ctx")
        pattern = context.get("pattern") if isinstance(context, Mapping) else None
        if isinstance(pattern, str) and pattern in pattern_messages:
            return pattern_messages[pattern]
    return str(error.get("msg", "Invalid value."))


def validation_problem(
    errors: Sequence[Mapping[str, Any]], pattern_messages: Mapping[str, str] | None = None
) -> ProblemError:
    """Map Pydantic/FastAPI errors to a 422 naming every offending field (or 400 when the body is undecodable).

    A value breaking a `pattern` the spec gives an `x-pattern-message` (`pattern_messages`, by pattern) is told that
    sentence instead of Pydantic's "String should match pattern '<regex>'".
    """
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
                "field": clean_text(name[:512]),
                "detail": clean_text(_message(error, pattern_messages or {})[:1000]),
                "type": clean_text(str(error.get("type", "invalid"))[:100]),
            }
        )
    return ProblemError(
        422,
        "The request does not match the API contract.",
        extensions={"errors": field_errors[:100]},
    )
