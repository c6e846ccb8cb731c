# DO NOT EDIT: generated from openapi.yaml by `make generate` (fastapi-code-generator==0.8.1 + scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run `make generate`.

"""Contract runtime shared by the generated routers.

It is the only place where a request enters and a response leaves the server, so it enforces the contract both
ways: input is checked against the spec (including what Pydantic cannot express: uniqueItems, NUL and unpaired
surrogates), and a response leaves only with a status the operation declares, a body that validates against the
declared schema and every required header. Anything else becomes a logged 500 that says nothing about internals.
"""

import json
import logging
import re
from collections.abc import Callable, Coroutine, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from contextvars import ContextVar
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

import email_validator
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, BeforeValidator, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

from generated.models import FieldLocation

logger = logging.getLogger("generated.contract")

PROBLEM_MEDIA_TYPE = "application/problem+json"

# `format: email` is a syntax check. email-validator also refuses special-use domains (`.test`, `.arpa`, ...),
# which JSON Schema, and so every client generating from the spec, deems valid; its documented way to allow them
# is to remove them from this list.
email_validator.SPECIAL_USE_DOMAIN_NAMES.clear()

Principal = TypeVar("Principal")
PrincipalT_co = TypeVar("PrincipalT_co", covariant=True)


# RFC 9110's names; Python 3.11's HTTPStatus still has the RFC 7231 ones.
_TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}


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


class Authenticator(Protocol[PrincipalT_co]):
    """Turns a request's credentials into the principal handed to implementations.

    `required` raises a 401 ProblemError (with `WWW-Authenticate`) when there are no valid credentials;
    `optional` returns None when no credentials were sent and raises when invalid ones were.
    """

    async def required(self, request: Request) -> PrincipalT_co: ...

    async def optional(self, request: Request) -> PrincipalT_co | None: ...


class RateLimiter(Protocol):
    """Counts a request against its client's quota before the operation runs (operations that declare 429).

    Returns the headers every answer to the request carries (the spec's `x-supplied-by: rate-limiter` headers);
    raises a 429 ProblemError carrying them and `Retry-After` when the quota is spent.
    """

    async def acquire(self, request: Request, operation_id: str) -> Mapping[str, str]: ...


# Opens the request's unit of work: entered before authentication and the operation run, left (commit or
# rollback) before the response is sent, so a client always reads its own writes.
RequestScope = Callable[[], AbstractAsyncContextManager[object]]


@dataclass(frozen=True)
class DeclaredResponse:
    status: int
    model: type[BaseModel] | None
    media_type: str | None
    required_headers: tuple[str, ...] = ()
    fixed_headers: Mapping[str, str] = field(default_factory=dict)
    defaults: Mapping[str, Any] = field(default_factory=dict)  # of required members, from the spec


@dataclass(frozen=True)
class OperationContract:
    operation_id: str
    method: str
    path: str
    responses: Mapping[int, DeclaredResponse]
    body_media_type: str | None = None
    unique_item_paths: tuple[tuple[str, ...], ...] = ()
    # Checked before the operation runs, each only when the spec declares the status that answers it.
    rate_limited: bool = False  # 429
    checks_media_type: bool = False  # 415
    max_body_bytes: int | None = None  # 413
    max_json_depth: int | None = None  # 400


class ContractViolation(Exception):
    """The implementation produced something the spec does not allow."""


# ---------------------------------------------------------------------------------------------------------------
# Parameter text validators: query, path and header values are text, and Pydantic's lax parsing would accept
# values the spec rejects (`yes` for a boolean, `1.0` for an integer, a UUID without dashes).
_UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_INT_TEXT = re.compile(r"[+-]?[0-9]{1,20}")


def _uuid_text(value: object) -> object:
    if isinstance(value, str) and not _UUID_TEXT.fullmatch(value):
        raise ValueError("must be a UUID in its canonical 8-4-4-4-12 form")
    return value


def _int_text(value: object) -> object:
    if isinstance(value, str) and not _INT_TEXT.fullmatch(value):
        raise ValueError("must be an integer")
    return value


def _bool_text(value: object) -> object:
    if isinstance(value, str):
        if value not in ("true", "false"):
            raise ValueError("must be `true` or `false`")
        return value == "true"
    return value


UUID_TEXT = BeforeValidator(_uuid_text)
INT_TEXT = BeforeValidator(_int_text)
BOOL_TEXT = BeforeValidator(_bool_text)


# ---------------------------------------------------------------------------------------------------------------
# Problem documents


def _problem_payload(request: Request, error: ProblemError) -> dict[str, Any]:
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


def _problem_response(request: Request, error: ProblemError) -> Response:
    return Response(
        content=json.dumps(_problem_payload(request, error), ensure_ascii=False).encode(),
        status_code=error.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=error.headers,
    )


def internal_error() -> ProblemError:
    return ProblemError(500, "An unexpected error occurred.")


