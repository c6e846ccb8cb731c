"""The generated Python SDK (dist/sdk/python) against a live server.

Every request goes through the SDK and every assertion is on the typed model it parsed, errors included: a problem
document comes back as ``Problem``, ``ValidationProblem`` or ``OAuthProblem``, never as raw JSON.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, TypeVar, cast

import pytest
from contract_api_client import AuthenticatedClient, Client
from contract_api_client.api.articles import create_article, get_article, list_articles, update_article
from contract_api_client.api.auth import issue_token, register_user
from contract_api_client.api.items import create_item, delete_item, get_item, list_items, update_item
from contract_api_client.api.users import get_current_user
from contract_api_client.models import (
    Article,
    ArticleCreate,
    ArticlePage,
    ArticleUpdate,
    Item,
    ItemCreate,
    ItemPage,
    ItemUpdate,
    OAuthProblem,
    Problem,
    TokenRequest,
    TokenResponse,
    User,
    UserRegister,
    ValidationProblem,
)
from contract_api_client.types import Response

from scripts.live_server import LiveServer

PASSWORD = "correct horse battery staple"

Parsed = TypeVar("Parsed")


def parsed_as(response: Response[Any], status: HTTPStatus, model: type[Parsed]) -> Parsed:
    """The response's parsed body, after checking its status and that the SDK parsed it into ``model``."""
    assert response.status_code == status, f"{response.status_code}: {response.content!r}"
    assert isinstance(response.parsed, model), f"parsed as {type(response.parsed).__name__}, not {model.__name__}"
    return response.parsed


def anonymously(client: Client) -> AuthenticatedClient:
    """``client`` where the SDK's signature wants an AuthenticatedClient although the operation allows anonymous
    callers (``security: [{}, {OAuth2Password: []}]``): openapi-python-client 0.29 ignores the ``{}`` alternative
    (openapi-python-client#1372). A plain Client has the same interface and sends no Authorization header."""
    return cast(AuthenticatedClient, client)


@dataclass(frozen=True)
class Account:
    email: str
    user: User
    tokens: TokenResponse
    client: AuthenticatedClient


@pytest.fixture
async def anonymous(server: LiveServer) -> AsyncIterator[Client]:
    # Undeclared statuses raise instead of parsing to None: the SDK must know every answer the server gives.
    async with Client(base_url=server.base_url, raise_on_unexpected_status=True) as client:
        yield client


async def register(anonymous: Client, email: str) -> User:
    response = await register_user.asyncio_detailed(
        client=anonymous, body=UserRegister(email=email, password=PASSWORD, full_name="SDK Flow")
    )
    return parsed_as(response, HTTPStatus.CREATED, User)


async def password_grant(anonymous: Client, email: str, password: str = PASSWORD) -> Response[Any]:
    body = TokenRequest(grant_type="password", username=email, password=password)
    return await issue_token.asyncio_detailed(client=anonymous, body=body)


def authenticated(server: LiveServer, tokens: TokenResponse) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=server.base_url, token=tokens.access_token, raise_on_unexpected_status=True)


@pytest.fixture
async def account(server: LiveServer, anonymous: Client) -> AsyncIterator[Account]:
    """A newly registered account, logged in; its client sends the access token."""
    email = f"sdk-{uuid.uuid4().hex[:12]}@example.com"
    user = await register(anonymous, email)
    tokens = parsed_as(await password_grant(anonymous, email), HTTPStatus.OK, TokenResponse)
    async with authenticated(server, tokens) as client:
        yield Account(email, user, tokens, client)


async def test_register_and_password_grant_identify_the_caller(server: LiveServer, anonymous: Client) -> None:
    email = f"sdk-{uuid.uuid4().hex[:12]}@example.com"
    user = await register(anonymous, email)
    assert (user.email, user.full_name, user.is_active, user.is_superuser) == (email, "SDK Flow", True, False)

    tokens = parsed_as(await password_grant(anonymous, email), HTTPStatus.OK, TokenResponse)
    assert tokens.token_type == "bearer"
    assert tokens.expires_in > 0
    async with authenticated(server, tokens) as client:
        me = parsed_as(await get_current_user.asyncio_detailed(client=client), HTTPStatus.OK, User)
    assert me.id == user.id

    refused = parsed_as(
        await password_grant(anonymous, email, "not the password"), HTTPStatus.BAD_REQUEST, OAuthProblem
    )
    assert (refused.status, refused.error) == (400, "invalid_grant")


