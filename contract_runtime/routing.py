"""The operation pipeline, the routes that run it, and the app-level problem handlers (404, 405, 500).

A request for an operation goes through, in this order (each refusal is a problem document through the declared
responses): the rate limit (429), `Accept` (406), the body's size (413), media type (415) and syntax (400); then,
inside the request scope, security (401), parameter and body validation (422), the operation middlewares around the
implementation call and the rendering of its answer. Only declared responses leave: anything else becomes a logged
500 that says nothing about internals.
"""

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import FastAPI
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import Receive, Scope, Send

from contract_runtime import media
from contract_runtime.bodies import NO_BODY, BodyErrors, read_body
from contract_runtime.checks import format_errors, read_limited_body
from contract_runtime.contract import FORM, MULTIPART, XML, ContractViolation, OperationContract
from contract_runtime.encoding import adapter
from contract_runtime.middleware import OperationMiddleware, run_chain
from contract_runtime.params import read_parameters
from contract_runtime.problems import (
    MAX_INSTANCE_LENGTH,
    ProblemError,
    internal_error,
    problem_instance,
    problem_response,
    validation_problem,
)
from contract_runtime.protocols import RateLimiter, RequestScope
from contract_runtime.refusals import Refusal
from contract_runtime.responses import (
    CheckedResponse,
    RefusalRenderer,
    check_outgoing,
    checked_problem,
    render_result,
    runtime_headers,
)
from contract_runtime.security import Authenticator, authenticate

logger = logging.getLogger("contract_runtime")

T = TypeVar("T")


@dataclass(frozen=True)
class Arguments(Generic[T]):
    """What the generated adapter hands the implementation: validated parameters, body and principal."""

    parameters: T
    body: Any
    principal: Any
    # The media type the answer will be sent in, negotiated from Accept among the operation's success media types.
    media_type: Any = None


Handler = Callable[[Arguments[Any]], Awaitable[object]]


@dataclass(frozen=True)
class BoundOperation:
    """An operation bound to its implementation. `head` serves a declared HEAD through this GET (RFC 9110 9.3.2)."""

    contract: OperationContract
    handler: Handler
    head: OperationContract | None = None


@dataclass(frozen=True)
class Runtime:
    """What an application plugs in; every part is optional."""

    security: Authenticator[Any] | None = None
    request_scope: RequestScope | None = None
    rate_limiter: RateLimiter | None = None
    middlewares: Sequence[OperationMiddleware] = ()
    refusal_renderer: RefusalRenderer | None = None


def _scope(runtime: Runtime) -> AbstractAsyncContextManager[object]:
    return runtime.request_scope() if runtime.request_scope is not None else nullcontext()


async def _arguments(
    request: Request, contract: OperationContract, path_params: dict[str, str], principal: Any
) -> Arguments[Any]:
    values, errors = read_parameters(request, path_params, contract.parameters, contract.schemas)
    parameters: Any = None
    if contract.parameters_type is not None:
        by_field = {p.keyword: p for p in contract.parameters}
        try:
            parameters = adapter(contract.parameters_type).validate_python(values)
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error.get("loc", ()))
                spec = by_field.get(str(loc[0])) if loc else None
                where = (spec.location, spec.name, *loc[1:]) if spec else ("query", *loc)
                errors.append({**error, "loc": where})
    body: Any = None
    try:
        # An operation that declares no body ignores one sent anyway: not read at all.
        sent = await request.body() if contract.body is not None else b""
        chosen, raw = await read_body(request, sent, contract)
    except BodyErrors as exc:
        errors.extend(exc.errors)
        chosen, raw = None, NO_BODY
    else:
        if raw is NO_BODY:
            if contract.body is not None and contract.body.required:
                errors.extend(_missing_body(contract))
        elif chosen is not None and chosen.type is not None:
            if chosen.kind in (FORM, MULTIPART, XML) and chosen.schema:
                before = len(errors)
                format_errors(raw, chosen.schema, contract.schemas, (), errors)
                if len(errors) > before:
                    raw = NO_BODY
            try:
                body = adapter(chosen.type).validate_python(raw) if raw is not NO_BODY else None
            except ValidationError as exc:
                errors.extend({**e, "loc": ("body", *e.get("loc", ()))} for e in exc.errors())
        else:
            body = raw
    if errors:
        problem = validation_problem(errors, contract.pattern_messages)
        raise Refusal(
            problem.status,
            problem.detail,
            title=problem.title,
            type=problem.type,
            headers=problem.headers,
            extensions=problem.extensions,
        )
    negotiated = media.negotiate(request.headers.get("accept"), contract.success_media_types)
    return Arguments(parameters=parameters, body=body, principal=principal, media_type=negotiated)


def _missing_body(contract: OperationContract) -> list[dict[str, Any]]:
    """A required body that was not sent. An absent form is an empty one: its required fields are named."""
    assert contract.body is not None
    media = contract.body.media
    if media and all(m.kind in (FORM, MULTIPART) for m in media) and media[0].type is not None:
        try:
            adapter(media[0].type).validate_python({})
        except ValidationError as exc:
            return [{**e, "loc": ("body", *e.get("loc", ()))} for e in exc.errors()]
    return [{"loc": ("body",), "msg": "Field required", "type": "missing"}]


def _head_response(head: OperationContract, response: Response) -> Response:
    if head.response_for(response.status_code) is None:
        raise ContractViolation(f"{head.operation_id} does not declare status {response.status_code}")
    stripped = CheckedResponse(status_code=response.status_code)
    stripped.raw_headers = [(k, v) for k, v in response.raw_headers]
    return stripped


