"""The caller's account (/v1/users/me) and account administration for superusers (/v1/users)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx

from impl.db.tables import ArticleRow, ItemRow, RefreshTokenRow
from tests.api.conftest import (
    Account,
    Database,
    create_article,
    create_item,
    login,
    problem,
    register,
    unique_email,
)


async def list_all_users(
    client: httpx.AsyncClient, account: Account, limit: int, **filters: str
) -> tuple[list[dict[str, Any]], int]:
    """Follow next_cursor to the end; returns every listed user and the number of pages."""
    users: list[dict[str, Any]] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": limit, **filters}
        if cursor is not None:
            params["cursor"] = cursor
        response = await client.get("/v1/users", params=params, headers=account.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        pages += 1
        assert len(page["items"]) <= limit
        users.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return users, pages
        assert len(page["items"]) == limit, "only the last page may be short"
        assert pages < 100, "pagination does not end"


# --- /v1/users/me ------------------------------------------------------------------------------------------------


async def test_get_me(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.get("/v1/users/me", headers=user.headers)
    assert response.status_code == 200
    me = response.json()
    assert me["id"] == user.id
    assert me["email"] == user.email
    assert me["full_name"] == "Owner"
    assert me["is_active"] is True
    assert me["is_superuser"] is False


async def test_patch_me_full_name_and_null(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.patch("/v1/users/me", json={"full_name": "Ada King"}, headers=user.headers)
    assert response.status_code == 200
    assert response.json()["full_name"] == "Ada King"
    assert response.json()["email"] == user.email  # left out: unchanged

    response = await client.patch("/v1/users/me", json={"full_name": None}, headers=user.headers)
    assert response.status_code == 200
    assert response.json()["full_name"] is None
    assert (await client.get("/v1/users/me", headers=user.headers)).json()["full_name"] is None


async def test_patch_me_with_nothing_changes_nothing(client: httpx.AsyncClient, user: Account) -> None:
    before = (await client.get("/v1/users/me", headers=user.headers)).json()
    response = await client.patch("/v1/users/me", json={}, headers=user.headers)
    assert response.status_code == 200
    after = response.json()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


async def test_patch_me_moves_updated_at_only(client: httpx.AsyncClient, user: Account) -> None:
    before = (await client.get("/v1/users/me", headers=user.headers)).json()
    for change in ({"full_name": "Ada King"}, {"email": unique_email("moved")}, {}):
        response = await client.patch("/v1/users/me", json=change, headers=user.headers)
        after = response.json()
        assert datetime.fromisoformat(after["updated_at"]) > datetime.fromisoformat(before["updated_at"]), change
        assert after["created_at"] == before["created_at"]
        assert (await client.get("/v1/users/me", headers=user.headers)).json() == after
        before = after


async def test_patch_me_email(client: httpx.AsyncClient, user: Account) -> None:
    new_email = unique_email("renamed")
    response = await client.patch("/v1/users/me", json={"email": new_email}, headers=user.headers)
    assert response.status_code == 200
    assert response.json()["email"] == new_email
    await login(client, new_email, user.password)
    refused = await client.post(
        "/v1/auth/token", data={"grant_type": "password", "username": user.email, "password": user.password}
    )
    assert refused.status_code == 400
    # The old email is free again.
    await register(client, email=user.email)


async def test_patch_me_to_a_taken_email_is_a_conflict(
    client: httpx.AsyncClient, user: Account, other_user: Account
) -> None:
    response = await client.patch("/v1/users/me", json={"email": other_user.email.upper()}, headers=user.headers)
    assert response.status_code == 409
    assert problem(response)["status"] == 409
    me = (await client.get("/v1/users/me", headers=user.headers)).json()
    assert me["email"] == user.email


async def test_patch_me_cannot_make_oneself_superuser(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.patch("/v1/users/me", json={"is_superuser": True}, headers=user.headers)
    assert response.status_code == 422
    assert (await client.get("/v1/users/me", headers=user.headers)).json()["is_superuser"] is False


async def test_delete_me_removes_items_articles_and_tokens(
    client: httpx.AsyncClient, db: Database, user: Account, superuser: Account
) -> None:
    item = await create_item(client, user)
    article = await create_article(client, user, published=True)
    draft = await create_article(client, user)
    owner_id = uuid.UUID(user.id)

    response = await client.delete("/v1/users/me", headers=user.headers)
    assert response.status_code == 204
    assert response.content == b""

    assert (await client.get(f"/v1/users/{user.id}", headers=superuser.headers)).status_code == 404
    assert (await client.get(f"/v1/items/{item['id']}", headers=superuser.headers)).status_code == 404
    for gone in (article, draft):
        assert (await client.get(f"/v1/articles/{gone['id']}", headers=superuser.headers)).status_code == 404
    assert await db.count(ItemRow, ItemRow.owner_id == owner_id) == 0
    assert await db.count(ArticleRow, ArticleRow.author_id == owner_id) == 0
    assert await db.count(RefreshTokenRow, RefreshTokenRow.user_id == owner_id) == 0

    assert (await client.get("/v1/users/me", headers=user.headers)).status_code == 401
    refreshed = await client.post(
        "/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": user.refresh_token}
    )
    assert refreshed.status_code == 400
    # The superuser's own data is untouched.
    assert (await client.get("/v1/users/me", headers=superuser.headers)).status_code == 200


# --- /v1/users (superusers) ----------------------------------------------------------------------------------------


async def test_list_users_paginates_over_every_account_oldest_first(
    client: httpx.AsyncClient, superuser: Account
) -> None:
    created = [await register(client, full_name=f"Member {i}") for i in range(7)]
    expected_ids = [superuser.id] + [u["id"] for u in created]

    for limit in (1, 2, 3, 8, 100):
        users, pages = await list_all_users(client, superuser, limit)
        ids = [u["id"] for u in users]
        assert ids == expected_ids, f"limit={limit}"
        assert pages == max(1, -(-len(expected_ids) // limit))
        stamps = [(u["created_at"], u["id"]) for u in users]
        assert stamps == sorted(stamps)


async def test_list_users_filters(client: httpx.AsyncClient, superuser: Account) -> None:
    tag = uuid.uuid4().hex[:8]
    alice = await register(client, email=f"alice-{tag}@example.com", full_name="Alice Liddell")
    bob = await register(client, email=f"bob-{tag}@example.com", full_name="Bob Babbage")
    carol = await register(client, email=f"carol-{tag}@example.com", full_name=None)
    response = await client.patch(f"/v1/users/{bob['id']}", json={"is_active": False}, headers=superuser.headers)
    assert response.status_code == 200

    async def ids(**filters: str) -> list[str]:
        users, _ = await list_all_users(client, superuser, 2, **filters)
        return [u["id"] for u in users]

    # q: a case-insensitive substring of the email or of the full name.
    assert await ids(q=f"ALICE-{tag}") == [alice["id"]]
    assert await ids(q="babBAGE") == [bob["id"]]
    assert await ids(q=tag) == [alice["id"], bob["id"], carol["id"]]
    assert await ids(q="no-such-person") == []
    # LIKE wildcards are literal characters.
    assert await ids(q="%") == []
    assert await ids(q="_") == []

    assert await ids(is_active="false") == [bob["id"]]
    assert await ids(is_active="true") == [superuser.id, alice["id"], carol["id"]]
    assert await ids(is_superuser="true") == [superuser.id]
    assert await ids(is_superuser="false") == [alice["id"], bob["id"], carol["id"]]
    assert await ids(is_superuser="false", is_active="true", q=tag) == [alice["id"], carol["id"]]


async def test_get_user_by_id(client: httpx.AsyncClient, user: Account, superuser: Account) -> None:
    response = await client.get(f"/v1/users/{user.id}", headers=superuser.headers)
    assert response.status_code == 200
    assert response.json() == (await client.get("/v1/users/me", headers=user.headers)).json()


async def test_patch_user_by_id(client: httpx.AsyncClient, user: Account, superuser: Account) -> None:
    response = await client.patch(
        f"/v1/users/{user.id}", json={"full_name": "Promoted", "is_superuser": True}, headers=superuser.headers
    )
    assert response.status_code == 200
    body = response.json()
    assert body["full_name"] == "Promoted"
    assert body["is_superuser"] is True
    assert body["is_active"] is True
    assert body["email"] == user.email
    # The promotion takes effect for the existing token at once.
    assert (await client.get("/v1/users", headers=user.headers)).status_code == 200

    response = await client.patch(f"/v1/users/{user.id}", json={"full_name": None}, headers=superuser.headers)
    assert response.status_code == 200
    assert response.json()["full_name"] is None
    assert response.json()["is_superuser"] is True


async def test_patch_user_cannot_change_email(client: httpx.AsyncClient, user: Account, superuser: Account) -> None:
    response = await client.patch(f"/v1/users/{user.id}", json={"email": unique_email()}, headers=superuser.headers)
    assert response.status_code == 422
    assert (await client.get(f"/v1/users/{user.id}", headers=superuser.headers)).json()["email"] == user.email


async def test_delete_user_by_id(
    client: httpx.AsyncClient, db: Database, user: Account, other_user: Account, superuser: Account
) -> None:
    item = await create_item(client, user)
    kept = await create_item(client, other_user)
    response = await client.delete(f"/v1/users/{user.id}", headers=superuser.headers)
    assert response.status_code == 204
    assert (await client.get(f"/v1/users/{user.id}", headers=superuser.headers)).status_code == 404
    assert (await client.get(f"/v1/items/{item['id']}", headers=superuser.headers)).status_code == 404
    assert (await client.get(f"/v1/items/{kept['id']}", headers=other_user.headers)).status_code == 200
    assert await db.count(ItemRow, ItemRow.owner_id == uuid.UUID(user.id)) == 0
    assert (await client.get("/v1/users/me", headers=user.headers)).status_code == 401
    # Deleting it again: it is gone.
    assert (await client.delete(f"/v1/users/{user.id}", headers=superuser.headers)).status_code == 404


async def test_unknown_user_id_is_404(client: httpx.AsyncClient, superuser: Account) -> None:
    unknown = str(uuid.uuid4())
    assert (await client.get(f"/v1/users/{unknown}", headers=superuser.headers)).status_code == 404
    patched = await client.patch(f"/v1/users/{unknown}", json={"full_name": "X"}, headers=superuser.headers)
    assert patched.status_code == 404
    assert (await client.delete(f"/v1/users/{unknown}", headers=superuser.headers)).status_code == 404


async def test_ordinary_users_cannot_administer(client: httpx.AsyncClient, user: Account, other_user: Account) -> None:
    assert (await client.get("/v1/users", headers=user.headers)).status_code == 403
    assert (await client.get(f"/v1/users/{other_user.id}", headers=user.headers)).status_code == 403
    response = await client.patch(f"/v1/users/{other_user.id}", json={"is_active": False}, headers=user.headers)
    assert response.status_code == 403
    assert (await client.delete(f"/v1/users/{other_user.id}", headers=user.headers)).status_code == 403
    # Not even on themselves.
    response = await client.patch(f"/v1/users/{user.id}", json={"is_superuser": True}, headers=user.headers)
    assert response.status_code == 403
    assert (await client.get("/v1/users/me", headers=user.headers)).json()["is_superuser"] is False
    assert (await client.get("/v1/users/me", headers=other_user.headers)).json()["is_active"] is True
