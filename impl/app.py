"""Composition root: settings -> engine and sessions -> implementations -> the generated app.

The only module that knows every piece. ASGI entry point: `uvicorn --factory impl.app:create_app`.
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy.pool import NullPool
from starlette.middleware.cors import CORSMiddleware

from generated.app import create_app as create_generated_app
from impl.articles import Articles
from impl.auth import Auth
from impl.db.engine import create_engine, create_session_factory
from impl.docs import install_docs
from impl.health import Health
from impl.items import Items
from impl.rate_limit import ClientRateLimiter
from impl.schema_check import SchemaCheck
from impl.security.authenticator import BearerAuthenticator
from impl.security.passwords import PasswordHasher
from impl.security.tokens import AccessTokenCodec
from impl.settings import Settings
from impl.unit_of_work import UnitOfWork
from impl.users import Users

TITLE = "Contract API"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    logging.getLogger("generated").setLevel(settings.log_level)
    logging.getLogger("impl").setLevel(settings.log_level)
    engine = create_engine(
        settings.database_url,
        poolclass=None if settings.database_pooling else NullPool,
        statement_cache=settings.database_statement_cache,
    )
    passwords = PasswordHasher.from_settings(settings)
    tokens = AccessTokenCodec.from_settings(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    app = create_generated_app(
        security=BearerAuthenticator(tokens),
        request_scope=UnitOfWork(create_session_factory(engine)).scope,
        rate_limiter=ClientRateLimiter.from_settings(settings),
        auth=Auth(passwords, tokens, timedelta(seconds=settings.refresh_token_ttl_seconds)),
        users=Users(passwords),
        items=Items(),
        articles=Articles(),
        health=Health(
            engine,
            settings.db_ready_timeout_seconds,
            SchemaCheck.from_migrations(engine, settings.db_ready_timeout_seconds),
        ),
        lifespan=lifespan,
    )
    install_docs(app, settings.spec_path, TITLE)
    if settings.cors_allowed_origins:
        app.add_middleware(
            CORSMiddleware,
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
    return app
