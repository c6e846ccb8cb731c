"""Password hashing: Argon2id for new hashes, legacy bcrypt accepted and upgraded on login.

Argon2 and bcrypt are deliberately slow and CPU/memory bound, so every public method is async and runs the work
on the hasher's own threads; running it on the event loop would stall every other request for tens of
milliseconds per login. The threads bound the CPU and memory hashing takes (`max_concurrent` hashes at once, each
holding `memory_cost_kib`), and a bounded queue in front of them bounds the wait: when it is full, the caller gets
`PasswordHashingBusy` (503 with Retry-After) at once. Callers hold no database connection while they wait (see
`impl.unit_of_work.end_reading`).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from passlib.context import CryptContext

from impl.observability.metrics import password_hashing
from impl.problems import PasswordHashingBusy

if TYPE_CHECKING:
    from impl.settings import Settings

# bcrypt only ever looks at the first 72 bytes; bcrypt >= 5 raises instead of truncating.
_BCRYPT_MAX_BYTES = 72

# Hashed once per PasswordHasher and verified against by `verify_dummy`; its value is
# irrelevant, only the cost of verifying against it matters.
_DUMMY_PASSWORD = "dummy-password-for-constant-time-login"


_T = TypeVar("_T")


class PasswordHasher:
    """Hashes and verifies passwords off the event loop.

    `time_cost`, `memory_cost_kib` and `parallelism` are the Argon2id parameters used
    for new hashes; a stored hash made with other parameters (or with bcrypt) still
    verifies, and `verify` then returns a replacement hash to store.
    """

    def __init__(
        self,
        time_cost: int = 2,
        memory_cost_kib: int = 19_456,
        parallelism: int = 1,
        max_concurrent: int = 1,
        max_waiting: int = 32,
    ) -> None:
        self.time_cost = time_cost
        self.memory_cost_kib = memory_cost_kib
        self.parallelism = parallelism
        self._context = CryptContext(
            schemes=["argon2", "bcrypt"],
            # "deprecated" makes verify_and_update return a new argon2 hash for bcrypt ones.
            deprecated=["bcrypt"],
            argon2__time_cost=time_cost,
            argon2__memory_cost=memory_cost_kib,
            argon2__parallelism=parallelism,
        )
        # Built lazily in a worker thread on first use, so constructing a hasher (at
        # import or startup) does not pay for a full Argon2 hash.
        self._dummy_hash: str | None = None
        self._dummy_lock = threading.Lock()
        # Argon2 runs only on these threads: at most max_concurrent hashes at once, each holding memory_cost_kib.
        # Threads and a thread lock rather than asyncio primitives: those belong to one event loop.
        self._workers = ThreadPoolExecutor(max_workers=max_concurrent, thread_name_prefix="password-hash")
        self._max_concurrent = max_concurrent
        self._capacity = max_concurrent + max_waiting
        self._admitted = 0
        self._admission = threading.Lock()
        self._mean_seconds = 0.05  # moving average of one hash's duration, for Retry-After
        password_hashing.set_capacity(max_concurrent)

    @classmethod
    def from_settings(cls, settings: Settings) -> PasswordHasher:
        return cls(
            time_cost=settings.argon2_time_cost,
            memory_cost_kib=settings.argon2_memory_cost_kib,
            parallelism=settings.argon2_parallelism,
            max_concurrent=settings.password_hash_concurrency,
            max_waiting=settings.password_hash_queue_limit,
        )

    @property
    def in_flight(self) -> int:
        """Hashes and verifications admitted and not finished yet (running or queued)."""
        return self._admitted

    async def hash(self, password: str) -> str:
        """Return an Argon2id hash of `password` with the current parameters.

        Raises ValueError for a password passlib refuses (over 4096 bytes); the API caps
        passwords far below that.
        """
        return await self._run(self._hash_sync, password)

    async def verify(self, password: str, hashed: str) -> tuple[bool, str | None]:
        """Check `password` against a stored hash.

        Returns (ok, new_hash): new_hash is not None only when ok is True and the stored
        hash is bcrypt or Argon2 with outdated parameters, and should replace it.
        A malformed or unrecognised stored hash gives (False, None), never an exception.
        """
        return await self._run(self._verify_sync, password, hashed)

    async def verify_dummy(self, password: str) -> None:
        """Spend the same work as `verify` against a real Argon2 hash, and discard it.

        Call this when the account does not exist, so that an unknown email and a wrong
        password take the same time and cannot be told apart.
        """
        await self._run(self._verify_dummy_sync, password)

    # --- admission: a bounded queue in front of the hashing threads --------------------

    async def _run(self, work: Callable[..., _T], *args: str) -> _T:
        with self._admission:
            if self._admitted >= self._capacity:
                raise PasswordHashingBusy(self._retry_after_seconds())
            self._admitted += 1
        password_hashing.queued()
        try:
            future = self._workers.submit(self._timed, work, *args)
        except BaseException:
            self._release()
            raise
        # Released when the work ends (or is cancelled while queued), even if the awaiting request went away.
        future.add_done_callback(self._release)
        return await asyncio.wrap_future(future)

    def _release(self, done: Future[Any] | None = None) -> None:
        if done is None or done.cancelled():  # it never reached a hashing thread
            password_hashing.dropped()
        with self._admission:
            self._admitted -= 1

    def _retry_after_seconds(self) -> int:
        # About the time a full queue takes to drain.
        return min(3600, max(1, math.ceil(self._capacity * self._mean_seconds / self._max_concurrent)))

    # --- synchronous parts, only ever run in the hashing threads --------------------------

    def _timed(self, work: Callable[..., _T], *args: str) -> _T:
        password_hashing.started()
        started = time.perf_counter()
        try:
            return work(*args)
        finally:
            password_hashing.finished()
            elapsed = time.perf_counter() - started
            with self._admission:
                self._mean_seconds = 0.8 * self._mean_seconds + 0.2 * elapsed

    def _hash_sync(self, password: str) -> str:
        result: str = self._context.hash(password)
        return result

    def _verify_sync(self, password: str, hashed: str) -> tuple[bool, str | None]:
        try:
            scheme = self._context.identify(hashed, required=False)
        except (TypeError, ValueError):
            return False, None
        if scheme is None:
            return False, None
        try:
            encoded = password.encode("utf-8")
            if scheme == "bcrypt" and len(encoded) > _BCRYPT_MAX_BYTES:
                # A legacy bcrypt hash was necessarily made from the first 72 bytes
                # (older bcrypt truncated silently, bcrypt >= 5 raises), so checking
                # those bytes is exactly what the old system did. Upgrading right away
                # to a hash of the full password ends the truncation for this account.
                if not self._context.verify(encoded[:_BCRYPT_MAX_BYTES], hashed):
                    return False, None
                return True, self._hash_sync(password)
            ok, new_hash = self._context.verify_and_update(password, hashed)
        except (TypeError, ValueError):
            # Malformed hash (bad salt, bad parameters...) or an oversized password.
            return False, None
        if not ok:
            return False, None
        return True, new_hash

    def _verify_dummy_sync(self, password: str) -> None:
        dummy_hash = self._get_dummy_hash()
        # verify() answers (False, None) for passwords passlib refuses; do the same here.
        with contextlib.suppress(TypeError, ValueError):
            self._context.verify(password, dummy_hash)

    def _get_dummy_hash(self) -> str:
        if self._dummy_hash is None:
            with self._dummy_lock:
                if self._dummy_hash is None:
                    self._dummy_hash = self._hash_sync(_DUMMY_PASSWORD)
        return self._dummy_hash