async def run_operation(
    request: Request, operation: BoundOperation, runtime: Runtime, path_params: dict[str, str]
) -> Response:
    contract = operation.contract
    supplied = runtime_headers.set({})
    try:
        try:
            # Counted first: a refused request costs no body reading, no parsing, no database work.
            if contract.rate_limited and runtime.rate_limiter is not None:
                runtime_headers.set(await runtime.rate_limiter.acquire(request, contract.operation_id))
            if contract.response_for(404) is not None and len(problem_instance(request.scope)) > MAX_INSTANCE_LENGTH:
                # No resource has a path this long (and no problem document could name it).
                raise ProblemError(404, "There is no resource at this path.")
            if not media.acceptable(request.headers.get("accept"), contract.success_media_types):
                offered = ", ".join(contract.success_media_types)
                raise Refusal(406, f"This operation answers in {offered}; the Accept header allows none of them.")
            if contract.body is not None:
                await read_limited_body(request, contract.max_body_bytes)
            async with _scope(runtime):
                principal = await authenticate(request, contract, runtime.security)
                arguments = await _arguments(request, contract, path_params, principal)

                async def call_implementation() -> Response:
                    result = await operation.handler(arguments)
                    return render_result(request, contract, result)

                response = await run_chain(runtime.middlewares, request, contract, principal, call_implementation)
                response = check_outgoing(request, contract, response)
        except Refusal as error:
            response = checked_problem(request, contract, error, refusal=True, renderer=runtime.refusal_renderer)
        except ProblemError as error:
            # 401s and 429s from the application's hooks are refusals too: the spec must not make them 500s.
            refusal = error.status in (401, 403, 429) or getattr(error, "refusal", False)
            response = checked_problem(request, contract, error, refusal=refusal, renderer=runtime.refusal_renderer)
        if operation.head is not None:
            response = _head_response(operation.head, response)
        return response
    except ContractViolation:
        logger.exception("contract violation in %s", contract.operation_id)
    except Exception:
        logger.exception("unhandled error in %s", contract.operation_id)
    finally:
        runtime_headers.reset(supplied)
    return problem_response(request, internal_error())


_TEMPLATE = re.compile(r"\{([^{}]+)\}")


def compile_path(path: str) -> tuple[re.Pattern[str], list[str]]:
    names: list[str] = []
    pattern = ""
    last = 0
    for match in _TEMPLATE.finditer(path):
        pattern += re.escape(path[last : match.start()])
        pattern += f"(?P<p{len(names)}>[^/]+)"
        names.append(match.group(1))
        last = match.end()
    pattern += re.escape(path[last:])
    return re.compile(f"^{pattern}$"), names


class OperationRoute(BaseRoute):
    """One path and method of the spec. Path templates match one segment each; nothing else is added (no
    automatic HEAD for GET, no slash redirects)."""

    def __init__(self, operation: BoundOperation, runtime: Runtime) -> None:
        self.operation = operation
        self.runtime = runtime
        self.path = operation.contract.path
        self.method = operation.head.method if operation.head is not None else operation.contract.method
        self.regex, self.names = compile_path(self.path)
        self.name = self.operation_id = operation.contract.operation_id
        self.methods = {self.method}
        # More specific paths (fewer templates) that also match: OpenAPI gives them precedence for every method.
        self.shadows: list[re.Pattern[str]] = []

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        found = self.regex.match(scope["path"])
        if found is None or any(shadow.match(scope["path"]) for shadow in self.shadows):
            return Match.NONE, {}
        params = {name: found.group(f"p{index}") for index, name in enumerate(self.names)}
        # "route" as Starlette's own routes record it: logs and metrics read the answering operation from the scope.
        child = {"endpoint": self.handle, "route": self, "path_params": {**scope.get("path_params", {}), **params}}
        return (Match.FULL if scope["method"] == self.method else Match.PARTIAL), child

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        raise NotImplementedError("generated operations are addressed by the spec's paths")

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != self.method:
            raise StarletteHTTPException(405)
        request = Request(scope, receive, send)
        path_params = {name: scope["path_params"][name] for name in self.names}
        response = await run_operation(request, self.operation, self.runtime, path_params)
        await response(scope, receive, send)


def _literal_first(operation: BoundOperation) -> tuple[int, int]:
    path = operation.contract.path
    return (len(_TEMPLATE.findall(path)), -len(path))


def mount(app: FastAPI, operations: Sequence[BoundOperation], runtime: Runtime) -> None:
    """Add the operations to the app: literal paths before templated ones, as OpenAPI matching requires."""
    routes = [OperationRoute(operation, runtime) for operation in sorted(operations, key=_literal_first)]
    for route in routes:
        count = len(route.names)
        route.shadows = list(
            {r.path: r.regex for r in routes if r.path != route.path and len(r.names) < count}.values()
        )
        app.router.routes.append(route)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")


def _allowed_methods(app: FastAPI, request: Request) -> list[str]:
    # Ask the router itself, method by method: Starlette's own 405 names only the first partially matching
    # route's methods.
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


def build_app(
    title: str,
    operations: Sequence[BoundOperation],
    runtime: Runtime,
    **fastapi_options: Any,
) -> FastAPI:
    """The application generated `create_app`s return: only the spec's operations, problem+json everywhere."""
    # The hand-written spec is served as it is; FastAPI's own schema and docs would be a second, drifting copy.
    fastapi_options.update(openapi_url=None, docs_url=None, redoc_url=None)
    # Only the spec's paths exist: no 307 from `/v1/items/` to `/v1/items`.
    fastapi_options.setdefault("redirect_slashes", False)
    app = FastAPI(title=title, **fastapi_options)
    install_problem_handlers(app)
    mount(app, operations, runtime)
    return app
