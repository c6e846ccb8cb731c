"""What the hand-written layer needs around each generated operation call.

- ``call_context``: what one logical call tells the retrying transport (its ``Idempotency-Key``), and what the
  transport tells back (the last answer, for problems the generated parser could not read). A context variable,
  because the generated functions take no per-call headers; each asyncio task and each thread has its own.
- ``expect`` and ``expect_no_content``: a generated ``Response[Success | Problem | ...]`` becomes the success
  model or an ``ApiProblem``, so callers never need an ``isinstance``.
- conversions from the convenient argument types (``None``, ``Decimal``, ``str`` ids) to the generated ones.
"""

from __future__ import annotations

import importlib.metadata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import httpx

from .problems import ApiConnectionError, ApiProblem, UnexpectedAnswer, problem_from_response
from .types import UNSET, Response, Unset

T = TypeVar("T")

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"


@dataclass
class CallContext:
    idempotency_key: str | None
    last_response: httpx.Response | None = None
    attempts: int = 0


_current_call: ContextVar[CallContext | None] = ContextVar("contract_api_client_call", default=None)


def current_call() -> CallContext | None:
    return _current_call.get()


@contextmanager
def call_context(*, idempotency_key: str | None = None) -> Iterator[CallContext]:
    """One logical call (its retries included). A nested call (a token refresh inside a create) gets its own."""
    context = CallContext(idempotency_key)
    token = _current_call.set(context)
    try:
        yield context
    finally:
        _current_call.reset(token)


def user_agent() -> str:
    try:
        version = importlib.metadata.version("contract-api-client")
    except importlib.metadata.PackageNotFoundError:  # imported from a source tree, not installed
        version = "source"
    return f"contract-api-client-python/{version}"


def new_idempotency_key(given: str | None) -> str:
    """The caller's key, or a fresh one: one per logical call, reused by that call's retries."""
    return given if given is not None else str(uuid.uuid4())


def connection_error(error: httpx.TransportError, context: CallContext) -> ApiConnectionError:
    try:
        request: httpx.Request | None = error.request
    except RuntimeError:  # httpx raises when the error was made without a request
        request = None
    where = f" ({request.method} {request.url.path})" if request is not None else ""
    attempts = f" after {context.attempts} attempts" if context.attempts > 1 else ""
    return ApiConnectionError(f"no answer from the API{where}{attempts}: {error!r}")


def unreadable_answer(error: Exception, context: CallContext) -> ApiProblem | UnexpectedAnswer:
    """The generated parser choked on a body that is not the declared one (a proxy's HTML page, say)."""
    response = context.last_response
    if response is None:
        return UnexpectedAnswer(f"an answer the contract does not declare: {error!r}", status=0)
    if response.status_code >= 400:
        return problem_from_response(response.status_code, response.headers, response.content)
    return UnexpectedAnswer(
        f"a {response.status_code} answer whose body the contract does not declare: {error!r}",
        status=response.status_code,
    )


def expect(response: Response[Any], model: type[T]) -> T:
    """The parsed success body, or the ``ApiProblem`` for the answer."""
    if 200 <= response.status_code < 300:
        if isinstance(response.parsed, model):
            return response.parsed
        raise UnexpectedAnswer(
            f"a {int(response.status_code)} answer that is not a {model.__name__}", status=int(response.status_code)
        )
    raise problem_from_response(int(response.status_code), httpx.Headers(response.headers), response.content)


def expect_no_content(response: Response[Any]) -> None:
    if 200 <= response.status_code < 300:
        return
    raise problem_from_response(int(response.status_code), httpx.Headers(response.headers), response.content)


def given(value: T | None) -> T | Unset:
    """``None`` (left out) as the generated client's ``UNSET``."""
    return UNSET if value is None else value


def amount(value: Decimal | str) -> str:
    """An amount as the API writes it: a ``Decimal`` with at most two places becomes ``"19.90"``; anything else is
    sent as given, so the server's 422 names the field rather than the SDK rounding money."""
    if isinstance(value, Decimal) and value.is_finite():
        cents = value.quantize(Decimal("0.01"))
        if cents == value:
            return f"{cents:f}"
        return f"{value:f}"
    return str(value)


def optional_amount(value: Decimal | str | None) -> str | Unset:
    return UNSET if value is None else amount(value)


def as_uuid(value: uuid.UUID | str) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)
