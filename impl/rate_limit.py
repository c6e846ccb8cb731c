"""Per-client rate limits: the spec's 429 answers and `RateLimit-*` headers (contract_runtime.RateLimiter).

Counted with `limits` (moving window: never more than N requests in any window), keyed by client address.
Registration and the token endpoint have their own, stricter quota against password guessing. The storage is a
`limits` URL: `memory://` counts per process; several instances behind a load balancer share e.g. Redis.
Behind a proxy, run uvicorn with `--proxy-headers` so the client address is the caller's, not the proxy's.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping

from limits import RateLimitItem, parse
from limits.aio.storage import MovingWindowSupport, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.requests import Request

from impl.observability.metrics import RATE_LIMIT_REFUSALS
from impl.problems import TooManyRequests
from impl.settings import Settings

# The operations that take a password: a quota of their own, so guessing cannot borrow the general one.
CREDENTIAL_OPERATIONS = frozenset({"registerUser", "issueToken"})


class ClientRateLimiter:
    def __init__(self, general: RateLimitItem, credentials: RateLimitItem, storage_url: str) -> None:
        self._general = general
        self._credentials = credentials
        storage = storage_from_string(f"async+{storage_url}")
        if not isinstance(storage, Storage) or not isinstance(storage, MovingWindowSupport):
            raise ValueError(f"RATE_LIMIT_STORAGE_URL {storage_url!r} is not an asyncio moving-window storage")
        self._limiter = MovingWindowRateLimiter(storage)

    @classmethod
    def from_settings(cls, settings: Settings) -> ClientRateLimiter:
        return cls(parse(settings.rate_limit), parse(settings.auth_rate_limit), settings.rate_limit_storage_url)

    async def acquire(self, request: Request, operation_id: str) -> Mapping[str, str]:
        if operation_id in CREDENTIAL_OPERATIONS:
            quota, bucket = self._credentials, "credentials"
        else:
            quota, bucket = self._general, "general"
        client = request.client.host if request.client else "unknown"
        allowed = await self._limiter.hit(quota, bucket, client)
        stats = await self._limiter.get_window_stats(quota, bucket, client)
        reset_seconds = max(0, math.ceil(stats.reset_time - time.time()))
        headers = {
            "RateLimit-Limit": str(quota.amount),
            "RateLimit-Remaining": str(stats.remaining),
            "RateLimit-Reset": str(reset_seconds),
        }
        if not allowed:
            RATE_LIMIT_REFUSALS.labels(operation_id).inc()
            raise TooManyRequests(max(1, reset_seconds), headers)
        return headers
