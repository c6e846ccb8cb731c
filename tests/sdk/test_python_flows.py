"""The Python SDK's ergonomic layer against a live server: register, log in, CRUD, every page of each list, and
every problem as its typed exception. The recorder shows what went over the wire (pages, cursors, filters)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from contract_api_client import (
    AsyncContractApi,
    Conflict,
    ContractApi,
    Forbidden,
    NotFound,
    Page,
    TokenRefused,
    Unauthorized,
    ValidationFailed,
)
from contract_api_client.models import Item
from contract_api_client.models.item_status import ItemStatus

from scripts.live_server import LiveServer
from tests.sdk.conftest import PASSWORD, Recorder, make_superuser, new_email


@pytest.fixture
async def api(server: LiveServer, recorder: Recorder) -> AsyncIterator[AsyncContractApi]:
    """A newly registered account; the client logs in by itself with its credentials."""
    email = new_email()
    async with AsyncContractApi(server.base_url, email=email, password=PASSWORD, transport=recorder) as client:
        await client.auth.register(email=email, password=PASSWORD, full_name="SDK Flow")
        yield client


async def test_register_then_the_client_logs_in_by_itself(server: LiveServer, recorder: Recorder) -> None:
    email = new_email()
    async with AsyncContractApi(server.base_url, email=email, password=PASSWORD, transport=recorder) as api:
        user = await api.auth.register(email=email, password=PASSWORD, full_name="Ada")
        assert (user.email, user.full_name, user.is_active, user.is_superuser) == (email, "Ada", True, False)
        assert api.auth.tokens.access_token is None

        me = await api.users.me()

        assert me.id == user.id
        logins = recorder.to("POST", "/v1/auth/token")
        assert [exchange.form()["grant_type"] for exchange in logins] == ["password"]
        assert logins[0].request_headers["content-type"] == "application/x-www-form-urlencoded"
        (read,) = recorder.to("GET", "/v1/users/me")
        assert read.request_headers["authorization"] == f"Bearer {api.auth.tokens.access_token}"

        with pytest.raises(Conflict) as taken:
            await api.auth.register(email=email.upper(), password=PASSWORD)
        assert (taken.value.status, taken.value.title) == (409, "Conflict")
        assert taken.value.detail


async def test_a_wrong_password_is_token_refused(server: LiveServer) -> None:
    email = new_email()
    async with AsyncContractApi(server.base_url) as api:
        await api.auth.register(email=email, password=PASSWORD)
        with pytest.raises(TokenRefused) as refused:
            await api.auth.login(email, "not the password")
        assert (refused.value.status, refused.value.error) == (400, "invalid_grant")
        assert refused.value.problem["error"] == "invalid_grant"

        await api.auth.login(email, PASSWORD)
        assert (await api.users.me()).email == email


async def test_items_iterate_every_page_with_the_filters_passed_along(
    api: AsyncContractApi, recorder: Recorder
) -> None:
    created: list[Item] = []
    prices: list[Decimal | str] = [Decimal("19.9"), "120.00", Decimal(45), "7.25", Decimal("0.50"), "3.00"]
    for index, price in enumerate(prices):
        status: ItemStatus = "published" if index != 2 else "draft"
        created.append(await api.items.create(name=f"Lamp {index}", price=price, status=status, tags=["sdk"]))
    # A Decimal is sent with the two places the API writes; a string as given.
    assert [item.price for item in created] == ["19.90", "120.00", "45.00", "7.25", "0.50", "3.00"]
    recorder.clear()

    listed = [item async for item in api.items.list(status="published", q="lamp", page_size=2)]

    published = [item for item in created if item.status == "published"]
    # Newest first by default: every published item, in reverse order of creation, over three pages.
    assert [item.id for item in listed] == [item.id for item in reversed(published)]
    pages = recorder.to("GET", "/v1/items")
    assert len(pages) == 3
    filters = [{name: value for name, value in page.query.items() if name != "cursor"} for page in pages]
    assert filters == [{"status": "published", "q": "lamp", "limit": "2"}] * 3
    assert "cursor" not in pages[0].query
    # Each later page asks for the cursor the page before answered.
    assert all(later.query["cursor"] for later in pages[1:])

    by_price = [page async for page in api.items.list(sort="price", min_price=Decimal(3), page_size=4).pages()]
    assert [[item.price for item in page.items] for page in by_price] == [
        ["3.00", "7.25", "19.90", "45.00"],
        ["120.00"],
    ]
    assert by_price[0].next_cursor is not None
    assert by_price[1].next_cursor is None

    first = await api.items.list(page_size=4).first_page()
    rest = await api.items.list(page_size=4, cursor=first.next_cursor).first_page()
    assert isinstance(first, Page)
    assert len(first.items) + len(rest.items) == len(created)
    assert rest.next_cursor is None


async def test_item_update_sends_only_the_changes_and_problems_are_typed(api: AsyncContractApi) -> None:
    lamp = await api.items.create(name="Lamp", price="19.99", description="Brass.", tags=["a", "b"])

    patched = await api.items.update(lamp.id, price=Decimal("17.5"), status="published")
    assert (patched.name, patched.description, patched.price, patched.status, patched.tags) == (
        "Lamp",
        "Brass.",
        "17.50",
        "published",
        ["a", "b"],
    )
    # description is nullable: None clears it; leaving it out (above) leaves it alone.
    cleared = await api.items.update(str(lamp.id), description=None, tags=())
    assert (cleared.description, cleared.tags, cleared.price) == (None, [], "17.50")
    assert (await api.items.get(lamp.id)).description is None

    with pytest.raises(ValidationFailed) as invalid:
        await api.items.create(name="Lamp", price="19.9")
    assert invalid.value.status == 422
    assert [(error.in_, error.field) for error in invalid.value.errors] == [("body", "/price")]
    assert invalid.value.problem["errors"][0]["field"] == "/price"

    await api.items.delete(lamp.id)
    with pytest.raises(NotFound) as missing:
        await api.items.get(lamp.id)
    assert (missing.value.status, missing.value.title, missing.value.problem_type) == (404, "Not Found", "about:blank")
    assert missing.value.detail
    assert missing.value.instance == f"/v1/items/{lamp.id}"
    assert missing.value.problem["status"] == 404
    assert [item async for item in api.items.list()] == []


async def test_articles_drafts_publishing_and_anonymous_pages(server: LiveServer, api: AsyncContractApi) -> None:
    me = await api.users.me()
    marker = uuid.uuid4().hex[:8]
    draft = await api.articles.create(title=f"Draft {marker}", body="Not yet.")
    published = [await api.articles.create(title=f"Post {marker} {n}", body="Hello.", published=True) for n in range(3)]
    assert (draft.published, draft.published_at, draft.author.id) == (False, None, me.id)

    async with AsyncContractApi(server.base_url) as anonymous:
        with pytest.raises(NotFound):
            await anonymous.articles.get(draft.id)
        listed = [article async for article in anonymous.articles.list(author_id=me.id, page_size=2)]
        assert [article.id for article in listed] == [article.id for article in reversed(published)]

        renamed = await api.articles.update(draft.id, published=True, title=f"Published {marker}")
        assert renamed.published_at is not None
        read = await anonymous.articles.get(draft.id)
        assert (read.title, read.author.id) == (f"Published {marker}", me.id)
        found = [article.id async for article in anonymous.articles.list(q=f"Published {marker}")]
        assert found == [draft.id]

        with pytest.raises(Unauthorized):
            await anonymous.articles.create(title="Nope", body="Anonymous callers cannot write.")

    await api.articles.delete(draft.id)
    with pytest.raises(NotFound):
        await api.articles.get(draft.id)


async def test_users_list_every_page_for_a_superuser_and_forbidden_otherwise(
    server: LiveServer, api: AsyncContractApi
) -> None:
    marker = uuid.uuid4().hex[:8]
    emails = [f"list-{marker}-{n}@example.com" for n in range(5)]
    async with AsyncContractApi(server.base_url) as anonymous:
        for email in emails:
            await anonymous.auth.register(email=email, password=PASSWORD)

    with pytest.raises(Forbidden) as forbidden:
        await api.users.list().first_page()
    assert forbidden.value.status == 403

    await make_superuser(server, (await api.users.me()).email)
    # Oldest first, over three pages of two.
    pages = [page async for page in api.users.list(q=f"list-{marker}", page_size=2).pages()]
    assert [len(page.items) for page in pages] == [2, 2, 1]
    assert [user.email for page in pages for user in page.items] == emails

    third = pages[1].items[0]
    deactivated = await api.users.update(third.id, is_active=False, full_name=None)
    assert (deactivated.is_active, deactivated.full_name) == (False, None)
    active = [user.email async for user in api.users.list(q=f"list-{marker}", is_active=True, page_size=2)]
    assert active == [email for email in emails if email != third.email]
    await api.users.delete(third.id)
    with pytest.raises(NotFound):
        await api.users.get(third.id)


def test_the_blocking_client_does_the_same(server: LiveServer, recorder: Recorder) -> None:
    email = new_email()
    with ContractApi(server.base_url, email=email, password=PASSWORD, transport=recorder) as api:
        api.auth.register(email=email, password=PASSWORD)
        created = [api.items.create(name=f"Chair {n}", price=Decimal(n + 1)) for n in range(5)]
        recorder.clear()

        listed = list(api.items.list(page_size=2))

        assert [item.id for item in listed] == [item.id for item in reversed(created)]
        assert len(recorder.to("GET", "/v1/items")) == 3
        updated = api.items.update(created[0].id, name="Stool")
        assert (updated.name, updated.price) == ("Stool", "1.00")
        api.items.delete(created[0].id)
        with pytest.raises(NotFound):
            api.items.get(created[0].id)
        assert api.users.me().email == email
