"""Bounded retries: exponential backoff with jitter, ``Retry-After`` honoured, and never a duplicated effect.

What is retried (at most ``RetryPolicy.max_attempts`` attempts in all):

- 429 Too Many Requests, and a connection that could not be opened: the server did nothing, so every request is
  sent again (the token endpoint included);
- 503 Service Unavailable, and a connection cut before the answer (reset, timeout): the server may have acted, so
  only requests that are safe to repeat are sent again: GET, PATCH (it sets fields to values) and DELETE, and a
  POST only with an ``Idempotency-Key`` header. The SDK gives every POST except the token endpoint a fresh key
  per call and keeps it across that call's retries; the server replays the first answer to a repeated key;
- 409 with ``Retry-After`` to a POST with an ``Idempotency-Key``: the first attempt with that key is still in
  flight.

The wait is the answer's ``Retry-After`` when it has one (an answer asking for more than ``max_retry_after``
seconds is not retried: its problem is raised at once), else ``initial_backoff * 2**(attempt - 1)`` capped at
``max_backoff`` and scaled by a random factor in ``[1 - jitter, 1]`` so that many clients do not retry in step.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from ._calls import IDEMPOTENCY_KEY_HEADER, CallContext, current_call
from ._retry_after import parse_retry_after

__all__ = ["AsyncRetryTransport", "RetryEvent", "RetryPolicy", "RetryTransport", "parse_retry_after"]

logger = logging.getLogger("contract_api_client")

# Safe to send twice: the second attempt leaves the same state as the first.
REPEATABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
# The request never reached the server.
NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# The connection failed after the request may have been acted on.
CUT_OFF_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
    httpx.ReadTimeout,
    httpx.WriteTimeout,
)


@dataclass(frozen=True)
class RetryEvent:
    """One retry about to happen, as ``RetryPolicy.on_retry`` and the ``contract_api_client`` logger see it."""

    method: str
    path: str
    attempt: int
    """The attempt that failed (1 is the first)."""
    delay: float
    """Seconds until the next attempt."""
    status: int | None
    """The failed attempt's status, or None when it got no answer."""
    error: Exception | None
    """The connection error of the failed attempt, if any."""
    idempotency_key: str | None


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently the SDK retries; ``RetryPolicy(max_attempts=1)`` turns retries off."""

    max_attempts: int = 3
    """Attempts in all, the first included."""
    initial_backoff: float = 0.5
    """Seconds before the first retry of an answer without ``Retry-After``; doubled for each further retry."""
    max_backoff: float = 8.0
    """The longest backoff, in seconds."""
    jitter: float = 0.5
    """Each backoff is scaled by a random factor in ``[1 - jitter, 1]``; 0 means no jitter."""
    max_retry_after: float = 60.0
    """The longest ``Retry-After`` (seconds) the SDK waits for; a longer one raises the problem at once."""
    on_retry: Callable[[RetryEvent], None] | None = None
    """Called before each retry (for metrics or logs); the SDK also logs it to the ``contract_api_client`` logger."""

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.initial_backoff < 0 or self.max_backoff < 0 or self.max_retry_after < 0:
            raise ValueError("backoff and wait limits must not be negative")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be between 0 and 1")

    def delay_after_response(self, request: httpx.Request, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before sending ``request`` again after ``response``, or None to return the answer."""
        if attempt >= self.max_attempts:
            return None
        status = response.status_code
        if status == 429:
            pass
        elif status == 503:
            if not _repeatable(request):
                return None
        elif status == 409:
            if IDEMPOTENCY_KEY_HEADER not in request.headers or "Retry-After" not in response.headers:
                return None
        else:
            return None
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if retry_after is None:
            return self.backoff(attempt)
        return retry_after if retry_after <= self.max_retry_after else None

    def delay_after_error(self, request: httpx.Request, error: httpx.TransportError, attempt: int) -> float | None:
        """Seconds to wait before sending ``request`` again after a connection error, or None to raise it."""
        if attempt >= self.max_attempts:
            return None
        if isinstance(error, NOT_SENT_ERRORS) or (isinstance(error, CUT_OFF_ERRORS) and _repeatable(request)):
            return self.backoff(attempt)
        return None

    def backoff(self, attempt: int) -> float:
        """The wait after failed attempt number ``attempt`` when the server did not say how long."""
        base = min(self.max_backoff, self.initial_backoff * 2.0 ** (attempt - 1))
        return base * (1 - self.jitter * random.random())  # noqa: S311 (jitter, not cryptography)

    def announce(
        self,
        request: httpx.Request,
        attempt: int,
        delay: float,
        *,
        response: httpx.Response | None = None,
        error: Exception | None = None,
    ) -> None:
        event = RetryEvent(
            method=request.method,
            path=request.url.path,
            attempt=attempt,
            delay=delay,
            status=response.status_code if response is not None else None,
            error=error,
            idempotency_key=request.headers.get(IDEMPOTENCY_KEY_HEADER),
        )
        cause = f"{event.status}" if event.status is not None else repr(error)
        logger.info(
            "retrying %s %s in %.2f s after %s (attempt %d of %d)",
            event.method,
            event.path,
            delay,
            cause,
            attempt + 1,
            self.max_attempts,
        )
        if self.on_retry is not None:
            self.on_retry(event)


def _repeatable(request: httpx.Request) -> bool:
    return request.method in REPEATABLE_METHODS or IDEMPOTENCY_KEY_HEADER in request.headers


def _start(request: httpx.Request, context: CallContext | None) -> None:
    """Give a POST its call's Idempotency-Key, once: retries (and the resend after a token refresh) keep it."""
    if context is None or context.idempotency_key is None or request.method != "POST":
        return
    if IDEMPOTENCY_KEY_HEADER not in request.headers:
        request.headers[IDEMPOTENCY_KEY_HEADER] = context.idempotency_key


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """An httpx transport that retries as ``policy`` says around ``inner`` (by default httpx's own)."""

    def __init__(self, policy: RetryPolicy, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self._policy = policy
        self._inner = inner if inner is not None else httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        context = current_call()
        _start(request, context)
        attempt = 1
        while True:
            if context is not None:
                context.attempts = attempt
            try:
                response = await self._inner.handle_async_request(request)
            except httpx.TransportError as error:
                delay = self._policy.delay_after_error(request, error, attempt)
                if delay is None:
                    raise
                self._policy.announce(request, attempt, delay, error=error)
            else:
                if context is not None:
                    context.last_response = response
                delay = self._policy.delay_after_response(request, response, attempt)
                if delay is None:
                    return response
                await response.aclose()
                self._policy.announce(request, attempt, delay, response=response)
            await asyncio.sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        await self._inner.aclose()


class RetryTransport(httpx.BaseTransport):
    """The blocking twin of ``AsyncRetryTransport``."""

    def __init__(self, policy: RetryPolicy, inner: httpx.BaseTransport | None = None) -> None:
        self._policy = policy
        self._inner = inner if inner is not None else httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        context = current_call()
        _start(request, context)
        attempt = 1
        while True:
            if context is not None:
                context.attempts = attempt
            try:
                response = self._inner.handle_request(request)
            except httpx.TransportError as error:
                delay = self._policy.delay_after_error(request, error, attempt)
                if delay is None:
                    raise
                self._policy.announce(request, attempt, delay, error=error)
            else:
                if context is not None:
                    context.last_response = response
                delay = self._policy.delay_after_response(request, response, attempt)
                if delay is None:
                    return response
                response.close()
                self._policy.announce(request, attempt, delay, response=response)
            time.sleep(delay)
            attempt += 1

    def close(self) -> None:
        self._inner.close()
