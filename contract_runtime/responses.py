"""Responses: only declared statuses, media types, bodies and headers leave the server.

Results from implementations and problems alike go through the operation's declared responses: the status must be
declared (exactly, by range or as `default`), the body must validate against the declared schema of the media type
negotiated from `Accept`, every required header must be there and no undeclared header gets out. Anything else is
a `ContractViolation` (a logged 500 that says nothing about internals).
"""

import json
import logging
from collections.abc import AsyncIterable, Mapping
from contextvars import ContextVar
from types import MappingProxyType
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from contract_runtime import encoding, jsontext, media
from contract_runtime.contract import (
    BINARY,
    JSON,
    TEXT,
    XML,
    ContractViolation,
    DeclaredResponse,
    MediaSpec,
    OperationContract,
)
from contract_runtime.files import Binary
from contract_runtime.problems import PROBLEM_MEDIA_TYPE, ProblemError, as_bad_request, problem_payload
from contract_runtime.request_context import current_request_context

logger = logging.getLogger("contract_runtime")

# Headers the runtime supplies for the current request (the rate limiter's), merged into whatever it answers.
runtime_headers: ContextVar[Mapping[str, str]] = ContextVar("runtime_headers", default=MappingProxyType({}))

_BAD_REQUEST_FAMILY = {422: 400, 400: 422}

# Headers HTTP itself requires with some statuses: sent even where a spec forgets to declare them.
_HTTP_REQUIRED = {401: "www-authenticate", 405: "allow", 407: "proxy-authenticate", 416: "content-range"}


class CheckedResponse(Response):
    """A response the runtime built from the contract: operation middlewares may pass it on unchanged."""


class CheckedStreamingResponse(StreamingResponse):
    pass


def _headers(
    contract_id: str, status: int, declared: DeclaredResponse, supplied: Mapping[str, str], strict: bool
) -> dict[str, str]:
    """The declared headers to send: fixed ones, the runtime's and the implementation's; undeclared ones are left
    out (`strict`: refused) but for those HTTP requires with the status."""
    headers = {**declared.fixed_headers}
    for source in (current_request_context().headers, runtime_headers.get(), supplied):
        for name, value in source.items():
            spec = declared.header(name)
            if spec is None:
                if _HTTP_REQUIRED.get(status) == name.lower():
                    headers[name] = value
                elif strict:
                    raise ContractViolation(f"{contract_id} {status} sends undeclared header {name}")
                continue
            if not encoding.header_value_fits(spec.schema, value):
                raise ContractViolation(f"{contract_id} {status} header {name}={value!r} breaks its schema")
            headers[spec.name] = value
    present = {name.lower() for name in headers}
    missing = [name for name in declared.required_headers if name.lower() not in present]
    if missing:
        raise ContractViolation(f"{contract_id} {status} is missing required headers {missing}")
    return headers


def _concrete(spec: MediaSpec, body: Any, where: str) -> str:
    if isinstance(body, Binary) and body.media_type is not None:
        if not media.matches(spec.media_type, body.media_type):
            raise ContractViolation(f"{where}: {body.media_type} is not {spec.media_type}")
        return body.media_type
    parsed = media.parse(spec.media_type)
    if parsed is None or "*" in (parsed.type, parsed.subtype):
        raise ContractViolation(f"{where}: the declared {spec.media_type} needs a concrete media type (Binary)")
    return spec.media_type


def _content_type(media_type: str, kind: str) -> str:
    if kind in (JSON, XML, TEXT) and "charset" not in media_type and not media_type.endswith("json"):
        return f"{media_type}; charset=utf-8"
    return media_type


def _respond(
    status: int, content: bytes | AsyncIterable[bytes] | None, media_type: str | None, headers: dict[str, str]
) -> Response:
    if content is None:
        return CheckedResponse(status_code=status, headers=headers)
    if isinstance(content, bytes):
        return CheckedResponse(content=content, status_code=status, media_type=media_type, headers=headers)
    return CheckedStreamingResponse(content, status_code=status, media_type=media_type, headers=headers)


