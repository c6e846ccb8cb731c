"""Composition root: settings -> engine and sessions -> implementations -> the generated app.

The only module that knows every piece. ASGI entry point: `uvicorn --factory impl.app:create_app`; served by
`python -m scripts.serve`, which also bounds request heads and turns uvicorn's own proxy-header handling off.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TYPE_CHECKING

from fastapi import FastAPI
from sqlalchemy.pool import NullPool

from generated.app import create_app as create_generated_app
from impl.articles import Articles
from impl.auth import Auth
from impl.cors import ProblemCORSMiddleware
from impl.db.engine import DatabaseTimeouts, create_engine, create_read_session_factory, create_session_factory
from impl.docs import install_docs
from impl.forwarded import TrustedProxyHeaders
from impl.health import Health
from impl.idempotency import IdempotencyMiddleware
from impl.items import Items
from impl.observability import metrics, tracing
from impl.observability.logging import configure_logging
from impl.observability.middleware import ObservabilityMiddleware
from impl.observability.request_id import REQUEST_ID_HEADER
from impl.pagination import CursorCodec
from impl.preconditions import Preconditions
from impl.rate_limit import ClientRateLimiter
from impl.schema_check import SchemaCheck
from impl.security.authenticator import BearerAuthenticator
from impl.security.passwords import PasswordHasher
from impl.security.tokens import AccessTokenCodec
from impl.security_headers import SecurityHeadersMiddleware
from impl.settings import Settings
from impl.unit_of_work import UnitOfWork
from impl.users import Users

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

TITLE = "Contract API"


_startup_frozen = False


def _freeze_startup_objects() -> None:
    """Once per process, at the first start: what was built so far (modules, the spec, the app, its models) lives
    as long as the process, so the cyclic garbage collector stops walking it; a full collection then walks only
    what requests left behind (at start about 120,000 objects fewer)."""
    global _startup_frozen
    if not _startup_frozen:
        _startup_frozen = True
        gc.collect()
        gc.freeze()


def create_app(settings: Settings | None = None, *, tracer_provider: TracerProvider | None = None) -> FastAPI:
    """`tracer_provider` replaces the one the OTEL_* variables describe (tests pass an in-memory one)."""
    settings = settings or Settings()
    # Here, not only in the serving entry point: uvicorn runs this factory in every worker process.
    configure_logging(settings)
    timeouts = DatabaseTimeouts(
        pool_seconds=settings.db_pool_timeout_seconds,
        connect_seconds=settings.db_connect_timeout_seconds,
        statement_seconds=settings.db_statement_timeout_seconds,
        sqlite_busy_seconds=settings.sqlite_busy_timeout_seconds,
    )
    engine = create_engine(
        settings.database_url,
        poolclass=None if settings.database_pooling else NullPool,
        timeouts=timeouts,
        statement_cache=settings.database_statement_cache,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_max_overflow,
    )
    metrics.instrument_engine(engine)
    if tracer_provider is None:
        tracer_provider = tracing.tracer_provider_from_environment()
        if tracer_provider is not None:
            tracing.use_as_global(tracer_provider)
    rate_limiter = ClientRateLimiter.from_settings(settings)
    passwords = PasswordHasher.from_settings(settings)
    tokens = AccessTokenCodec.from_settings(settings)
    cursors = CursorCodec(settings.secret_key.get_secret_value())
    stop_tracing: Callable[[], None] | None = None
    preconditions = Preconditions(required=settings.require_if_match)
    idempotency = IdempotencyMiddleware(
        timedelta(seconds=settings.idempotency_ttl_seconds),
        sweep_every=settings.idempotency_sweep_every,
        sweep_batch=settings.idempotency_sweep_batch,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        metrics.process_starting()
        _freeze_startup_objects()
        yield
        await engine.dispose()
        if stop_tracing is not None:
            stop_tracing()
        metrics.process_stopping()

    app = create_generated_app(
        security=BearerAuthenticator(tokens),
        request_scope=UnitOfWork(create_session_factory(engine), create_read_session_factory(engine)).scope,
        rate_limiter=rate_limiter,
        auth=Auth(passwords, tokens, timedelta(seconds=settings.refresh_token_ttl_seconds)),
        users=Users(passwords, cursors, preconditions),
        items=Items(cursors, preconditions),
        articles=Articles(cursors, preconditions),
        health=Health(
            engine,
            settings.db_ready_timeout_seconds,
            rate_limiter.check_store,
            SchemaCheck.from_migrations(engine, settings.db_ready_timeout_seconds),
        ),
        middlewares=[idempotency],
        lifespan=lifespan,
    )
    install_docs(app, settings.spec_path, TITLE)
    app.add_middleware(SecurityHeadersMiddleware)
    metrics.install_metrics(app, settings)
    if settings.cors_allowed_origins:
        app.add_middleware(
            ProblemCORSMiddleware,
            allow_origins=settings.cors_allowed_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "Idempotency-Key",
                "If-Match",
                "If-None-Match",
                REQUEST_ID_HEADER,
            ],
            # Browsers hide response headers from scripts unless they are listed here.
            expose_headers=[
                "ETag",
                "Idempotent-Replayed",
                "Location",
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
                "Retry-After",
                "WWW-Authenticate",
                REQUEST_ID_HEADER,
            ],
            max_age=600,
        )
    # Every answer (CORS preflights and unhandled errors too) gets the request id, an access line and its metrics.
    app.add_middleware(ObservabilityMiddleware)
    if tracer_provider is not None:
        stop_tracing = tracing.instrument(app, engine, tracer_provider)
    # Added last, so outermost: everything inside (rate limits, logs and metrics included) sees the client it resolves.
    app.add_middleware(TrustedProxyHeaders, trusted_proxies=settings.trusted_proxies)
    return app
