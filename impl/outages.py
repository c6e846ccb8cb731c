"""One log line per dependency outage, not one traceback per request.

A dependency that is down fails every request that needs it: logging each failure with its traceback wrote 17 MB
in a 20 s database outage. `OutageLog` writes one warning when failures start (with the cause), at most one
summary per interval while they last (how many, the latest cause), and one line when the dependency answers
again. Never a traceback: the cause is the exception's type and message, which for our drivers carries no SQL
parameters or credentials (impl/db/engine.py hides parameters).
"""

from __future__ import annotations

import logging
import time
from typing import Final

SUMMARY_INTERVAL_SECONDS: Final = 10.0


class OutageLog:
    def __init__(self, logger: logging.Logger, dependency: str, interval_seconds: float = SUMMARY_INTERVAL_SECONDS):
        self._logger = logger
        self._dependency = dependency
        self._interval = interval_seconds
        self._started: float | None = None
        self._last_line = 0.0
        self._unlogged = 0
        self.failures = 0  # every failure since start (a counter for metrics)

    @property
    def ongoing(self) -> bool:
        return self._started is not None

    def failed(self, cause: str) -> None:
        now = time.monotonic()
        self.failures += 1
        if self._started is None:
            self._started = self._last_line = now
            self._unlogged = 0
            self._logger.warning("%s unavailable: %s", self._dependency, cause)
            return
        self._unlogged += 1
        if now - self._last_line >= self._interval:
            self._logger.warning(
                "%s still unavailable after %.0f s: %d more failures (latest: %s)",
                self._dependency,
                now - self._started,
                self._unlogged,
                cause,
            )
            self._last_line = now
            self._unlogged = 0

    def recovered(self) -> None:
        if self._started is None:
            return
        self._logger.warning("%s available again after %.1f s", self._dependency, time.monotonic() - self._started)
        self._started = None


def describe(error: BaseException) -> str:
    """The error as one short line (type and first line of its message), never a traceback."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return text[:300]
