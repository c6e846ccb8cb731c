"""What the application supplies for the request being answered: the headers every answer carries (the spec's
`x-supplied-by` headers the application provides, such as `X-Request-ID`) and the request id a 500 problem names.

The application sets it once per request before routing (e.g. in a middleware) and resets it afterwards;
`render`, `checked_problem` and `problem_response` merge the headers into whatever they answer, so the required
headers check sees them.
"""

from collections.abc import Mapping
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class RequestContext:
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    request_id: str | None = None


_NOTHING_SUPPLIED = RequestContext()  # frozen: safe to share as the default
_current: ContextVar[RequestContext] = ContextVar("contract_runtime_request_context", default=_NOTHING_SUPPLIED)


def supply_request_context(*, headers: Mapping[str, str], request_id: str | None = None) -> Token[RequestContext]:
    """Supply the current request's headers and id; pass the returned token to `reset_request_context`."""
    return _current.set(RequestContext(MappingProxyType(dict(headers)), request_id))


def reset_request_context(token: Token[RequestContext]) -> None:
    _current.reset(token)


def current_request_context() -> RequestContext:
    return _current.get()
