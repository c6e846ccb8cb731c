# DO NOT EDIT: generated from openapi.yaml by `make generate` (fastapi-code-generator==0.8.1 + scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run `make generate`.

"""`create_app`: the FastAPI application with one router per tag of openapi.yaml."""

from typing import Any

from fastapi import FastAPI

from contract_runtime import (
    Authenticator,
    Principal,
    RateLimiter,
    RequestScope,
    install_problem_handlers,
)
from generated.routers.articles import ArticlesApi
from generated.routers.articles import build_router as build_articles_router
from generated.routers.auth import AuthApi
from generated.routers.auth import build_router as build_auth_router
from generated.routers.health import HealthApi
from generated.routers.health import build_router as build_health_router
from generated.routers.items import ItemsApi
from generated.routers.items import build_router as build_items_router
from generated.routers.users import UsersApi
from generated.routers.users import build_router as build_users_router

# method name -> operationId, per tag: startup errors name the operation as the spec does.
OPERATION_IDS: dict[str, dict[str, str]] = {
    "articles": {
        "list_articles": "listArticles",
        "create_article": "createArticle",
        "get_article": "getArticle",
        "delete_article": "deleteArticle",
        "update_article": "updateArticle",
    },
    "auth": {
        "register_user": "registerUser",
        "issue_token": "issueToken",
        "logout": "logout",
    },
    "health": {
        "get_liveness": "getLiveness",
        "get_readiness": "getReadiness",
    },
    "items": {
        "list_items": "listItems",
        "create_item": "createItem",
        "get_item": "getItem",
        "delete_item": "deleteItem",
        "update_item": "updateItem",
    },
    "users": {
        "get_current_user": "getCurrentUser",
        "delete_current_user": "deleteCurrentUser",
        "update_current_user": "updateCurrentUser",
        "change_password": "changePassword",
        "list_users": "listUsers",
        "get_user": "getUser",
        "delete_user": "deleteUser",
        "update_user": "updateUser",
    },
}


def _check_implementation(tag: str, implementation: object, interface: type) -> None:
    if not isinstance(implementation, interface):
        raise TypeError(f"the `{tag}` implementation must subclass {interface.__name__}")
    missing = sorted(getattr(type(implementation), "__abstractmethods__", ()))
    if missing:
        names = ", ".join(f"{OPERATION_IDS[tag].get(name, name)} ({name})" for name in missing)
        raise TypeError(f"the `{tag}` implementation does not implement operation(s): {names}")


def create_app(
    *,
    security: Authenticator[Principal],
    request_scope: RequestScope,
    rate_limiter: RateLimiter,
    articles: ArticlesApi[Principal],
    auth: AuthApi,
    health: HealthApi,
    items: ItemsApi[Principal],
    users: UsersApi[Principal],
    **fastapi_options: Any,
) -> FastAPI:
    """Build the app. Startup fails, naming the operations, if an implementation misses any."""
    _check_implementation("articles", articles, ArticlesApi)
    _check_implementation("auth", auth, AuthApi)
    _check_implementation("health", health, HealthApi)
    _check_implementation("items", items, ItemsApi)
    _check_implementation("users", users, UsersApi)
    # The hand-written spec is served as it is; FastAPI's own schema and docs would be a second, drifting copy.
    fastapi_options.update(openapi_url=None, docs_url=None, redoc_url=None)
    # Only the spec's paths exist: no 307 from `/v1/items/` to `/v1/items`.
    fastapi_options.setdefault("redirect_slashes", False)
    app = FastAPI(title="Contract API", **fastapi_options)
    install_problem_handlers(app)
    app.include_router(build_articles_router(articles, security, request_scope, rate_limiter))
    app.include_router(build_auth_router(auth, security, request_scope, rate_limiter))
    app.include_router(build_health_router(health, security, request_scope, rate_limiter))
    app.include_router(build_items_router(items, security, request_scope, rate_limiter))
    app.include_router(build_users_router(users, security, request_scope, rate_limiter))
    return app
