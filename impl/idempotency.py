"""Safe retries: the `Idempotency-Key` request header (Stripe's semantics are the anchor).

One operation middleware (see contract_runtime/middleware.py), for every operation that declares the header
parameter: the POSTs that create or change something, except the OAuth2 token endpoint.

- A key belongs to its caller: the account of the bearer token, or the client address (as TRUSTED_PROXIES
  resolves it) for anonymous calls. Another caller's identical key is another key.
- A request is fingerprinted as sha256(method, path, body). Within the retention (IDEMPOTENCY_TTL_SECONDS,
  24 hours by default) the same key with the same fingerprint gets the stored answer again (status, body and the
  implementation's declared headers such as `Location` and `ETag`) with `Idempotent-Replayed: true`; with another
  fingerprint it answers 422.
- Only successful (2xx) answers are stored. A refusal (4xx) or failure (5xx) rolls its transaction back, so it had
  no effect, and the retry runs again (Stripe also stores 4xx answers; here the record is part of the operation's
  transaction, which a refusal rolls back, and running a refused request again is harmless).
- The record is inserted in the transaction of the operation's effects, just before the request boundary commits
  it: both commit or neither does. The primary key (scope, key) arbitrates between concurrent duplicates: the
  second insert waits for the first transaction (PostgreSQL) or for the write lock (SQLite), finds the key taken,
  and its whole transaction (effects included) rolls back into a 409 with `Retry-After`; the retry then replays.
  A duplicate arriving after the first committed replays at once. So: exactly one effect.
- The lookup is read-only and ends its transaction before the operation runs (`end_reading`), so the slow parts of
  an operation (password hashing) still hold no connection or lock.
- Expired records: a lookup ignores them; recording a key deletes its expired predecessor; and every
  IDEMPOTENCY_SWEEP_EVERY-th record also deletes up to IDEMPOTENCY_SWEEP_BATCH expired records of anyone (an
  opportunistic sweep in the same transaction, SKIP LOCKED on PostgreSQL, so concurrent sweeps never wait on
  each other). No periodic job is needed; the table holds at most about one day of keyed requests.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import Response

from contract_runtime import OperationContract
from contract_runtime.middleware import CallNext
from contract_runtime.responses import replay
from impl.db.repositories.idempotency import IdempotencyKeyTaken, IdempotencyRepository
from impl.db.tables import IdempotencyRow
from impl.db.types import utcnow
from impl.principal import CurrentUser
from impl.problems import IdempotencyKeyInUse, IdempotencyKeyReused
from impl.unit_of_work import current_session, end_reading

__all__ = ["HEADER", "REPLAYED_HEADER", "IdempotencyMiddleware", "fingerprint"]

logger = logging.getLogger(__name__)

HEADER: Final = "Idempotency-Key"
REPLAYED_HEADER: Final = "Idempotent-Replayed"
#: The seconds a client should wait before retrying a request whose key is still in progress.
RETRY_AFTER_SECONDS: Final = 1


def fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _keyed(contract: OperationContract) -> bool:
    return any(p.location == "header" and p.name.lower() == HEADER.lower() for p in contract.parameters)


def _stored_headers(contract: OperationContract, response: Response) -> dict[str, str]:
    """The answer's headers the implementation supplied (Location, ETag): the ones replayed as they were. The
    runtime's (rate limit, request id) and fixed ones are the replay's own."""
    declared = contract.response_for(response.status_code)
    if declared is None:
        return {}
    kept: dict[str, str] = {}
    for spec in declared.headers:
        if spec.supplied_by is None and spec.const is None and spec.name in response.headers:
            kept[spec.name] = response.headers[spec.name]
    return kept


class IdempotencyMiddleware:
    def __init__(
        self,
        ttl: timedelta,
        *,
        sweep_every: int = 100,
        sweep_batch: int = 500,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.ttl = ttl
        self.sweep_every = sweep_every
        self.sweep_batch = sweep_batch
        self.clock = clock
        self._records = itertools.count(1)

    @staticmethod
    def scope_of(request: Request, principal: Any) -> str:
        if isinstance(principal, CurrentUser):
            return f"user:{principal.id}"
        client = request.client.host if request.client is not None else "unknown"
        return f"addr:{client}"[:80]

    async def __call__(
        self, request: Request, contract: OperationContract, principal: Any, call_next: CallNext
    ) -> Response:
        key = request.headers.get(HEADER) if _keyed(contract) else None
        if key is None:
            return await call_next()
        scope = self.scope_of(request, principal)
        request_fingerprint = fingerprint(request.method, request.url.path, await request.body())
        repository = IdempotencyRepository(current_session())
        stored = await repository.find(scope, key, self.clock())
        if stored is not None:
            if stored.fingerprint != request_fingerprint:
                raise IdempotencyKeyReused()
            headers = {**stored.headers, REPLAYED_HEADER: "true"}
            return replay(request, contract, stored.status, stored.body, stored.content_type, headers)
        # Nothing held while the operation runs (it may be slow on purpose, like password hashing).
        await end_reading()
        response = await call_next()
        if not 200 <= response.status_code < 300:
            return response
        now = self.clock()
        record = IdempotencyRow(
            scope=scope,
            key=key,
            fingerprint=request_fingerprint,
            status=response.status_code,
            headers=_stored_headers(contract, response),
            content_type=response.headers.get("content-type"),
            body=bytes(getattr(response, "body", b"")),
            created_at=now,
            expires_at=now + self.ttl,
        )
        repository = IdempotencyRepository(current_session())
        try:
            await repository.record(record, now)
        except IdempotencyKeyTaken:
            # A concurrent request with this key recorded first: this one's effects roll back with the error.
            raise IdempotencyKeyInUse(RETRY_AFTER_SECONDS) from None
        if next(self._records) % self.sweep_every == 0:
            swept = await repository.sweep(now, self.sweep_batch)
            if swept:
                logger.info("idempotency sweep deleted %d expired records", swept)
        return response
