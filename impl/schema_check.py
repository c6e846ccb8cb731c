"""Readiness refuses a database schema older than this release: replicas wait for the migration step.

Migrations run once, as their own step (scripts/prestart.py: a compose one-shot, a Kubernetes Job), not inside
every replica. A replica that starts first, or a rollback that left the schema behind, must not serve: its queries
expect tables and columns the database does not have yet. So readiness answers 503, saying which revision the
database is at and which one this release needs, until the migration step has run.

A schema *newer* than this release (a revision this code does not know) is served: during a rolling update the
new release's migration runs while old replicas still serve, which expand-then-contract migrations keep working.

Cheap enough for a probe: the expected head is read from the migration scripts once, at start; the database's
revision is read with a timeout and the answer kept for a few seconds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sqlalchemy.ext.asyncio import AsyncEngine

from impl.problems import ServiceUnavailable

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

__all__ = ["CACHE_SECONDS", "SchemaCheck"]

logger = logging.getLogger(__name__)

ALEMBIC_INI: Final = Path(__file__).resolve().parent.parent / "alembic.ini"
#: How long one look at the database's revision is trusted; probes come every few seconds from every balancer.
CACHE_SECONDS: Final = 5.0


class SchemaCheck:
    def __init__(
        self,
        engine: AsyncEngine,
        expected_head: str | None,
        known_revisions: frozenset[str],
        timeout_seconds: float,
        cache_seconds: float = CACHE_SECONDS,
    ) -> None:
        """``expected_head=None``: read the project's migration scripts when first needed (see from_migrations)."""
        self._engine = engine
        self._expected_head = expected_head
        self._known = known_revisions
        self._timeout = timeout_seconds
        self._cache_seconds = cache_seconds
        self._lock = asyncio.Lock()
        self._checked_at: float | None = None
        self._refusal: str | None = None
        self._warned: set[str] = set()

    @classmethod
    def from_migrations(
        cls, engine: AsyncEngine, timeout_seconds: float, cache_seconds: float = CACHE_SECONDS
    ) -> SchemaCheck:
        """The head and every revision of the project's migration scripts (alembic/versions), read on the first
        readiness check rather than at start-up: Alembic's import is a good part of a second that a starting
        server would otherwise spend before answering anything."""
        return cls(engine, None, frozenset(), timeout_seconds, cache_seconds)

    def _load_scripts(self) -> str:
        if self._expected_head is None:
            self._expected_head, self._known = _migration_scripts()
        return self._expected_head

    @property
    def expected_head(self) -> str:
        return self._load_scripts()

    @property
    def _expected(self) -> str:
        return self._load_scripts()

    async def ensure_current(self) -> None:
        """Raise ServiceUnavailable when the database's schema is older than this release needs."""
        if self._expected_head is None:
            await asyncio.to_thread(self._load_scripts)  # once; off the event loop
        async with self._lock:
            now = time.monotonic()
            if self._checked_at is None or now - self._checked_at >= self._cache_seconds:
                # A database that does not answer is not cached: the next probe asks again.
                self._refusal = self._judge(await self._database_heads())
                self._checked_at = now
            refusal = self._refusal
        if refusal is not None:
            raise ServiceUnavailable(refusal)

    async def _database_heads(self) -> tuple[str, ...]:
        try:
            async with asyncio.timeout(self._timeout), self._engine.connect() as connection:
                return await connection.run_sync(_current_heads)
        except Exception as exc:
            logger.warning("schema check failed: %r", exc)
            raise ServiceUnavailable("The database did not answer in time.") from None

    def _judge(self, heads: tuple[str, ...]) -> str | None:
        if self._expected in heads:
            return None
        unknown = [head for head in heads if head not in self._known]
        if unknown:
            if unknown[0] not in self._warned:
                self._warned.add(unknown[0])
                logger.warning(
                    "the database schema is at revision %s, which this release does not know (it expects %s): "
                    "serving, as a newer release's expand-then-contract migration keeps older releases working",
                    unknown[0],
                    self._expected,
                )
            return None
        if not heads:
            return (
                f"The database has no schema yet; this release needs revision {self._expected}. "
                "Waiting for the migration step."
            )
        return (
            f"The database schema is at revision {', '.join(heads)}; this release needs {self._expected}. "
            "Waiting for the migration step."
        )


def _migration_scripts() -> tuple[str, frozenset[str]]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(Config(str(ALEMBIC_INI)))
    head = scripts.get_current_head()  # raises when the scripts have several heads: a broken release
    if head is None:
        raise RuntimeError("the migration scripts have no revision")
    return head, frozenset(revision.revision for revision in scripts.walk_revisions())


def _current_heads(connection: Connection) -> tuple[str, ...]:
    from alembic.runtime.migration import MigrationContext

    # No version table (a database never migrated) gives (), not an error.
    return MigrationContext.configure(connection).get_current_heads()
