"""``ContractApi``: the blocking client, the twin of ``AsyncContractApi`` (``_async_api``) method for method."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from types import TracebackType
from typing import Self, TypeVar, Unpack
from uuid import UUID

import httpx

from . import changes as body
from ._calls import (
    amount,
    as_uuid,
    call_context,
    connection_error,
    expect,
    expect_no_content,
    given,
    new_idempotency_key,
    optional_amount,
    unreadable_answer,
    user_agent,
)
from .api.articles import create_article, delete_article, get_article, list_articles, update_article
from .api.auth import issue_token, logout, register_user
from .api.health import get_liveness, get_readiness
from .api.items import create_item, delete_item, get_item, list_items, update_item
from .api.users import (
    change_password,
    delete_current_user,
    delete_user,
    get_current_user,
    get_user,
    list_users,
    update_current_user,
    update_user,
)
from .changes import ArticleChanges, ItemChanges, MyAccountChanges, UserChanges
from .client import AuthenticatedClient, Client
from .models import (
    Article,
    ArticleCreate,
    ArticlePage,
    HealthStatus,
    Item,
    ItemCreate,
    ItemPage,
    LogoutRequest,
    PasswordChange,
    TokenRequest,
    TokenResponse,
    User,
    UserPage,
    UserRegister,
)
from .models.item_status import ItemStatus
from .models.list_items_sort import ListItemsSort
from .pagination import Page, Paginator
from .problems import TokenRefused
from .retries import RetryPolicy, RetryTransport
from .tokens import BearerAuth, Tokens, TokenSession
from .types import UNSET, Response

__all__ = ["Articles", "Auth", "ContractApi", "Health", "Items", "Users"]

R = TypeVar("R")


def _send(operation: Callable[[], Response[R]], *, idempotency_key: str | None = None) -> Response[R]:
    """Run one generated operation as one logical call; connection failures and unreadable answers become the
    SDK's exceptions (problems are raised by ``expect``)."""
    with call_context(idempotency_key=idempotency_key) as context:
        try:
            return operation()
        except httpx.TransportError as error:
            raise connection_error(error, context) from error
        except (ValueError, KeyError) as error:
            raise unreadable_answer(error, context) from error


class Auth:
    """Registration, login, token refresh and logout. The client refreshes by itself; ``refresh`` is for when you
    want to do it now."""

    def __init__(self, public: Client, session: TokenSession) -> None:
        self._public = public
        self._session = session

    @property
    def tokens(self) -> Tokens:
        return self._session.tokens

    def register(
        self, *, email: str, password: str, full_name: str | None = None, idempotency_key: str | None = None
    ) -> User:
        request = UserRegister(email=email, password=password, full_name=given(full_name))
        response = _send(
            lambda: register_user.sync_detailed(client=self._public, body=request),
            idempotency_key=new_idempotency_key(idempotency_key),
        )
        return expect(response, User)

    def login(self, email: str, password: str) -> TokenResponse:
        """The password grant; later requests send the access token and renew it. Raises ``TokenRefused`` (400,
        ``invalid_grant``) for a wrong email or password."""
        issued = self._grant(TokenRequest(grant_type="password", username=email, password=password))
        self._session.store(issued)
        return issued

    def refresh(self) -> TokenResponse:
        """The refresh grant, now; the refresh token is rotated (the old one stops working)."""
        refresh_token = self._session.refresh_token
        if refresh_token is None:
            raise RuntimeError("no refresh token: log in first")
        issued = self._grant(TokenRequest(grant_type="refresh_token", refresh_token=refresh_token))
        self._session.store(issued)
        return issued

    def logout(self) -> None:
        """Revokes the refresh token (and every token of the same login) and forgets the tokens and credentials.
        An access token already issued stays valid until it expires (15 minutes by default)."""
        refresh_token = self._session.refresh_token
        self._session.clear()
        if refresh_token is None:
            return
        response = _send(
            lambda: logout.sync_detailed(client=self._public, body=LogoutRequest(refresh_token=refresh_token)),
            idempotency_key=new_idempotency_key(None),
        )
        expect_no_content(response)

    def _grant(self, request: TokenRequest) -> TokenResponse:
        # No Idempotency-Key: the token endpoint is exempt (OAuth); it is retried only when the server did nothing.
        response = _send(lambda: issue_token.sync_detailed(client=self._public, body=request))
        return expect(response, TokenResponse)

    def renew(self) -> None:
        """New tokens for the session: the refresh grant, else (or when it is refused) a login with the client's
        credentials. Without either, the session is left without tokens and the server's 401 stands."""
        session = self._session
        if session.refresh_token is not None:
            try:
                self.refresh()
                return
            except TokenRefused:
                session.forget_tokens()
        if session.credentials is not None:
            email, password = session.credentials
            self.login(email, password)


