"""Operation middlewares: code that runs for every operation, inside the request scope, after security is
resolved, around the implementation call and the rendering of its answer.

A middleware receives the request, the operation's contract, the principal (None for anonymous calls) and
`call_next`, which runs the rest of the chain and returns the rendered response. It may return that response,
another one of its own (a replayed idempotent answer, a 304 or a 412), or raise a ProblemError. Whatever it
returns is checked against the contract like any other answer: only declared responses leave.
"""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response

from contract_runtime.contract import OperationContract

CallNext = Callable[[], Awaitable[Response]]


class OperationMiddleware(Protocol):
    async def __call__(
        self, request: Request, contract: OperationContract, principal: Any, call_next: CallNext
    ) -> Response: ...


async def run_chain(
    middlewares: Sequence[OperationMiddleware],
    request: Request,
    contract: OperationContract,
    principal: Any,
    innermost: CallNext,
) -> Response:
    """The first middleware is the outermost."""

    def link(index: int) -> CallNext:
        if index == len(middlewares):
            return innermost

        async def call() -> Response:
            return await middlewares[index](request, contract, principal, link(index + 1))

        return call

    return await link(0)()
