"""Per-client rate limits: the spec's 429 answers and `RateLimit-*` headers (contract_runtime.RateLimiter).

Counted in a moving window (never more than N requests in any window), keyed by client address: per process by
`ProcessMovingWindow` (each hit costing the same however full the window), in Redis by `limits`' moving window.
Registration and the token endpoint have their own, stricter quota against password guessing. The storage is a
`limits` URL: `memory://` counts per process; several instances behind a load balancer share Redis (`redis://`,
through redis-py, limits' `redispy` implementation).
Behind a proxy, run uvicorn with `--proxy-headers` so the client address is the caller's, not the proxy's.

When the shared store fails (refused, times out, answers an error) the limiter fails open to a per-process
counter: requests keep flowing, still limited per process, with truthful `RateLimit-*` headers for that count.
Every store call is bounded by RATE_LIMIT_STORAGE_TIMEOUT_SECONDS; after a failure the store is left alone for
RATE_LIMIT_STORAGE_RETRY_SECONDS (so a dead Redis costs one timeout per interval, not one per request). The
outage is logged as one line when it starts, a summary every 10 s while it lasts and one when it ends; readiness reports
the store as degraded (see impl/health.py) and `storage_failures` counts every failed call.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Mapping
from typing import Final, Literal, Protocol
from urllib.parse import urlsplit

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, MovingWindowSupport, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string
from starlette.requests import Request

from impl.observability.metrics import RATE_LIMIT_REFUSALS
from impl.outages import OutageLog, describe
from impl.problems import TooManyRequests
from impl.settings import RATE_LIMIT_STORAGE_SCHEMES, Settings

logger = logging.getLogger(__name__)

# The operations that take a password: a quota of their own, so guessing cannot borrow the general one.
CREDENTIAL_OPERATIONS = frozenset({"registerUser", "issueToken"})

# The storage URL schemes served by redis-py (settings refuses any other but `memory`).
REDIS_SCHEMES: Final = RATE_LIMIT_STORAGE_SCHEMES - {"memory"}

# Stale pooled connections tried (and dropped by redis-py) before a connection error counts as an outage.
STALE_CONNECTION_RETRIES: Final = 3

StoreStatus = Literal["ok", "degraded"]


def storage_scheme(url: str) -> str:
    return urlsplit(url).scheme.lower()


def _open_storage(url: str, timeout_seconds: float, key_prefix: str) -> Storage:
    options: dict[str, float | str | bool] = {}
    if storage_scheme(url) in REDIS_SCHEMES:
        # limits defaults to coredis, whose newest releases do not work with limits 5.8; redis-py is locked.
        # Socket timeouts bound each call at the driver; acquire() also bounds the whole exchange.
        options = {
            "implementation": "redispy",
            "key_prefix": key_prefix,
            "socket_timeout": timeout_seconds,
            "socket_connect_timeout": timeout_seconds,
        }
    # wrap_exceptions: every driver error arrives as limits' StorageError, caught in one place below.
    storage = storage_from_string(f"async+{url}", wrap_exceptions=True, **options)
    if not isinstance(storage, Storage) or not isinstance(storage, MovingWindowSupport):
        raise ValueError(f"RATE_LIMIT_STORAGE_URL {url!r} is not an asyncio moving-window storage")
    return storage


Counted = tuple[bool, dict[str, str], int]


class Counter(Protocol):
    async def count(self, quota: RateLimitItem, bucket: str, client: str) -> Counted: ...


def _counted(quota: RateLimitItem, allowed: bool, remaining: int, reset_time: float) -> Counted:
    reset_seconds = max(0, math.ceil(reset_time - time.time()))
    headers = {
        "RateLimit-Limit": str(quota.amount),
        "RateLimit-Remaining": str(remaining),
        "RateLimit-Reset": str(reset_seconds),
    }
    return allowed, headers, reset_seconds


class StoreMovingWindow:
    """`limits`' moving window in a store of its own (Redis)."""

    def __init__(self, store: Storage) -> None:
        self._limiter = MovingWindowRateLimiter(store)

    async def count(self, quota: RateLimitItem, bucket: str, client: str) -> Counted:
        allowed = await self._limiter.hit(quota, bucket, client)
        stats = await self._limiter.get_window_stats(quota, bucket, client)
        return _counted(quota, allowed, stats.remaining, stats.reset_time)


class ProcessMovingWindow:
    """The same moving window as `limits`' (a hit is allowed while fewer than N hits fall within the last window;
    a refused one is not counted; the window resets when its oldest hit leaves it), counted in this process: one
    queue of hit times per client and quota, oldest first, so a hit drops the expired ones from the front and adds
    itself at the back (`limits`' memory store inserts each hit at the front of a list: a cost growing with the
    hits in the window). Clients gone quiet are swept once a window."""

    def __init__(self) -> None:
        self._hits: dict[tuple[str, int, int, str], deque[float]] = {}
        self._next_sweep = 0.0

    async def count(self, quota: RateLimitItem, bucket: str, client: str) -> Counted:
        expiry = quota.get_expiry()
        now = time.time()
        if now >= self._next_sweep:
            self._sweep(now)
            self._next_sweep = now + min(expiry, 60)
        key = (bucket, quota.amount, expiry, client)
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque()
        start = now - expiry
        while hits and hits[0] < start:
            hits.popleft()
        allowed = len(hits) < quota.amount
        if allowed:
            hits.append(now)
        return _counted(quota, allowed, quota.amount - len(hits), hits[0] + expiry if hits else now)

    def _sweep(self, now: float) -> None:
        for key in [key for key, hits in self._hits.items() if not hits or hits[-1] < now - key[2]]:
            del self._hits[key]