class Users:
    def __init__(self, client: AuthenticatedClient, session: TokenSession) -> None:
        self._client = client
        self._session = session

    def me(self) -> User:
        return expect(_send(lambda: get_current_user.sync_detailed(client=self._client)), User)

    def update_me(self, **changes: Unpack[MyAccountChanges]) -> User:
        request = body.my_account_update(changes)
        response = _send(lambda: update_current_user.sync_detailed(client=self._client, body=request))
        return expect(response, User)

    def delete_me(self) -> None:
        """Deletes the caller's account with everything it owns; the client forgets its tokens and credentials."""
        expect_no_content(_send(lambda: delete_current_user.sync_detailed(client=self._client)))
        self._session.clear()

    def change_password(self, *, current_password: str, new_password: str, idempotency_key: str | None = None) -> None:
        """Every token issued before is revoked. A client given credentials logs in again with the new password;
        one that logged in with ``auth.login`` must log in again."""
        request = PasswordChange(current_password=current_password, new_password=new_password)
        response = _send(
            lambda: change_password.sync_detailed(client=self._client, body=request),
            idempotency_key=new_idempotency_key(idempotency_key),
        )
        expect_no_content(response)
        self._session.forget_tokens()
        if self._session.credentials is not None:
            email, _ = self._session.credentials
            self._session.credentials = (email, new_password)

    def list(
        self,
        *,
        q: str | None = None,
        is_active: bool | None = None,
        is_superuser: bool | None = None,
        page_size: int | None = None,
        cursor: str | None = None,
    ) -> Paginator[User]:
        """Every account, oldest first (superusers only)."""

        def fetch_page(page_cursor: str | None) -> Page[User]:
            response = _send(
                lambda: list_users.sync_detailed(
                    client=self._client,
                    limit=given(page_size),
                    cursor=given(page_cursor),
                    q=given(q),
                    is_active=given(is_active),
                    is_superuser=given(is_superuser),
                )
            )
            page = expect(response, UserPage)
            return Page(page.items, page.next_cursor)

        return Paginator(fetch_page, cursor)

    def get(self, user_id: UUID | str) -> User:
        user = as_uuid(user_id)
        return expect(_send(lambda: get_user.sync_detailed(user, client=self._client)), User)

    def update(self, user_id: UUID | str, **changes: Unpack[UserChanges]) -> User:
        user, request = as_uuid(user_id), body.user_update(changes)
        response = _send(lambda: update_user.sync_detailed(user, client=self._client, body=request))
        return expect(response, User)

    def delete(self, user_id: UUID | str) -> None:
        user = as_uuid(user_id)
        expect_no_content(_send(lambda: delete_user.sync_detailed(user, client=self._client)))


class Items:
    """The caller's private items."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    def list(
        self,
        *,
        status: ItemStatus | None = None,
        q: str | None = None,
        min_price: Decimal | str | None = None,
        max_price: Decimal | str | None = None,
        sort: ListItemsSort | None = None,
        page_size: int | None = None,
        cursor: str | None = None,
    ) -> Paginator[Item]:
        """The caller's items, filtered and sorted as asked (newest first by default), page after page."""

        def fetch_page(page_cursor: str | None) -> Page[Item]:
            response = _send(
                lambda: list_items.sync_detailed(
                    client=self._client,
                    limit=given(page_size),
                    cursor=given(page_cursor),
                    status=given(status),
                    q=given(q),
                    min_price=optional_amount(min_price),
                    max_price=optional_amount(max_price),
                    sort=given(sort),
                )
            )
            page = expect(response, ItemPage)
            return Page(page.items, page.next_cursor)

        return Paginator(fetch_page, cursor)

    def create(
        self,
        *,
        name: str,
        price: Decimal | str,
        description: str | None = None,
        status: ItemStatus | None = None,
        tags: Sequence[str] | None = None,
        idempotency_key: str | None = None,
    ) -> Item:
        request = ItemCreate(
            name=name,
            price=amount(price),
            description=given(description),
            status=given(status),
            tags=UNSET if tags is None else list(tags),
        )
        response = _send(
            lambda: create_item.sync_detailed(client=self._client, body=request),
            idempotency_key=new_idempotency_key(idempotency_key),
        )
        return expect(response, Item)

    def get(self, item_id: UUID | str) -> Item:
        item = as_uuid(item_id)
        return expect(_send(lambda: get_item.sync_detailed(item, client=self._client)), Item)

    def update(self, item_id: UUID | str, **changes: Unpack[ItemChanges]) -> Item:
        item, request = as_uuid(item_id), body.item_update(changes)
        response = _send(lambda: update_item.sync_detailed(item, client=self._client, body=request))
        return expect(response, Item)

    def delete(self, item_id: UUID | str) -> None:
        item = as_uuid(item_id)
        expect_no_content(_send(lambda: delete_item.sync_detailed(item, client=self._client)))