def render(
    request: Request,
    contract: OperationContract,
    status: int,
    body: Any,
    headers: Mapping[str, Any] | None = None,
) -> Response:
    """Build the response for a result, refusing anything the spec does not declare."""
    declared = contract.response_for(status)
    where = f"{contract.operation_id} {status}"
    if declared is None and not contract.responses and body is None:
        # OpenAPI 3.1 lets an operation declare no responses at all: an empty answer is all it can promise.
        declared = DeclaredResponse(status=str(status))
    if declared is None:
        raise ContractViolation(f"{contract.operation_id} does not declare status {status}")
    for name, value in (headers or {}).items():
        header = declared.header(name)
        if value is not None and header is not None and header.type is not None:
            try:
                encoding.adapter(header.type).validate_python(value)
            except ValidationError as exc:
                raise ContractViolation(
                    f"{contract.operation_id} {status} header {name} breaks its schema: {exc}"
                ) from exc
    typed = {name: encoding.header_text(value) for name, value in (headers or {}).items() if value is not None}
    all_headers = _headers(contract.operation_id, status, declared, typed, strict=True)
    if not declared.content:
        if body is not None:
            raise ContractViolation(f"{where} declares no body")
        return _respond(status, None, None, all_headers)
    if body is None:
        raise ContractViolation(f"{where} requires a body")
    candidates = [m for m in declared.content if encoding.fits(m, body)]
    if not candidates:
        raise ContractViolation(
            f"{where}: a {type(body).__name__} fits none of {[m.media_type for m in declared.content]}"
        )
    chosen_type = media.negotiate(request.headers.get("accept"), [m.media_type for m in candidates])
    # A client accepting none of them still gets one (RFC 9110 12.5.1 lets a server disregard Accept); an
    # operation none of whose representations is acceptable was refused with 406 before it ran.
    spec = next(m for m in candidates if m.media_type == chosen_type) if chosen_type else candidates[0]
    concrete = _concrete(spec, body, where)
    content = encoding.encode(spec, concrete, body, contract.schemas, where)
    return _respond(status, content, _content_type(concrete, spec.kind), all_headers)


def render_result(request: Request, contract: OperationContract, result: Any) -> Response:
    """An implementation's answer: a bare body of the default status, or a typed result object."""
    if contract.result_mode == "bare":
        assert contract.default_status is not None
        return render(request, contract, contract.default_status, result)
    status = getattr(result, "status", None)
    if not isinstance(status, int) or not hasattr(result, "headers"):
        raise ContractViolation(f"{contract.operation_id}: {type(result).__name__} is no result of this operation")
    declared = contract.response_for(status)
    if declared is None or (not hasattr(result, "body") and declared.content):
        raise ContractViolation(f"{contract.operation_id} does not declare status {status} for this result")
    return render(request, contract, status, getattr(result, "body", None), result.headers())


class RefusalRenderer(Protocol):
    """Renders a refusal whose declared response has a body that is not a problem document (e.g. a spec's own
    `Error {code, message}`): returns the body to send, or None to send the problem document as it is."""

    def __call__(
        self, contract: OperationContract, declared: DeclaredResponse, spec: MediaSpec, error: ProblemError
    ) -> Any: ...


def _problem_document(request: Request, declared: DeclaredResponse, spec: MediaSpec, error: ProblemError) -> Any:
    payload = {**declared.defaults, **problem_payload(request, error)}
    if spec.type is None:
        return payload
    if isinstance(spec.type, type) and issubclass(spec.type, BaseModel):
        # Rendered through the declared model: undeclared members are dropped and schema defaults fill members
        # a generic refusal knows nothing about (e.g. the OAuth2 `error` code of a malformed token request).
        return spec.type.model_validate(payload)
    return encoding.adapter(spec.type).validate_python(payload)


def plain_problem(request: Request, error: ProblemError, headers: Mapping[str, str] | None = None) -> Response:
    document = problem_payload(request, error)
    return Response(
        content=json.dumps(document, ensure_ascii=False).encode(),
        status_code=error.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers={**current_request_context().headers, **(headers or {})},
    )


