"""The `health` tag: liveness and readiness probes."""

import asyncio
import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from generated import models
from generated.routers.health import HealthApi
from impl.problems import ServiceUnavailable
from impl.schema_check import SchemaCheck

logger = logging.getLogger(__name__)


class Health(HealthApi):
    def __init__(self, engine: AsyncEngine, timeout_seconds: float, schema: SchemaCheck | None = None) -> None:
        self._engine = engine
        self._timeout = timeout_seconds
        self._schema = schema

    async def get_liveness(self) -> models.HealthStatus:
        return models.HealthStatus(status="ok")

    async def get_readiness(self) -> models.HealthStatus:
        # Its own connection, not the request session: a dead database must give a 503, not a failed commit.
        try:
            async with asyncio.timeout(self._timeout), self._engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:
            logger.warning("readiness check failed: %r", exc)
            raise ServiceUnavailable("The database did not answer in time.") from None
        if self._schema is not None:
            # Not ready on a schema older than this release: replicas wait for the migration step.
            await self._schema.ensure_current()
        return models.HealthStatus(status="ok")
