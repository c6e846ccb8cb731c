"""Articles: the public feed, drafts visible only to their author and superusers, publishing, permissions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx

from tests.api.conftest import Account, create_article, new_account, problem


async def feed(
    client: httpx.AsyncClient,
    limit: int = 20,
    headers: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Every article of the public feed, following next_cursor."""
    articles: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(100):
        query: dict[str, str | int] = {"limit": limit, **(params or {})}
        if cursor is not None:
            query["cursor"] = cursor
        response = await client.get("/v1/articles", params=query, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= limit
        articles.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return articles
        assert len(page["items"]) == limit, "only the last page may be short"
    raise AssertionError("pagination does not end")


async def publish(
    client: httpx.AsyncClient, account: Account, article: dict[str, Any], published: bool
) -> dict[str, Any]:
    response = await client.patch(
        f"/v1/articles/{article['id']}", json={"published": published}, headers=account.headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_create_article(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.post(
        "/v1/articles", json={"title": "Notes", "body": "On the engine."}, headers=user.headers
    )
    assert response.status_code == 201
    article = response.json()
    assert article["title"] == "Notes"
    assert article["body"] == "On the engine."
    assert article["published"] is False
    assert article["published_at"] is None
    assert article["author"] == {"id": user.id, "full_name": "Owner"}
    assert response.headers["location"] == f"/v1/articles/{article['id']}"
    assert (await client.get(response.headers["location"], headers=user.headers)).json() == article


async def test_create_published_article_sets_published_at(client: httpx.AsyncClient, user: Account) -> None:
    article = await create_article(client, user, published=True)
    assert article["published"] is True
    assert article["published_at"] is not None
    assert datetime.fromisoformat(article["published_at"]) >= datetime.fromisoformat(article["created_at"])


async def test_anonymous_feed_shows_only_published_newest_first(
    client: httpx.AsyncClient, user: Account, other_user: Account
) -> None:
    first = await create_article(client, user, title="First", published=True)
    await create_article(client, user, title="Draft")
    second = await create_article(client, other_user, title="Second", published=True)
    late_draft = await create_article(client, user, title="Published later")
    third = await publish(client, user, late_draft, True)

    articles = await feed(client)
    assert [a["id"] for a in articles] == [third["id"], second["id"], first["id"]]
    stamps = [datetime.fromisoformat(a["published_at"]) for a in articles]
    assert stamps == sorted(stamps, reverse=True)
    assert all(a["published"] for a in articles)
    # Pagination gives the same sequence.
    for limit in (1, 2):
        assert [a["id"] for a in await feed(client, limit=limit)] == [a["id"] for a in articles]
    # A logged-in author sees the same public feed (drafts are not listed, even their own).
    assert [a["id"] for a in await feed(client, headers=user.headers)] == [a["id"] for a in articles]


async def test_feed_embeds_the_author(client: httpx.AsyncClient) -> None:
    named = await new_account(client, full_name="Ada Lovelace")
    anonymous = await new_account(client, full_name=None)
    await create_article(client, named, published=True)
    await create_article(client, anonymous, published=True)
    authors = [a["author"] for a in await feed(client)]
    assert authors == [{"id": anonymous.id, "full_name": None}, {"id": named.id, "full_name": "Ada Lovelace"}]

    # The embedded author follows a rename.
    await client.patch("/v1/users/me", json={"full_name": "Ada King"}, headers=named.headers)
    assert (await feed(client, params={"author_id": named.id}))[0]["author"] == {
        "id": named.id,
        "full_name": "Ada King",
    }


async def test_feed_filters(client: httpx.AsyncClient, user: Account, other_user: Account) -> None:
    engine = await create_article(client, user, title="On the Analytical Engine", published=True)
    loom = await create_article(client, user, title="The Jacquard loom", published=True)
    theirs = await create_article(client, other_user, title="Engines of the future", published=True)
    await create_article(client, user, title="Engine draft")
    percent = await create_article(client, other_user, title="100% engine", published=True)

    async def ids(**params: str) -> list[str]:
        return [a["id"] for a in await feed(client, limit=2, params=params)]

    assert await ids(author_id=user.id) == [loom["id"], engine["id"]]
    assert await ids(author_id=other_user.id) == [percent["id"], theirs["id"]]
    assert await ids(author_id=str(uuid.uuid4())) == []
    assert await ids(q="ENGINE") == [percent["id"], theirs["id"], engine["id"]]
    assert await ids(q="engine", author_id=user.id) == [engine["id"]]
    assert await ids(q="%") == [percent["id"]]
    assert await ids(q="no such words") == []


async def test_draft_is_visible_to_its_author_and_superusers_only(
    client: httpx.AsyncClient, user: Account, other_user: Account, superuser: Account
) -> None:
    draft = await create_article(client, user)
    url = f"/v1/articles/{draft['id']}"
    assert (await client.get(url, headers=user.headers)).json() == draft
    assert (await client.get(url, headers=superuser.headers)).json() == draft
    hidden = await client.get(url, headers=other_user.headers)
    assert hidden.status_code == 404
    assert (await client.get(url)).status_code == 404
    unknown = await client.get(f"/v1/articles/{uuid.uuid4()}")
    # Indistinguishable from an article that does not exist.
    assert {k: v for k, v in problem(hidden).items() if k != "instance"} == {
        k: v for k, v in problem(unknown).items() if k != "instance"
    }


async def test_published_article_is_public(client: httpx.AsyncClient, user: Account, other_user: Account) -> None:
    article = await create_article(client, user, published=True)
    url = f"/v1/articles/{article['id']}"
    assert (await client.get(url)).json() == article
    assert (await client.get(url, headers=other_user.headers)).json() == article


async def test_invalid_token_is_refused_even_where_anonymous_is_welcome(
    client: httpx.AsyncClient, user: Account
) -> None:
    article = await create_article(client, user, published=True)
    bad = {"Authorization": "Bearer not-a-valid-token"}
    for url in ("/v1/articles", f"/v1/articles/{article['id']}"):
        response = await client.get(url, headers=bad)
        assert response.status_code == 401, url
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_published_at_is_set_on_first_publication_only(client: httpx.AsyncClient, user: Account) -> None:
    draft = await create_article(client, user)
    published = await publish(client, user, draft, True)
    assert published["published"] is True
    first_published_at = published["published_at"]
    assert first_published_at is not None

    unpublished = await publish(client, user, draft, False)
    assert unpublished["published"] is False
    assert unpublished["published_at"] == first_published_at
    assert (await client.get(f"/v1/articles/{draft['id']}")).status_code == 404
    assert await feed(client) == []

    republished = await publish(client, user, draft, True)
    assert republished["published_at"] == first_published_at
    again = await publish(client, user, draft, True)
    assert again["published_at"] == first_published_at
    assert [a["id"] for a in await feed(client)] == [draft["id"]]


async def test_author_patches_title_and_body(client: httpx.AsyncClient, user: Account) -> None:
    article = await create_article(client, user, published=True)
    response = await client.patch(
        f"/v1/articles/{article['id']}", json={"title": "Revised", "body": "New text."}, headers=user.headers
    )
    assert response.status_code == 200
    patched = response.json()
    assert patched["title"] == "Revised"
    assert patched["body"] == "New text."
    assert patched["published"] is True  # left out: unchanged
    assert patched["published_at"] == article["published_at"]
    assert patched["author"] == article["author"]
    assert (await client.get(f"/v1/articles/{article['id']}")).json() == patched


async def test_other_users_may_not_change_a_published_article(
    client: httpx.AsyncClient, user: Account, other_user: Account
) -> None:
    article = await create_article(client, user, published=True)
    url = f"/v1/articles/{article['id']}"
    response = await client.patch(url, json={"title": "Defaced"}, headers=other_user.headers)
    assert response.status_code == 403
    assert (await client.delete(url, headers=other_user.headers)).status_code == 403
    assert (await client.get(url)).json() == article


async def test_other_users_get_404_for_a_draft_they_cannot_see(
    client: httpx.AsyncClient, user: Account, other_user: Account
) -> None:
    draft = await create_article(client, user)
    url = f"/v1/articles/{draft['id']}"
    assert (await client.patch(url, json={"published": True}, headers=other_user.headers)).status_code == 404
    assert (await client.delete(url, headers=other_user.headers)).status_code == 404
    assert (await client.get(url, headers=user.headers)).json() == draft


async def test_superuser_may_change_and_delete_any_article(
    client: httpx.AsyncClient, user: Account, superuser: Account
) -> None:
    draft = await create_article(client, user)
    published = await publish(client, superuser, draft, True)
    assert published["author"]["id"] == user.id
    url = f"/v1/articles/{draft['id']}"
    assert (await client.get(url)).json() == published
    assert (await client.delete(url, headers=superuser.headers)).status_code == 204
    assert (await client.get(url, headers=user.headers)).status_code == 404


async def test_author_deletes_article(client: httpx.AsyncClient, user: Account) -> None:
    article = await create_article(client, user, published=True)
    url = f"/v1/articles/{article['id']}"
    response = await client.delete(url, headers=user.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get(url)).status_code == 404
    assert (await client.delete(url, headers=user.headers)).status_code == 404
    assert await feed(client) == []