class ClientRateLimiter:
    def __init__(
        self,
        general: RateLimitItem,
        credentials: RateLimitItem,
        storage_url: str,
        *,
        timeout_seconds: float = 0.25,
        retry_seconds: float = 5.0,
        key_prefix: str = "contract-api",
    ) -> None:
        self._general = general
        self._credentials = credentials
        self._timeout = timeout_seconds
        self._retry = retry_seconds
        self._store = _open_storage(storage_url, timeout_seconds, key_prefix)
        # A memory store never fails: it is the fallback, and needs none itself.
        self._can_fail = not isinstance(self._store, MemoryStorage)
        self._fallback = ProcessMovingWindow()
        self._shared: Counter = StoreMovingWindow(self._store) if self._can_fail else self._fallback
        self._skip_store_until = 0.0  # monotonic time; while in the future, count per process
        self._outage = OutageLog(logger, "rate-limit store (counting per process meanwhile)")

    @classmethod
    def from_settings(cls, settings: Settings) -> ClientRateLimiter:
        return cls(
            parse(settings.rate_limit),
            parse(settings.auth_rate_limit),
            settings.rate_limit_storage_url,
            timeout_seconds=settings.rate_limit_storage_timeout_seconds,
            retry_seconds=settings.rate_limit_storage_retry_seconds,
            key_prefix=settings.rate_limit_key_prefix,
        )

    @property
    def storage_failures(self) -> int:
        """Every failed store call since start (a counter for metrics)."""
        return self._outage.failures

    @property
    def store_status(self) -> StoreStatus:
        """What the limiter last saw of its store: degraded while it counts per process."""
        return "degraded" if self._outage.ongoing else "ok"

    async def check_store(self) -> StoreStatus:
        """Ping the store (bounded); readiness asks this. A success ends an outage at once."""
        if not self._can_fail:
            return "ok"
        try:
            async with asyncio.timeout(self._timeout):
                healthy = await self._store.check()
        except (StorageError, TimeoutError, OSError) as error:
            self._failed(error)
            return "degraded"
        if not healthy:
            self._failed(None)
            return "degraded"
        self._recovered()
        return "ok"

    async def acquire(self, request: Request, operation_id: str) -> Mapping[str, str]:
        if operation_id in CREDENTIAL_OPERATIONS:
            quota, bucket = self._credentials, "credentials"
        else:
            quota, bucket = self._general, "general"
        client = request.client.host if request.client else "unknown"
        if self._can_fail and time.monotonic() >= self._skip_store_until:
            try:
                async with asyncio.timeout(self._timeout):
                    headers = await self._count_shared(quota, bucket, client)
            except (StorageError, TimeoutError, OSError) as error:
                self._failed(error)
            else:
                self._recovered()
                return self._answer(headers, operation_id)
        elif not self._can_fail:
            return self._answer(await self._count(self._shared, quota, bucket, client), operation_id)
        return self._answer(await self._count(self._fallback, quota, bucket, client), operation_id)

    async def _count_shared(self, quota: RateLimitItem, bucket: str, client: str) -> Counted:
        """After a Redis restart every pooled connection is dead and fails once ("Connection closed by server"):
        try again on another, within the same time bound, rather than call the store down."""
        from redis.exceptions import ConnectionError as RedisConnectionError

        for _ in range(STALE_CONNECTION_RETRIES):
            try:
                return await self._count(self._shared, quota, bucket, client)
            except StorageError as error:
                if not isinstance(error.storage_error, RedisConnectionError):
                    raise
        return await self._count(self._shared, quota, bucket, client)

    @staticmethod
    def _answer(counted: Counted, operation_id: str) -> Mapping[str, str]:
        allowed, headers, reset_seconds = counted
        if not allowed:
            RATE_LIMIT_REFUSALS.labels(operation_id).inc()
            raise TooManyRequests(max(1, reset_seconds), headers)
        return headers

    @staticmethod
    async def _count(counter: Counter, quota: RateLimitItem, bucket: str, client: str) -> Counted:
        return await counter.count(quota, bucket, client)

    def _failed(self, error: BaseException | None) -> None:
        self._skip_store_until = time.monotonic() + self._retry
        self._outage.failed(_cause(error))

    def _recovered(self) -> None:
        self._skip_store_until = 0.0
        self._outage.recovered()


def _cause(error: BaseException | None) -> str:
    """The driver's error when limits wrapped it."""
    if error is None:
        return "PING failed"
    if isinstance(error, TimeoutError):
        return "no answer in time"
    driver_error = getattr(error, "storage_error", None)
    return describe(driver_error if isinstance(driver_error, BaseException) else error)