async def test_items_create_list_two_pages_patch_and_delete(account: Account) -> None:
    created: list[Item] = []
    for name, price in [("Lamp", "19.99"), ("Desk", "120.00"), ("Chair", "45.50")]:
        response = await create_item.asyncio_detailed(
            client=account.client, body=ItemCreate(name=name, price=price, tags=["sdk"])
        )
        item = parsed_as(response, HTTPStatus.CREATED, Item)
        assert (item.name, item.price, item.status, item.tags, item.owner_id) == (
            name,
            price,
            "draft",
            ["sdk"],
            account.user.id,
        )
        created.append(item)

    first = parsed_as(await list_items.asyncio_detailed(client=account.client, limit=2), HTTPStatus.OK, ItemPage)
    assert isinstance(first.next_cursor, str)
    second = parsed_as(
        await list_items.asyncio_detailed(client=account.client, limit=2, cursor=first.next_cursor),
        HTTPStatus.OK,
        ItemPage,
    )
    assert second.next_cursor is None
    # Newest first by default: the two pages together are the three items in reverse order of creation.
    assert [item.id for item in first.items + second.items] == [item.id for item in reversed(created)]

    lamp, desk, _ = created
    patched = parsed_as(
        await update_item.asyncio_detailed(
            lamp.id, client=account.client, body=ItemUpdate(price="17.50", status="published")
        ),
        HTTPStatus.OK,
        Item,
    )
    assert (patched.id, patched.name, patched.price, patched.status) == (lamp.id, "Lamp", "17.50", "published")
    assert patched.updated_at >= lamp.updated_at

    deleted = await delete_item.asyncio_detailed(desk.id, client=account.client)
    assert deleted.status_code == HTTPStatus.NO_CONTENT

    missing = parsed_as(await get_item.asyncio_detailed(desk.id, client=account.client), HTTPStatus.NOT_FOUND, Problem)
    assert (missing.status, missing.title) == (404, "Not Found")
    assert missing.type_
    assert isinstance(missing.detail, str)
    assert missing.detail


async def test_invalid_price_is_a_validation_problem(account: Account) -> None:
    response = await create_item.asyncio_detailed(client=account.client, body=ItemCreate(name="Lamp", price="19.9"))
    problem = parsed_as(response, HTTPStatus.UNPROCESSABLE_ENTITY, ValidationProblem)
    assert problem.status == 422
    assert [(error.in_, error.field) for error in problem.errors] == [("body", "/price")]

    page = parsed_as(await list_items.asyncio_detailed(client=account.client), HTTPStatus.OK, ItemPage)
    assert page.items == []


async def test_published_article_is_readable_anonymously(account: Account, anonymous: Client) -> None:
    title = f"SDK article {uuid.uuid4().hex[:8]}"
    draft = parsed_as(
        await create_article.asyncio_detailed(
            client=account.client, body=ArticleCreate(title=title, body="Written through the SDK.")
        ),
        HTTPStatus.CREATED,
        Article,
    )
    assert (draft.published, draft.published_at, draft.author.id) == (False, None, account.user.id)
    # A draft is invisible to anonymous readers: this also shows the anonymous client sends no token.
    hidden = parsed_as(
        await get_article.asyncio_detailed(draft.id, client=anonymously(anonymous)), HTTPStatus.NOT_FOUND, Problem
    )
    assert hidden.status == 404

    published = parsed_as(
        await update_article.asyncio_detailed(draft.id, client=account.client, body=ArticleUpdate(published=True)),
        HTTPStatus.OK,
        Article,
    )
    assert published.published
    assert published.published_at is not None

    read = parsed_as(
        await get_article.asyncio_detailed(draft.id, client=anonymously(anonymous)), HTTPStatus.OK, Article
    )
    assert (read.id, read.title, read.published_at, read.author.id) == (
        draft.id,
        title,
        published.published_at,
        account.user.id,
    )
    listed = parsed_as(
        await list_articles.asyncio_detailed(client=anonymously(anonymous), q=title), HTTPStatus.OK, ArticlePage
    )
    assert [article.id for article in listed.items] == [draft.id]


async def test_refresh_grant_rotates_the_refresh_token(server: LiveServer, account: Account, anonymous: Client) -> None:
    refresh = TokenRequest(grant_type="refresh_token", refresh_token=account.tokens.refresh_token)
    renewed = parsed_as(
        await issue_token.asyncio_detailed(client=anonymous, body=refresh), HTTPStatus.OK, TokenResponse
    )
    assert renewed.refresh_token != account.tokens.refresh_token
    async with authenticated(server, renewed) as client:
        me = parsed_as(await get_current_user.asyncio_detailed(client=client), HTTPStatus.OK, User)
    assert me.id == account.user.id

    reused = parsed_as(
        await issue_token.asyncio_detailed(client=anonymous, body=refresh), HTTPStatus.BAD_REQUEST, OAuthProblem
    )
    assert (reused.status, reused.error) == (400, "invalid_grant")
