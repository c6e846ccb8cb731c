"""Responses: a response leaves only with a status the operation declares, a body that validates against the
declared schema and every required header. Anything else is a `ContractViolation` (a logged 500)."""

from collections.abc import Mapping
from contextvars import ContextVar
from types import MappingProxyType

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from contract_runtime.contract import ContractViolation, OperationContract
from contract_runtime.problems import PROBLEM_MEDIA_TYPE, ProblemError, problem_payload
from contract_runtime.request_context import current_request_context

# Headers the runtime supplies for the current request (the rate limiter's), merged into whatever it answers.
runtime_headers: ContextVar[Mapping[str, str]] = ContextVar("runtime_headers", default=MappingProxyType({}))


def _model_json(model: type[BaseModel], body: BaseModel) -> bytes:
    if not isinstance(body, model):
        raise ContractViolation(f"body is {type(body).__name__}, the spec declares {model.__name__}")
    # Re-validate: an implementation may have built or mutated the object without validation.
    checked = model.model_validate(body.model_dump(by_alias=True))
    return checked.model_dump_json(by_alias=True).encode()


def render(
    contract: OperationContract, status: int, body: BaseModel | None, headers: Mapping[str, str] | None = None
) -> Response:
    """Build the response for a success result, refusing anything the spec does not declare."""
    declared = contract.responses.get(status)
    if declared is None:
        raise ContractViolation(f"{contract.operation_id} does not declare status {status}")
    all_headers = {
        **declared.fixed_headers,
        **current_request_context().headers,
        **runtime_headers.get(),
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


def checked_problem(request: Request, contract: OperationContract, error: ProblemError) -> Response:
    """Render a problem the operation declares, through its declared schema; refuse any other."""
    declared = contract.responses.get(error.status)
    if declared is None or declared.model is None or declared.media_type != PROBLEM_MEDIA_TYPE:
        raise ContractViolation(f"{contract.operation_id} does not declare a problem for status {error.status}")
    headers = {**declared.fixed_headers, **current_request_context().headers, **runtime_headers.get(), **error.headers}
    missing = [name for name in declared.required_headers if name not in headers]
    if missing:
        raise ContractViolation(f"{contract.operation_id} {error.status} is missing required headers {missing}")
    try:
        # Rendered through the declared model: undeclared members are dropped and schema defaults fill members
        # a generic refusal knows nothing about (e.g. the OAuth2 `error` code of a malformed token request).
        document = declared.model.model_validate({**declared.defaults, **problem_payload(request, error)})
    except ValidationError as exc:
        raise ContractViolation(f"{contract.operation_id} {error.status} problem breaks its schema: {exc}") from exc
    return Response(
        content=document.model_dump_json(by_alias=True).encode(),
        status_code=error.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )
