"""What an application plugs into the generated routers (besides the Authenticator, see security.py)."""

from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import Protocol, TypeVar

from starlette.requests import Request

Principal = TypeVar("Principal")


class RateLimiter(Protocol):
    """Counts a request against its client's quota before the operation runs (operations that declare 429).

    Returns the headers every answer to the request carries (the spec's `x-supplied-by: rate-limiter` headers);
    raises a 429 ProblemError carrying them and `Retry-After` when the quota is spent.
    """

    async def acquire(self, request: Request, operation_id: str) -> Mapping[str, str]: ...


# Opens the request's unit of work: entered before authentication and the operation run, left (commit or
# rollback) before the response is sent, so a client always reads its own writes.
RequestScope = Callable[[], AbstractAsyncContextManager[object]]
