# DO NOT EDIT: generated from openapi.yaml by `make generate` (scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run it again.

"""`create_app`: the application serving openapi.yaml, one implementation per interface."""

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI

from contract_runtime import (
    Authenticator,
    BoundOperation,
    OperationMiddleware,
    Principal,
    RateLimiter,
    RequestScope,
    Runtime,
    build_app,
    check_implementation,
)
from contract_runtime.responses import RefusalRenderer

from .routers.articles import ArticlesApi
from .routers.articles import operations as articles_operations
from .routers.auth import AuthApi
from .routers.auth import operations as auth_operations
from .routers.health import HealthApi
from .routers.health import operations as health_operations
from .routers.items import ItemsApi
from .routers.items import operations as items_operations
from .routers.users import UsersApi
from .routers.users import operations as users_operations


def create_app(
    *,
    security: Authenticator[Principal],
    articles: ArticlesApi[Principal],
    auth: AuthApi,
    health: HealthApi,
    items: ItemsApi[Principal],
    users: UsersApi[Principal],
    request_scope: RequestScope | None = None,
    rate_limiter: RateLimiter | None = None,
    middlewares: Sequence[OperationMiddleware] = (),
    refusal_renderer: RefusalRenderer | None = None,
    **fastapi_options: Any,
) -> FastAPI:
    """The application: every operation of the spec, bound to its implementation, behind the contract runtime.

    `middlewares` run for every operation inside the request scope, after security, around the implementation
    call and the rendering of its answer (first = outermost).
    """
    check_implementation("articles", articles, ArticlesApi)
    check_implementation("auth", auth, AuthApi)
    check_implementation("health", health, HealthApi)
    check_implementation("items", items, ItemsApi)
    check_implementation("users", users, UsersApi)
    runtime = Runtime(
        security=security,
        request_scope=request_scope,
        rate_limiter=rate_limiter,
        middlewares=middlewares,
        refusal_renderer=refusal_renderer,
    )
    bound_operations: list[BoundOperation] = [
        *articles_operations(articles),
        *auth_operations(auth),
        *health_operations(health),
        *items_operations(items),
        *users_operations(users),
    ]
    return build_app("Contract API", bound_operations, runtime, **fastapi_options)