def checked_problem(
    request: Request,
    contract: OperationContract,
    error: ProblemError,
    *,
    refusal: bool = False,
    renderer: RefusalRenderer | None = None,
) -> Response:
    """Render a problem through the response the operation declares for its status.

    An implementation's problem with an undeclared status is a ContractViolation. A refusal by the runtime itself
    (bad input, missing credentials, unacceptable Accept) must be sent whatever the spec declares: when the spec
    has no response for it, or one whose body cannot hold it, the plain problem document goes out and the gap is
    logged.
    """
    declared = contract.response_for(error.status)
    if declared is None and refusal and error.status in _BAD_REQUEST_FAMILY:
        # A spec that declares only one of 400 and 422 answers both kinds of bad input with the one it declares.
        other = _BAD_REQUEST_FAMILY[error.status]
        if contract.response_for(other) is not None:
            if other == 400:
                # E.g. an OAuth2 token endpoint (RFC 6749 section 5.2): the 400's detail names the first bad field.
                error = as_bad_request(error)
            else:
                error.status = other
                error.title = "Unprocessable Content"
            declared = contract.response_for(other)
    if declared is None:
        if not refusal:
            raise ContractViolation(f"{contract.operation_id} does not declare a problem for status {error.status}")
        logger.warning("%s: refused with %s, which the spec does not declare", contract.operation_id, error.status)
        return plain_problem(request, error, _http_required(error))
    headers = _headers(contract.operation_id, error.status, declared, error.headers, strict=False)
    if not declared.content:
        return _respond(error.status, None, None, headers)
    offered = [m for m in declared.content if m.kind in (JSON, XML)] or list(declared.content)
    chosen = media.negotiate(request.headers.get("accept"), [m.media_type for m in offered])
    spec = next((m for m in offered if m.media_type == chosen), offered[0])
    try:
        document = _problem_document(request, declared, spec, error)
    except ValidationError as exc:
        custom = renderer(contract, declared, spec, error) if renderer is not None else None
        if custom is None:
            if not refusal:
                raise ContractViolation(
                    f"{contract.operation_id} {error.status} problem breaks its schema: {exc}"
                ) from exc
            logger.warning("%s: the declared %s cannot hold a problem document", contract.operation_id, error.status)
            return plain_problem(request, error, headers)
        document = custom
    if spec.kind in (JSON, XML):
        concrete = spec.media_type if "*" not in spec.media_type else PROBLEM_MEDIA_TYPE
        content = encoding.encode(spec, concrete, document, contract.schemas, contract.operation_id)
        return _respond(error.status, content, _content_type(concrete, spec.kind), headers)
    if spec.kind == BINARY:
        return _respond(error.status, b"", spec.media_type, headers)
    return _respond(
        error.status, str(error.detail or error.title).encode(), _content_type(spec.media_type, TEXT), headers
    )


def _http_required(error: ProblemError) -> dict[str, str]:
    wanted = _HTTP_REQUIRED.get(error.status)
    return {k: v for k, v in error.headers.items() if k.lower() == wanted}


def check_outgoing(request: Request, contract: OperationContract, response: Response) -> Response:
    """A response an operation middleware made itself: its status, media type and required headers must be
    declared, and a JSON body must validate."""
    if isinstance(response, CheckedResponse | CheckedStreamingResponse):
        return response
    where = f"{contract.operation_id} {response.status_code} (from a middleware)"
    declared = contract.response_for(response.status_code)
    if declared is None:
        raise ContractViolation(f"{where}: status not declared")
    present = {name.lower() for name in response.headers}
    missing = [name for name in declared.required_headers if name.lower() not in present]
    if missing:
        raise ContractViolation(f"{where}: missing required headers {missing}")
    body = getattr(response, "body", b"")
    if not body:
        return response
    content_type = response.headers.get("content-type", "")
    spec = media.select_body_media(declared.content, content_type)
    if spec is None:
        raise ContractViolation(f"{where}: {content_type!r} is not declared")
    if spec.kind == JSON and spec.type is not None:
        try:
            encoding.adapter(spec.type).validate_python(jsontext.loads(body))
        except ValueError as exc:  # not JSON, or a ValidationError
            raise ContractViolation(f"{where}: body breaks its schema: {exc}") from exc
    return response


def replay(
    request: Request,
    contract: OperationContract,
    status: int,
    body: bytes,
    content_type: str | None,
    headers: Mapping[str, str],
) -> Response:
    """An answer rendered (and checked) once before, sent again: a stored idempotent answer. Its status and
    headers are checked against the contract as they are now; the request's own runtime headers (rate limit,
    request id) are merged in as for any answer."""
    declared = contract.response_for(status)
    if declared is None:
        raise ContractViolation(f"{contract.operation_id} does not declare status {status} (replayed)")
    all_headers = _headers(contract.operation_id, status, declared, headers, strict=True)
    if not body:
        return _respond(status, None, None, all_headers)
    return _respond(status, body, content_type, all_headers)
