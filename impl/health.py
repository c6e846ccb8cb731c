"""The `health` tag: liveness and readiness probes.

Readiness checks each dependency at once, each within its own bound: the database must answer (else 503: the
load balancer should send traffic elsewhere) and carry the schema this release needs (else 503 until the migration
step has run); a degraded rate-limit store is reported but keeps the service ready, because requests are then
counted per process (see impl/rate_limit.py) rather than refused.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from generated import models
from generated.routers.health import HealthApi
from impl.db.errors import describe_database_error
from impl.outages import OutageLog
from impl.problems import ServiceUnavailable
from impl.rate_limit import StoreStatus
from impl.schema_check import SchemaCheck

logger = logging.getLogger(__name__)


async def _always_ok() -> StoreStatus:
    return "ok"


class Health(HealthApi):
    def __init__(
        self,
        engine: AsyncEngine,
        timeout_seconds: float,
        rate_limit_store: Callable[[], Awaitable[StoreStatus]] = _always_ok,
        schema: SchemaCheck | None = None,
    ) -> None:
        self._engine = engine
        self._timeout = timeout_seconds
        self._rate_limit_store = rate_limit_store
        self._schema = schema
        self._outage = OutageLog(logger, "database (readiness probe)")

    async def get_liveness(self) -> models.HealthStatus:
        return models.HealthStatus(status="ok")

    async def get_readiness(self) -> models.HealthStatus:
        database_ok, store = await asyncio.gather(self._database_answers(), self._rate_limit_store())
        if not database_ok:
            raise ServiceUnavailable("The database did not answer in time.")
        if self._schema is not None:
            # Not ready on a schema older than this release: replicas wait for the migration step.
            await self._schema.ensure_current()
        checks = models.ReadinessChecks(database="ok", rate_limit_store=models.RateLimitStore(store))
        return models.HealthStatus(status="ok", checks=checks)

    async def _database_answers(self) -> bool:
        # Its own connection, not the request session: a dead database must give a 503, not a failed commit.
        # The timeout is the point: a frozen database must not hang the probe (and, behind it, the load balancer).
        try:
            async with asyncio.timeout(self._timeout), self._engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:
            self._outage.failed(describe_database_error(exc))
            return False
        self._outage.recovered()
        return True
