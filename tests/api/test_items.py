"""Private items: create, exact prices, filters, every sort across pages, update, delete, visibility."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.api.conftest import Account, create_item, problem

SORTS = ["created_at", "-created_at", "price", "-price", "name", "-name"]

# Lower-case ASCII names, so every collation orders them alike; repeated names and prices exercise the id tie-break.
CATALOGUE = [
    ("delta", "5.00"),
    ("alpha", "1.00"),
    ("charlie", "5.00"),
    ("bravo", "0.01"),
    ("alpha", "3.50"),
    ("echo", "1000000.00"),
    ("bravo", "1.00"),
]


async def list_all(
    client: httpx.AsyncClient, account: Account, limit: int = 20, **params: str
) -> tuple[list[dict[str, Any]], list[int]]:
    """Every item of a listing, following next_cursor; also returns each page's size."""
    items: list[dict[str, Any]] = []
    sizes: list[int] = []
    cursor: str | None = None
    while True:
        query: dict[str, str | int] = {"limit": limit, **params}
        if cursor is not None:
            query["cursor"] = cursor
        response = await client.get("/v1/items", params=query, headers=account.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= limit
        items.extend(page["items"])
        sizes.append(len(page["items"]))
        cursor = page["next_cursor"]
        if cursor is None:
            return items, sizes
        assert len(page["items"]) == limit, "only the last page may be short"
        assert len(sizes) < 100, "pagination does not end"


def sort_key(sort: str) -> Callable[[dict[str, Any]], Any]:
    field = sort.removeprefix("-")
    if field == "price":
        return lambda item: Decimal(item["price"])
    if field == "created_at":
        return lambda item: datetime.fromisoformat(item["created_at"])
    return lambda item: item["name"]


def assert_sorted(items: list[dict[str, Any]], sort: str) -> None:
    """Ordered by the sort key in its direction; ties broken by id (in one direction; the spec does not say which)."""
    key = sort_key(sort)
    keys = [key(i) for i in items]
    assert keys == sorted(keys, reverse=sort.startswith("-")), f"not ordered by {sort}"
    tie_directions = {uuid.UUID(a["id"]) < uuid.UUID(b["id"]) for a, b in itertools.pairwise(items) if key(a) == key(b)}
    assert len(tie_directions) <= 1, f"ties are not broken by id under {sort}"


# --- create ------------------------------------------------------------------------------------------------------


async def test_create_item_with_defaults(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.post("/v1/items", json={"name": "Lamp", "price": "19.99"}, headers=user.headers)
    assert response.status_code == 201
    item = response.json()
    assert item["owner_id"] == user.id
    assert item["name"] == "Lamp"
    assert item["price"] == "19.99"
    assert item["status"] == "draft"
    assert item["tags"] == []
    assert item["description"] is None
    assert item["created_at"] == item["updated_at"]
    assert response.headers["location"] == f"/v1/items/{item['id']}"
    fetched = await client.get(response.headers["location"], headers=user.headers)
    assert fetched.status_code == 200
    assert fetched.json() == item


async def test_create_item_with_every_field(client: httpx.AsyncClient, user: Account) -> None:
    payload = {
        "name": "Lamp",
        "description": "A brass desk lamp.",
        "price": "17.50",
        "status": "published",
        "tags": ["lighting", "brass"],
    }
    item = await create_item(client, user, **payload)
    assert {k: item[k] for k in payload} == payload
    assert (await client.get(f"/v1/items/{item['id']}", headers=user.headers)).json() == item


@pytest.mark.parametrize("price", ["0.01", "0.10", "10.50", "19.90", "999999.99", "1000000.00"])
async def test_price_round_trips_exactly(client: httpx.AsyncClient, user: Account, price: str) -> None:
    item = await create_item(client, user, price=price)
    assert item["price"] == price
    assert (await client.get(f"/v1/items/{item['id']}", headers=user.headers)).json()["price"] == price
    listed, _ = await list_all(client, user)
    assert [i["price"] for i in listed] == [price]
    patched = await client.patch(f"/v1/items/{item['id']}", json={"price": price}, headers=user.headers)
    assert patched.json()["price"] == price


async def test_unicode_name_round_trips(client: httpx.AsyncClient, user: Account) -> None:
    name = "Lampe à pétrole 🪔"
    item = await create_item(client, user, name=name, tags=["äöü", "日本"])
    fetched = (await client.get(f"/v1/items/{item['id']}", headers=user.headers)).json()
    assert fetched["name"] == name
    assert fetched["tags"] == ["äöü", "日本"]


# --- list: filters -----------------------------------------------------------------------------------------------


async def test_list_shows_only_the_callers_items_newest_first(
    client: httpx.AsyncClient, user: Account, other_user: Account, superuser: Account
) -> None:
    mine = [await create_item(client, user, name=f"mine {i}") for i in range(3)]
    await create_item(client, other_user, name="theirs")
    await create_item(client, superuser, name="admin's")
    listed, _ = await list_all(client, user)
    assert [i["id"] for i in listed] == [i["id"] for i in reversed(mine)]
    # Superusers list their own items too, not everyone's.
    listed, _ = await list_all(client, superuser)
    assert [i["name"] for i in listed] == ["admin's"]


async def test_list_filters(client: httpx.AsyncClient, user: Account) -> None:
    created = {
        name: await create_item(client, user, name=name, price=price, status=status)
        for name, price, status in [
            ("Brass Lamp", "19.99", "published"),
            ("brass hook", "0.01", "draft"),
            ("Steel Lamp", "20.00", "archived"),
            ("100% cotton", "1000000.00", "published"),
            ("snake_case", "19.98", "draft"),
        ]
    }

    async def names(**params: str) -> set[str]:
        listed, _ = await list_all(client, user, limit=2, **params)
        return {i["name"] for i in listed}

    assert await names(status="published") == {"Brass Lamp", "100% cotton"}
    assert await names(status="draft") == {"brass hook", "snake_case"}
    assert await names(status="archived") == {"Steel Lamp"}
    # q: case-insensitive substring of the name; LIKE wildcards are literal.
    assert await names(q="bRASS") == {"Brass Lamp", "brass hook"}
    assert await names(q="LAMP") == {"Brass Lamp", "Steel Lamp"}
    assert await names(q="%") == {"100% cotton"}
    assert await names(q="_") == {"snake_case"}
    assert await names(q="nothing like it") == set()
    # Price bounds are inclusive, and accept amounts without two decimals.
    assert await names(min_price="19.99") == {"Brass Lamp", "Steel Lamp", "100% cotton"}
    assert await names(max_price="19.99") == {"Brass Lamp", "brass hook", "snake_case"}
    assert await names(min_price="19.99", max_price="19.99") == {"Brass Lamp"}
    assert await names(min_price="20", max_price="20.0") == {"Steel Lamp"}
    assert await names(min_price="0.01", max_price="0.01") == {"brass hook"}
    assert await names(max_price="1000000") == set(created)
    assert await names(min_price="1000000") == {"100% cotton"}
    assert await names(min_price="0") == set(created)
    assert await names(min_price="20.01", max_price="19.99") == set()
    assert await names(status="published", q="lamp", max_price="20") == {"Brass Lamp"}


# --- list: sorts and pagination ----------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", SORTS)
async def test_every_sort_paginates_over_every_item_once(client: httpx.AsyncClient, user: Account, sort: str) -> None:
    created = [await create_item(client, user, name=name, price=price) for name, price in CATALOGUE]
    everything, sizes = await list_all(client, user, limit=100, sort=sort)
    assert len(everything) == len(created)
    assert_sorted(everything, sort)

    for limit in (1, 2, 3, 7):
        paged, sizes = await list_all(client, user, limit=limit, sort=sort)
        assert [i["id"] for i in paged] == [i["id"] for i in everything], f"limit={limit}"
        assert sizes == [limit] * (len(created) // limit) + ([len(created) % limit] if len(created) % limit else [])
    assert {i["id"] for i in everything} == {i["id"] for i in created}


async def test_default_sort_is_newest_first(client: httpx.AsyncClient, user: Account) -> None:
    created = [await create_item(client, user, name=name, price=price) for name, price in CATALOGUE]
    default, _ = await list_all(client, user, limit=3)
    explicit, _ = await list_all(client, user, limit=3, sort="-created_at")
    assert [i["id"] for i in default] == [i["id"] for i in explicit] == [i["id"] for i in reversed(created)]


async def test_pagination_keeps_the_filters(client: httpx.AsyncClient, user: Account) -> None:
    for index in range(9):
        await create_item(
            client, user, name=f"item {index}", price=f"{index + 1}.00", status=["draft", "published"][index % 2]
        )
    listed, sizes = await list_all(client, user, limit=2, status="draft", sort="price", min_price="2")
    assert [i["price"] for i in listed] == ["3.00", "5.00", "7.00", "9.00"]
    assert sizes == [2, 2]


async def test_limit_bounds(client: httpx.AsyncClient, user: Account) -> None:
    for index in range(3):
        await create_item(client, user, name=f"item {index}")
    response = await client.get("/v1/items", params={"limit": 1}, headers=user.headers)
    assert len(response.json()["items"]) == 1
    assert response.json()["next_cursor"] is not None
    response = await client.get("/v1/items", params={"limit": 100}, headers=user.headers)
    assert len(response.json()["items"]) == 3
    assert response.json()["next_cursor"] is None
    for limit in (0, 101):
        response = await client.get("/v1/items", params={"limit": limit}, headers=user.headers)
        assert response.status_code == 422


# --- update ------------------------------------------------------------------------------------------------------


async def test_patch_item(client: httpx.AsyncClient, user: Account) -> None:
    item = await create_item(client, user, description="A brass desk lamp.", tags=["lighting", "brass"])
    response = await client.patch(
        f"/v1/items/{item['id']}",
        json={"price": "17.50", "status": "published", "tags": ["sale"]},
        headers=user.headers,
    )
    assert response.status_code == 200
    patched = response.json()
    assert patched["price"] == "17.50"
    assert patched["status"] == "published"
    assert patched["tags"] == ["sale"]  # replaced, not merged
    assert patched["name"] == item["name"]  # left out: unchanged
    assert patched["description"] == "A brass desk lamp."
    assert patched["created_at"] == item["created_at"]
    assert datetime.fromisoformat(patched["updated_at"]) >= datetime.fromisoformat(item["updated_at"])

    response = await client.patch(
        f"/v1/items/{item['id']}", json={"description": None, "tags": []}, headers=user.headers
    )
    assert response.status_code == 200
    assert response.json()["description"] is None
    assert response.json()["tags"] == []
    assert (await client.get(f"/v1/items/{item['id']}", headers=user.headers)).json() == response.json()


async def test_patch_item_name(client: httpx.AsyncClient, user: Account) -> None:
    item = await create_item(client, user)
    response = await client.patch(f"/v1/items/{item['id']}", json={"name": "Desk Lamp"}, headers=user.headers)
    assert response.json()["name"] == "Desk Lamp"
    assert response.json()["price"] == item["price"]


# --- delete ------------------------------------------------------------------------------------------------------


async def test_delete_item(client: httpx.AsyncClient, user: Account) -> None:
    item = await create_item(client, user)
    kept = await create_item(client, user, name="Kept")
    response = await client.delete(f"/v1/items/{item['id']}", headers=user.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get(f"/v1/items/{item['id']}", headers=user.headers)).status_code == 404
    assert (await client.delete(f"/v1/items/{item['id']}", headers=user.headers)).status_code == 404
    listed, _ = await list_all(client, user)
    assert [i["id"] for i in listed] == [kept["id"]]


# --- visibility --------------------------------------------------------------------------------------------------


async def test_another_users_item_is_not_found(client: httpx.AsyncClient, user: Account, other_user: Account) -> None:
    item = await create_item(client, user, tags=["mine"])
    url = f"/v1/items/{item['id']}"

    response = await client.get(url, headers=other_user.headers)
    assert response.status_code == 404
    unknown = await client.get(f"/v1/items/{uuid.uuid4()}", headers=other_user.headers)
    # Indistinguishable from an item that does not exist.
    assert {k: v for k, v in problem(response).items() if k != "instance"} == {
        k: v for k, v in problem(unknown).items() if k != "instance"
    }
    assert (await client.patch(url, json={"name": "Stolen"}, headers=other_user.headers)).status_code == 404
    assert (await client.delete(url, headers=other_user.headers)).status_code == 404
    listed, _ = await list_all(client, other_user)
    assert listed == []

    assert (await client.get(url, headers=user.headers)).json() == item


async def test_superuser_can_manage_other_users_items(
    client: httpx.AsyncClient, user: Account, superuser: Account
) -> None:
    item = await create_item(client, user)
    url = f"/v1/items/{item['id']}"
    assert (await client.get(url, headers=superuser.headers)).json() == item

    response = await client.patch(url, json={"status": "archived"}, headers=superuser.headers)
    assert response.status_code == 200
    assert response.json()["status"] == "archived"
    assert response.json()["owner_id"] == user.id  # still the owner's
    assert (await client.get(url, headers=user.headers)).json()["status"] == "archived"

    assert (await client.delete(url, headers=superuser.headers)).status_code == 204
    assert (await client.get(url, headers=user.headers)).status_code == 404


async def test_unknown_item_is_404(client: httpx.AsyncClient, user: Account) -> None:
    url = f"/v1/items/{uuid.uuid4()}"
    assert (await client.get(url, headers=user.headers)).status_code == 404
    assert (await client.patch(url, json={"name": "x"}, headers=user.headers)).status_code == 404
    assert (await client.delete(url, headers=user.headers)).status_code == 404
