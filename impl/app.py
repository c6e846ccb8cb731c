"""Composition root: settings -> engine and sessions -> implementations -> the generated app.

The only module that knows every piece. ASGI entry point: `uvicorn --factory impl.app:create_app`; served by
`python -m scripts.serve`, which also bounds request heads and turns uvicorn's own proxy-header handling off.
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy.pool import NullPool

from generated.app import create_app as create_generated_app
from impl.articles import Articles
from impl.auth import Auth
from impl.cors import ProblemCORSMiddleware
from impl.db.engine import DatabaseTimeouts, create_engine, create_session_factory
from impl.docs import install_docs
from impl.forwarded import TrustedProxyHeaders
from impl.health import Health
from impl.items import Items
from impl.rate_limit import ClientRateLimiter
from impl.security.authenticator import BearerAuthenticator
from impl.security.passwords import PasswordHasher
from impl.security.tokens import AccessTokenCodec
from impl.security_headers import SecurityHeadersMiddleware
from impl.settings import Settings
from impl.unit_of_work import UnitOfWork
from impl.users import Users

TITLE = "Contract API"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    logging.getLogger("generated").setLevel(settings.log_level)
    logging.getLogger("impl").setLevel(settings.log_level)
    timeouts = DatabaseTimeouts(
        pool_seconds=settings.db_pool_timeout_seconds,
        connect_seconds=settings.db_connect_timeout_seconds,
        statement_seconds=settings.db_statement_timeout_seconds,
        sqlite_busy_seconds=settings.sqlite_busy_timeout_seconds,
    )
    engine = create_engine(
        settings.database_url, poolclass=None if settings.database_pooling else NullPool, timeouts=timeouts
    )
    rate_limiter = ClientRateLimiter.from_settings(settings)
    passwords = PasswordHasher.from_settings(settings)
    tokens = AccessTokenCodec.from_settings(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    app = create_generated_app(
        security=BearerAuthenticator(tokens),
        request_scope=UnitOfWork(create_session_factory(engine)).scope,
        rate_limiter=rate_limiter,
        auth=Auth(passwords, tokens, timedelta(seconds=settings.refresh_token_ttl_seconds)),
        users=Users(passwords),
        items=Items(),
        articles=Articles(),
        health=Health(engine, settings.db_ready_timeout_seconds, rate_limiter.check_store),
        lifespan=lifespan,
    )
    install_docs(app, settings.spec_path, TITLE)
    app.add_middleware(SecurityHeadersMiddleware)
    if settings.cors_allowed_origins:
        app.add_middleware(
            ProblemCORSMiddleware,
            allow_origins=settings.cors_allowed_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            # Browsers hide response headers from scripts unless they are listed here.
            expose_headers=[
                "Location",
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
                "Retry-After",
                "WWW-Authenticate",
            ],
            max_age=600,
        )
    # Added last, so outermost: everything inside (rate limits included) sees the client it resolves.
    app.add_middleware(TrustedProxyHeaders, trusted_proxies=settings.trusted_proxies)
    return app
