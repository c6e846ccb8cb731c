"""The route class every generated operation uses, and the app-level problem handlers (404, 405, 500).

The route's handler is the only place where a request enters and a response leaves an operation, so it enforces
the contract both ways: the rate limit and body checks run first, the operation runs inside the request scope,
and only declared responses leave (anything else becomes a logged 500 that says nothing about internals).
"""

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

from contract_runtime.checks import check_body
from contract_runtime.contract import ContractViolation, OperationContract
from contract_runtime.problems import ProblemError, as_bad_request, internal_error, problem_response, validation_problem
from contract_runtime.protocols import RateLimiter, RequestScope
from contract_runtime.responses import checked_problem, runtime_headers

logger = logging.getLogger("contract_runtime")


def contract_route(
    contract: OperationContract, request_scope: RequestScope, rate_limiter: RateLimiter
) -> type[APIRoute]:
    """An APIRoute whose handler runs inside the request scope and lets only declared responses out."""

    class ContractRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handle = super().get_route_handler()

            async def contract_handler(request: Request) -> Response:
                supplied = runtime_headers.set({})
                try:
                    try:
                        # Counted first: a refused request costs no body reading, no parsing, no database work.
                        if contract.rate_limited:
                            runtime_headers.set(await rate_limiter.acquire(request, contract.operation_id))
                        await check_body(request, contract)
                        async with request_scope():
                            return await handle(request)
                    except ProblemError as error:
                        return checked_problem(request, contract, error)
                    except RequestValidationError as error:
                        return checked_problem(request, contract, _declared_refusal(contract, error))
                    except StarletteHTTPException as error:
                        # FastAPI's own refusals, e.g. 400 for a body that is not UTF-8.
                        if not 400 <= error.status_code < 500:
                            raise
                        refusal = ProblemError(error.status_code, str(error.detail), headers=error.headers)
                        return checked_problem(request, contract, refusal)
                except ContractViolation:
                    logger.exception("contract violation in %s", contract.operation_id)
                except Exception:
                    logger.exception("unhandled error in %s", contract.operation_id)
                finally:
                    runtime_headers.reset(supplied)
                return problem_response(request, internal_error())

            return contract_handler

    return ContractRoute


def _declared_refusal(contract: OperationContract, error: RequestValidationError) -> ProblemError:
    """422 for a request that breaks the contract; 400 on an operation that declares 400 but not 422."""
    problem = validation_problem(error.errors())
    if problem.status == 422 and 422 not in contract.responses and 400 in contract.responses:
        return as_bad_request(problem)
    return problem


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
    """Unknown paths (404), wrong methods (405, with `Allow`) and unhandled errors (500) are problem+json too."""

    async def http_exception(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        headers: dict[str, str] = {}
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(app, request))
        detail = {404: "There is no resource at this path.", 405: "This method is not allowed on this path."}
        return problem_response(request, ProblemError(exc.status_code, detail.get(exc.status_code), headers=headers))

    async def unhandled(request: Request, exc: Exception) -> Response:
        logger.error("unhandled error outside an operation", exc_info=exc)
        return problem_response(request, internal_error())

    app.add_exception_handler(StarletteHTTPException, http_exception)
    app.add_exception_handler(Exception, unhandled)
