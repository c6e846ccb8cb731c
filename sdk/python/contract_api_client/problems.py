"""The exceptions the SDK raises: every answer outside 2xx becomes an ``ApiProblem`` subclass chosen by its status.

The server answers every error with an RFC 9457 problem document (``application/problem+json``); the exception
carries its members (``status``, ``title``, ``detail``, ``errors``) and the whole document (``problem``)::

    try:
        item = await api.items.get(item_id)
    except NotFound as problem:
        print(problem.detail)
    except ValidationFailed as problem:
        for error in problem.errors:
            print(error.in_, error.field, error.detail)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import httpx

from ._retry_after import parse_retry_after
from .models.field_error import FieldError

__all__ = [
    "ApiConnectionError",
    "ApiProblem",
    "BadRequest",
    "Conflict",
    "ContentTooLarge",
    "ContractApiError",
    "Forbidden",
    "NotFound",
    "RateLimited",
    "ServerError",
    "ServiceUnavailable",
    "TokenRefused",
    "Unauthorized",
    "UnexpectedAnswer",
    "UnsupportedMediaType",
    "ValidationFailed",
    "problem_from_response",
]


class ContractApiError(Exception):
    """The base of every exception the SDK raises."""


class ApiConnectionError(ContractApiError):
    """No answer: the server could not be reached or the connection failed, after the retries the policy allows.

    ``__cause__`` is the httpx error of the last attempt.
    """


class UnexpectedAnswer(ContractApiError):
    """A success answer whose body is not the one the contract declares (something between you and the API?)."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class ApiProblem(ContractApiError):
    """An answer outside 2xx. Subclasses name the status; this class itself stands for any status without one."""

    status: int
    """The HTTP status code."""
    title: str
    """A short summary of the problem type, e.g. ``"Not Found"``."""
    detail: str | None
    """What went wrong with this request, in a sentence."""
    errors: list[FieldError]
    """Each offending field of a 422 (``in_``, ``field``, ``detail``, ``type_``); empty for other problems."""
    problem: dict[str, Any]
    """The whole problem document as the server sent it (or one built from the status when it sent none)."""
    headers: httpx.Headers
    """The answer's headers (``RateLimit-*``, ``Retry-After``, ...)."""

    def __init__(self, status: int, problem: Mapping[str, Any], headers: httpx.Headers | None = None) -> None:
        self.status = status
        self.problem = dict(problem)
        self.title = str(problem.get("title") or _reason(status))
        detail = problem.get("detail")
        self.detail = detail if isinstance(detail, str) else None
        self.errors = _field_errors(problem.get("errors"))
        self.headers = headers if headers is not None else httpx.Headers()
        super().__init__(f"{status} {self.title}" + (f": {self.detail}" if self.detail else ""))

    @property
    def problem_type(self) -> str:
        """The problem type URI (``type``); ``about:blank`` when the status says it all."""
        value = self.problem.get("type")
        return value if isinstance(value, str) else "about:blank"

    @property
    def instance(self) -> str | None:
        """The request path the problem occurred on."""
        value = self.problem.get("instance")
        return value if isinstance(value, str) else None

    @property
    def request_id(self) -> str | None:
        """The server's id for the request (``X-Request-ID``), to quote when you report a problem."""
        value = self.headers.get("X-Request-ID")
        return value if isinstance(value, str) else None


class BadRequest(ApiProblem):
    """400: the body could not be decoded, or nests too deeply."""


class TokenRefused(BadRequest):
    """400 from the token endpoint: a wrong email or password, or a refresh token that no longer works.

    ``error`` is the RFC 6749 section 5.2 code (``invalid_grant``, ``invalid_request``, ...).
    """

    @property
    def error(self) -> str:
        return str(self.problem.get("error", "invalid_request"))

    @property
    def error_description(self) -> str | None:
        value = self.problem.get("error_description")
        return value if isinstance(value, str) else None


class Unauthorized(ApiProblem):
    """401: no access token, or one the server refuses (and refreshing it did not help)."""


class Forbidden(ApiProblem):
    """403: the caller may not do this (e.g. superusers only)."""


class NotFound(ApiProblem):
    """404: no such resource, or one the caller may not see."""


class Conflict(ApiProblem):
    """409: the request conflicts with stored data (e.g. a taken email)."""


class ContentTooLarge(ApiProblem):
    """413: the body is larger than the server accepts."""


class UnsupportedMediaType(ApiProblem):
    """415: the body is not in the media type the operation declares."""


class ValidationFailed(ApiProblem):
    """422: the request breaks the contract; ``errors`` names each offending field."""


class RateLimited(ApiProblem):
    """429: too many requests, and the retries the policy allows did not get through."""

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asked to wait (``Retry-After``)."""
        return parse_retry_after(self.headers.get("Retry-After"))


class ServerError(ApiProblem):
    """5xx without a class of its own (500: an unexpected error; the server logged it)."""


class ServiceUnavailable(ServerError):
    """503: a dependency of the server does not answer, and the retries the policy allows did not get through."""


_BY_STATUS: dict[int, type[ApiProblem]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: ContentTooLarge,
    415: UnsupportedMediaType,
    422: ValidationFailed,
    429: RateLimited,
    503: ServiceUnavailable,
}


def problem_from_response(status: int, headers: httpx.Headers, content: bytes) -> ApiProblem:
    """The exception for an answer outside 2xx. A body that is no problem document (a proxy's HTML page, say)
    still gives the right class, with a document built from the status."""
    problem = _problem_document(status, content)
    cls = _BY_STATUS.get(status)
    if cls is BadRequest and "error" in problem:
        cls = TokenRefused
    if cls is None:
        cls = ServerError if status >= 500 else ApiProblem
    return cls(status, problem, headers)


def _problem_document(status: int, content: bytes) -> dict[str, Any]:
    try:
        document = json.loads(content)
    except ValueError:
        document = None
    if isinstance(document, dict) and isinstance(document.get("title"), str):
        return document
    text = content.decode("utf-8", errors="replace").strip()
    built: dict[str, Any] = {"type": "about:blank", "title": _reason(status), "status": status}
    if text:
        built["detail"] = text[:500]
    return built


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def _field_errors(value: object) -> list[FieldError]:
    if not isinstance(value, list):
        return []
    parsed: list[FieldError] = []
    for entry in value:
        try:
            parsed.append(FieldError.from_dict(entry))
        except (KeyError, TypeError, ValueError):
            continue
    return parsed
