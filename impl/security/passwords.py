"""Password hashing: Argon2id for new hashes, legacy bcrypt accepted and upgraded on login.

Argon2 and bcrypt are deliberately slow and CPU/memory bound, so every public method
is async and runs the work in a worker thread; running it on the event loop would stall
every other request for tens of milliseconds per login.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import anyio.to_thread
from passlib.context import CryptContext

from impl.observability.metrics import password_hashing

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
        self, time_cost: int = 3, memory_cost_kib: int = 65_536, parallelism: int = 4, max_concurrent: int = 4
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
        # Each Argon2 run holds memory_cost_kib of RAM: bound how many run at once (waiting threads hold none).
        # A thread semaphore, not an anyio limiter: those belong to one event loop.
        self._slots = threading.BoundedSemaphore(max_concurrent)
        password_hashing.set_capacity(max_concurrent)

    @classmethod
    def from_settings(cls, settings: Settings) -> PasswordHasher:
        return cls(
            time_cost=settings.argon2_time_cost,
            memory_cost_kib=settings.argon2_memory_cost_kib,
            parallelism=settings.argon2_parallelism,
            max_concurrent=settings.password_hash_concurrency,
        )

    async def hash(self, password: str) -> str:
        """Return an Argon2id hash of `password` with the current parameters.

        Raises ValueError for a password passlib refuses (over 4096 bytes); the API caps
        passwords far below that.
        """
        return await anyio.to_thread.run_sync(self._bounded, self._hash_sync, password)

    async def verify(self, password: str, hashed: str) -> tuple[bool, str | None]:
        """Check `password` against a stored hash.

        Returns (ok, new_hash): new_hash is not None only when ok is True and the stored
        hash is bcrypt or Argon2 with outdated parameters, and should replace it.
        A malformed or unrecognised stored hash gives (False, None), never an exception.
        """
        return await anyio.to_thread.run_sync(self._bounded, self._verify_sync, password, hashed)

    async def verify_dummy(self, password: str) -> None:
        """Spend the same work as `verify` against a real Argon2 hash, and discard it.

        Call this when the account does not exist, so that an unknown email and a wrong
        password take the same time and cannot be told apart.
        """
        await anyio.to_thread.run_sync(self._bounded, self._verify_dummy_sync, password)

    # --- synchronous parts, only ever run in worker threads -------------------------

    def _bounded(self, work: Callable[..., _T], *args: str) -> _T:
        with password_hashing.waiting():
            self._slots.acquire()
        try:
            with password_hashing.running():
                return work(*args)
        finally:
            self._slots.release()

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