def _json_pointer(parts: Sequence[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def validation_problem(errors: Sequence[Mapping[str, Any]]) -> ProblemError:
    """Map Pydantic/FastAPI errors to a 422 naming every offending field (or 400 when the body is undecodable)."""
    field_errors: list[dict[str, str]] = []
    for error in errors:
        loc = tuple(error.get("loc", ()))
        if error.get("type") == "json_invalid":
            return ProblemError(400, "The request body is not valid JSON.")
        where = str(loc[0]) if loc else "body"
        if where not in {member.value for member in FieldLocation}:
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


# ---------------------------------------------------------------------------------------------------------------
# Input checks Pydantic cannot express


# Headers the runtime supplies for the current request (the rate limiter's), merged into whatever it answers.
_runtime_headers: ContextVar[Mapping[str, str]] = ContextVar("runtime_headers", default={})


def _media_type(request: Request) -> str | None:
    content_type = request.headers.get("content-type")
    return content_type.split(";", 1)[0].strip().lower() if content_type is not None else None


def _has_body(request: Request) -> bool:
    return request.headers.get("content-length", "0") != "0" or "transfer-encoding" in request.headers


def _check_media_type(request: Request, contract: OperationContract) -> None:
    """415 unless the body comes as the declared media type (JSON and forms are UTF-8: no other charset)."""
    media_type = _media_type(request)
    if media_type is None and not _has_body(request):
        return  # no body at all: validation names the missing body (422)
    charset = re.search(
        r";\s*charset\s*=\s*\"?([^\";\s]+)",
        request.headers.get("content-type", ""),
        re.IGNORECASE,
    )
    if media_type != contract.body_media_type or (charset is not None and charset.group(1).lower() != "utf-8"):
        raise ProblemError(415, f"The request body must be {contract.body_media_type} (UTF-8).")


async def _read_limited_body(request: Request, limit: int) -> None:
    """413 for a body over `limit` bytes: refused from Content-Length up front, or while streaming in when chunked."""
    too_large = ProblemError(413, f"The request body is larger than {limit} bytes.")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise too_large
        chunks.append(chunk)
    # Starlette's documented cache of the body: FastAPI's body and form parsing read it from here.
    request._body = b"".join(chunks)


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def _check_json_depth(body: bytes, limit: int) -> None:
    """400 for JSON nesting deeper than `limit`, before any parser recurses into it."""
    depth = 0
    for bracket in _JSON_STRING.sub(b'""', body).translate(None, _NOT_A_BRACKET):
        depth += 1 if bracket in b"[{" else -1
        if depth > limit:
            raise ProblemError(400, f"The JSON body nests more than {limit} levels deep.")


def _text_errors(value: Any, path: tuple[str | int, ...], out: list[dict[str, Any]]) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            out.append(
                {
                    "loc": ("body", *path),
                    "msg": "NUL characters are not allowed",
                    "type": "string_nul",
                }
            )
        elif any("\ud800" <= ch <= "\udfff" for ch in value):
            out.append(
                {
                    "loc": ("body", *path),
                    "msg": "Unpaired UTF-16 surrogates are not allowed",
                    "type": "string_surrogate",
                }
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            found = len(out)
            _text_errors(key, path, out)
            if len(out) == found:  # a key that is not clean text must not end up in an error's JSON pointer
                _text_errors(item, (*path, key), out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _text_errors(item, (*path, index), out)


def _unique_errors(payload: Any, paths: tuple[tuple[str, ...], ...], out: list[dict[str, Any]]) -> None:
    for path in paths:
        node: Any = payload
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, list):
            seen: list[str] = []
            for entry in node:
                key = json.dumps(entry, sort_keys=True)
                if key in seen:
                    out.append(
                        {
                            "loc": ("body", *path),
                            "msg": "Items must be unique",
                            "type": "unique_items",
                        }
                    )
                    break
                seen.append(key)


async def _check_body(request: Request, contract: OperationContract) -> None:
    if contract.checks_media_type:
        _check_media_type(request, contract)
    if contract.max_body_bytes is not None:
        await _read_limited_body(request, contract.max_body_bytes)
    if contract.body_media_type != "application/json":
        return
    body = await request.body()
    if not body:
        return
    if contract.max_json_depth is not None:
        _check_json_depth(body, contract.max_json_depth)
    try:
        payload = await request.json()  # Starlette caches the parsed body: FastAPI reuses it, no second parse
    except ValueError:
        return  # FastAPI reports undecodable JSON itself (400)
    errors: list[dict[str, Any]] = []
    _text_errors(payload, (), errors)
    _unique_errors(payload, contract.unique_item_paths, errors)
    if errors:
        raise RequestValidationError(errors)


# ---------------------------------------------------------------------------------------------------------------
# Responses


def _model_json(model: type[BaseModel], body: BaseModel) -> bytes:
    if not isinstance(body, model):
        raise ContractViolation(f"body is {type(body).__name__}, the spec declares {model.__name__}")
    # Re-validate: an implementation may have built or mutated the object without validation.
    checked = model.model_validate(body.model_dump(by_alias=True))
    return checked.model_dump_json(by_alias=True).encode()


def render(
    contract: OperationContract,
    status: int,
    body: BaseModel | None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Build the response for a success result, refusing anything the spec does not declare."""
    declared = contract.responses.get(status)
    if declared is None:
        raise ContractViolation(f"{contract.operation_id} does not declare status {status}")
    all_headers = {
        **declared.fixed_headers,
        **_runtime_headers.get(),
        **(headers or {}),
    }
    missing = [name for name in declared.required_headers if name not in all_headers]
    if missing:
        raise ContractViolation(f"{contract.operation_id} {status} is missing required headers {missing}")
    if declared.model is None:
        if body is not None:
            raise ContractViolation(f"{contract.operation_id} {status} declares no body")
        return Response(status_code=status, headers=all_headers)
    if body is None:
        raise ContractViolation(f"{contract.operation_id} {status} requires a body")
    return Response(
        content=_model_json(declared.model, body),
        status_code=status,
        media_type=declared.media_type,
        headers=all_headers,
    )


def _checked_problem(request: Request, contract: OperationContract, error: ProblemError) -> Response:
    declared = contract.responses.get(error.status)
    if declared is None or declared.model is None or declared.media_type != PROBLEM_MEDIA_TYPE:
        raise ContractViolation(f"{contract.operation_id} does not declare a problem for status {error.status}")
    headers = {**declared.fixed_headers, **_runtime_headers.get(), **error.headers}
    missing = [name for name in declared.required_headers if name not in headers]
    if missing:
        raise ContractViolation(f"{contract.operation_id} {error.status} is missing required headers {missing}")
    try:
        # Rendered through the declared model: undeclared members are dropped and schema defaults fill members
        # a generic refusal knows nothing about (e.g. the OAuth2 `error` code of a malformed token request).
        document = declared.model.model_validate({**declared.defaults, **_problem_payload(request, error)})
    except ValidationError as exc:
        raise ContractViolation(f"{contract.operation_id} {error.status} problem breaks its schema: {exc}") from exc
    return Response(
        content=document.model_dump_json(by_alias=True).encode(),
        status_code=error.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def contract_route(
    contract: OperationContract, request_scope: RequestScope, rate_limiter: RateLimiter
) -> type[APIRoute]:
    """An APIRoute whose handler runs inside the request scope and lets only declared responses out."""

    class ContractRoute(APIRoute):
        def get_route_handler(
            self,
        ) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handle = super().get_route_handler()

            async def contract_handler(request: Request) -> Response:
                supplied = _runtime_headers.set({})
                try:
                    try:
                        # Counted first: a refused request costs no body reading, no parsing, no database work.
                        if contract.rate_limited:
                            _runtime_headers.set(await rate_limiter.acquire(request, contract.operation_id))
                        await _check_body(request, contract)
                        async with request_scope():
                            return await handle(request)
                    except ProblemError as error:
                        return _checked_problem(request, contract, error)
                    except RequestValidationError as error:
                        return _checked_problem(request, contract, validation_problem(error.errors()))
                    except StarletteHTTPException as error:
                        # FastAPI's own refusals, e.g. 400 for a body that is not UTF-8.
                        if not 400 <= error.status_code < 500:
                            raise
                        refusal = ProblemError(error.status_code, str(error.detail), headers=error.headers)
                        return _checked_problem(request, contract, refusal)
                except ContractViolation:
                    logger.exception("contract violation in %s", contract.operation_id)
                except Exception:
                    logger.exception("unhandled error in %s", contract.operation_id)
                finally:
                    _runtime_headers.reset(supplied)
                return _problem_response(request, internal_error())

            return contract_handler

    return ContractRoute


# ---------------------------------------------------------------------------------------------------------------
# App-level handlers: unknown paths (404) and wrong methods (405) are problem+json too.


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")


def _allowed_methods(app: FastAPI, request: Request) -> list[str]:
    # Ask the router itself, method by method: Starlette's own 405 names only the first partially matching
    # route's methods, and FastAPI nests included routers, so walking `routes` would miss some.
    allowed = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in app.router.routes):
            allowed.append(method)
    return allowed


def install_problem_handlers(app: FastAPI) -> None:
    async def http_exception(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        headers: dict[str, str] = {}
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(app, request))
        detail = {
            404: "There is no resource at this path.",
            405: "This method is not allowed on this path.",
        }
        return _problem_response(
            request,
            ProblemError(exc.status_code, detail.get(exc.status_code), headers=headers),
        )

    async def unhandled(request: Request, exc: Exception) -> Response:
        logger.error("unhandled error outside an operation", exc_info=exc)
        return _problem_response(request, internal_error())

    app.add_exception_handler(StarletteHTTPException, http_exception)
    app.add_exception_handler(Exception, unhandled)


__all__ = [
    "BOOL_TEXT",
    "INT_TEXT",
    "PROBLEM_MEDIA_TYPE",
    "UUID_TEXT",
    "Authenticator",
    "ContractViolation",
    "DeclaredResponse",
    "OperationContract",
    "Principal",
    "ProblemError",
    "RateLimiter",
    "RequestScope",
    "contract_route",
    "install_problem_handlers",
    "render",
    "validation_problem",
]
