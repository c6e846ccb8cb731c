"""One middleware, outermost, around every HTTP request: the request id, the access log line and the metrics.

- The request id (the client's valid `X-Request-ID`, or a new one) is supplied to the contract runtime before
  routing (it renders the spec's required `X-Request-ID` and names the id in 500 problems), bound to every log
  line, and added to any answer that does not carry it yet (docs, /metrics, CORS preflights).
- One access line per request: method, path (never the query string: it may carry credentials), operationId,
  status, duration, client address. Probes and scrapes that succeed are logged at DEBUG only.
- An exception nothing else handled becomes a 500 problem with the request id, logged once with its traceback,
  instead of a bare line and a traceback with no context.

It reads what answered from the scope the router records it in (`scope["route"]`): a middleware between this one
and the router that replaces the scope with a copy (a forwarded-headers middleware setting the client address
does) must sit outside this one, or every request counts as `unmatched` (tests/observability catch that).
"""

from __future__ import annotations

import time
from typing import Any

import structlog
from opentelemetry import trace
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contract_runtime.problems import internal_error, problem_response
from contract_runtime.request_context import reset_request_context, supply_request_context
from impl.observability import metrics
from impl.observability.current_request import current_scope, operation_id_of, route_label_of
from impl.observability.logging import access_logger
from impl.observability.request_id import REQUEST_ID_HEADER, request_id_from_headers

_HEADER_KEY = REQUEST_ID_HEADER.lower().encode("latin-1")
# Answered every few seconds by design: an access line each at INFO would drown everything else.
_QUIET_ROUTES = frozenset({"getLiveness", "getReadiness", metrics.METRICS_PATH})

logger = structlog.get_logger("impl.observability")


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from_headers(scope.get("headers", []))
        started = time.perf_counter()
        status: int | None = None

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                if not any(name.lower() == _HEADER_KEY for name, _ in headers):
                    headers.append((_HEADER_KEY, request_id.encode("latin-1")))
                    message = {**message, "headers": headers}
            await send(message)

        span = trace.get_current_span()
        if span.is_recording():
            span.set_attribute("http.request_id", request_id)
        supplied = supply_request_context(headers={REQUEST_ID_HEADER: request_id}, request_id=request_id)
        scope_token = current_scope.set(scope)
        metrics.REQUESTS_IN_FLIGHT.inc()
        try:
            with structlog.contextvars.bound_contextvars(request_id=request_id):
                try:
                    await self.app(scope, receive, send_with_request_id)
                except Exception:
                    logger.exception("unhandled error", method=scope["method"], path=scope["path"])
                    if status is not None:
                        raise  # the answer has begun: nothing to do but let the server close the connection
                    status = 500
                    await problem_response(Request(scope), internal_error())(scope, receive, send_with_request_id)
                finally:
                    self._finish(scope, status, time.perf_counter() - started)
        finally:
            metrics.REQUESTS_IN_FLIGHT.dec()
            current_scope.reset(scope_token)
            reset_request_context(supplied)

    @staticmethod
    def _finish(scope: Scope, status: int | None, seconds: float) -> None:
        # No answer at all (the client went away first): the server answers 500 if it still can.
        final_status = status if status is not None else 500
        route = route_label_of(scope)
        metrics.observe_request(route, scope["method"], final_status, seconds)
        quiet = route in _QUIET_ROUTES and final_status < 400
        fields: dict[str, Any] = {
            "method": scope["method"],
            "path": scope["path"],
            "status": final_status,
            "duration_ms": round(seconds * 1000, 2),
            "client": scope["client"][0] if scope.get("client") else None,
            "operation_id": operation_id_of(scope),
        }
        log = access_logger()
        if quiet:
            log.debug("request", **fields)
        else:
            log.info("request", **fields)