class Articles:
    """Articles: published ones are public (no login needed to read them)."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    def list(
        self,
        *,
        author_id: UUID | str | None = None,
        q: str | None = None,
        page_size: int | None = None,
        cursor: str | None = None,
    ) -> Paginator[Article]:
        """Published articles, newest first, page after page."""
        author = UNSET if author_id is None else as_uuid(author_id)

        def fetch_page(page_cursor: str | None) -> Page[Article]:
            response = _send(
                lambda: list_articles.sync_detailed(
                    client=self._client, limit=given(page_size), cursor=given(page_cursor), author_id=author, q=given(q)
                )
            )
            page = expect(response, ArticlePage)
            return Page(page.items, page.next_cursor)

        return Paginator(fetch_page, cursor)

    def create(
        self, *, title: str, body: str, published: bool | None = None, idempotency_key: str | None = None
    ) -> Article:
        request = ArticleCreate(title=title, body=body, published=given(published))
        response = _send(
            lambda: create_article.sync_detailed(client=self._client, body=request),
            idempotency_key=new_idempotency_key(idempotency_key),
        )
        return expect(response, Article)

    def get(self, article_id: UUID | str) -> Article:
        article = as_uuid(article_id)
        return expect(_send(lambda: get_article.sync_detailed(article, client=self._client)), Article)

    def update(self, article_id: UUID | str, **changes: Unpack[ArticleChanges]) -> Article:
        article, request = as_uuid(article_id), body.article_update(changes)
        response = _send(lambda: update_article.sync_detailed(article, client=self._client, body=request))
        return expect(response, Article)

    def delete(self, article_id: UUID | str) -> None:
        article = as_uuid(article_id)
        expect_no_content(_send(lambda: delete_article.sync_detailed(article, client=self._client)))


class Health:
    def __init__(self, public: Client) -> None:
        self._public = public

    def live(self) -> HealthStatus:
        return expect(_send(lambda: get_liveness.sync_detailed(client=self._public)), HealthStatus)

    def ready(self) -> HealthStatus:
        """Raises ``ServiceUnavailable`` while the server's database does not answer."""
        return expect(_send(lambda: get_readiness.sync_detailed(client=self._public)), HealthStatus)


class ContractApi:
    """The Contract API, for blocking code::

        with ContractApi("https://api.example.com", email=..., password=...) as api:
            item = api.items.create(name="Lamp", price=Decimal("19.99"))
            for item in api.items.list(status="published"):
                ...

    Authentication: give ``email`` and ``password`` (the client logs in when first needed, and again whenever its
    refresh token stops working), or call ``api.auth.login``, or resume a session with ``refresh_token`` (and
    ``access_token``). Access tokens are renewed ``refresh_margin`` seconds before they expire, and once on a 401.

    ``retry`` sets how 429, 503 and connection failures are retried (``RetryPolicy()`` by default: 3 attempts).
    ``transport`` replaces httpx's own below the retries (proxies, test doubles); ``clock`` is the monotonic clock
    token expiry is measured on. ``raw`` is the generated low-level client, with the same authentication and
    retries, for calls this layer does not wrap (its ``sync_detailed`` functions).
    """

    def __init__(
        self,
        base_url: str,
        *,
        email: str | None = None,
        password: str | None = None,
        access_token: str | None = None,
        refresh_token: str | None = None,
        retry: RetryPolicy | None = None,
        timeout: float | httpx.Timeout = 30.0,
        refresh_margin: float = 60.0,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if (email is None) != (password is None):
            raise ValueError("give both email and password, or neither")
        self.retry = retry if retry is not None else RetryPolicy()
        self._session = TokenSession(
            clock=clock,
            refresh_margin=refresh_margin,
            credentials=(email, password) if email is not None and password is not None else None,
            access_token=access_token,
            refresh_token=refresh_token,
        )
        retrying = RetryTransport(self.retry, transport)
        common_headers = {"User-Agent": user_agent(), **(headers or {})}
        public_http = httpx.Client(base_url=base_url, timeout=timeout, headers=common_headers, transport=retrying)
        public = Client(base_url=base_url).set_httpx_client(public_http)
        self.auth = Auth(public, self._session)
        api_http = httpx.Client(
            base_url=base_url,
            timeout=timeout,
            headers=common_headers,
            transport=retrying,
            auth=BearerAuth(self._session, self.auth.renew),
        )
        # The token argument is unused: the httpx client set here sends (and renews) the session's token.
        self.raw = AuthenticatedClient(base_url=base_url, token="").set_httpx_client(api_http)
        self._http = (public_http, api_http)
        self.users = Users(self.raw, self._session)
        self.items = Items(self.raw)
        self.articles = Articles(self.raw)
        self.health = Health(public)

    def close(self) -> None:
        for http in self._http:
            http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
