"""Who may do what: every secured operation of the spec x every kind of caller, executed for real.

The table must name every operation of openapi.yaml that has a security requirement; a new operation fails
``test_the_matrix_covers_every_secured_operation`` until it is added here.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.api.conftest import Account, Database, create_article, create_item, new_account, new_superuser
from tests.contract_client import operations

ACTORS = ("anonymous", "bad_token", "other_user", "owner", "superuser")

# (operationId, variant) -> expected status per actor, in ACTORS order. The target of an operation with a path
# parameter belongs to "owner": their account, their item, their (published or draft) article. Operations on
# /v1/users/me act on the caller's own account, whoever that is.
MATRIX: dict[tuple[str, str], tuple[int, int, int, int, int]] = {
    ("getCurrentUser", ""): (401, 401, 200, 200, 200),
    ("updateCurrentUser", ""): (401, 401, 200, 200, 200),
    ("deleteCurrentUser", ""): (401, 401, 204, 204, 204),
    ("changePassword", ""): (401, 401, 204, 204, 204),
    ("listUsers", ""): (401, 401, 403, 403, 200),
    ("getUser", ""): (401, 401, 403, 403, 200),
    ("updateUser", ""): (401, 401, 403, 403, 200),
    ("deleteUser", ""): (401, 401, 403, 403, 204),
    ("listItems", ""): (401, 401, 200, 200, 200),
    ("createItem", ""): (401, 401, 201, 201, 201),
    ("getItem", ""): (401, 401, 404, 200, 200),
    ("updateItem", ""): (401, 401, 404, 200, 200),
    ("deleteItem", ""): (401, 401, 404, 204, 204),
    ("listArticles", ""): (200, 401, 200, 200, 200),
    ("createArticle", ""): (401, 401, 201, 201, 201),
    ("getArticle", "published"): (200, 401, 200, 200, 200),
    ("getArticle", "draft"): (404, 401, 404, 200, 200),
    ("updateArticle", "published"): (401, 401, 403, 200, 200),
    ("updateArticle", "draft"): (401, 401, 404, 200, 200),
    ("deleteArticle", "published"): (401, 401, 403, 204, 204),
    ("deleteArticle", "draft"): (401, 401, 404, 204, 204),
}


def secured_operation_ids() -> set[str]:
    """Operations with a security requirement (an optional one, `[{}, {scheme: []}]`, counts)."""
    return {
        operation["operationId"]
        for _, _, operation in operations()
        if any(requirement for requirement in operation.get("security", []))
    }


def find_operation(operation_id: str) -> tuple[str, str, dict[str, Any]]:
    for path, method, operation in operations():
        if operation["operationId"] == operation_id:
            return path, method, operation
    raise AssertionError(f"no operation {operation_id} in the spec")


def example_body(operation: dict[str, Any]) -> Any:
    body = operation.get("requestBody")
    if body is None:
        return None
    (media,) = body["content"].values()
    return copy.deepcopy(media["example"])


@dataclass(frozen=True)
class World:
    owner: Account
    other_user: Account
    superuser: Account
    item: dict[str, Any]
    published: dict[str, Any]
    draft: dict[str, Any]

    def account(self, actor: str) -> Account | None:
        return {"other_user": self.other_user, "owner": self.owner, "superuser": self.superuser}.get(actor)

    def headers(self, actor: str) -> dict[str, str]:
        if actor == "anonymous":
            return {}
        if actor == "bad_token":
            return {"Authorization": "Bearer not.a.valid-token"}
        account = self.account(actor)
        assert account is not None
        return account.headers

    def path_values(self, variant: str) -> dict[str, str]:
        article = self.draft if variant == "draft" else self.published
        return {"user_id": self.owner.id, "item_id": self.item["id"], "article_id": article["id"]}

    def target_url(self, path: str, variant: str) -> str | None:
        """The resource the operation acts on, to read back after a refusal."""
        values = self.path_values(variant)
        for name, prefix in (("user_id", "/v1/users/"), ("item_id", "/v1/items/"), ("article_id", "/v1/articles/")):
            if "{" + name + "}" in path:
                return prefix + values[name]
        return None


@pytest.fixture
async def world(client: httpx.AsyncClient, db: Database) -> World:
    owner = await new_account(client, full_name="Owner")
    return World(
        owner=owner,
        other_user=await new_account(client, full_name="Other"),
        superuser=await new_superuser(client, db),
        item=await create_item(client, owner),
        published=await create_article(client, owner, title="Published", published=True),
        draft=await create_article(client, owner, title="Draft"),
    )


def test_the_matrix_covers_every_secured_operation() -> None:
    in_matrix = {operation_id for operation_id, _ in MATRIX}
    assert in_matrix == secured_operation_ids(), (
        f"missing from the matrix: {sorted(secured_operation_ids() - in_matrix)}; "
        f"not (or no longer) secured: {sorted(in_matrix - secured_operation_ids())}"
    )


def test_every_expected_status_is_declared_by_the_spec() -> None:
    for (operation_id, variant), statuses in MATRIX.items():
        _, _, operation = find_operation(operation_id)
        for actor, status in zip(ACTORS, statuses, strict=True):
            assert str(status) in operation["responses"], f"{operation_id}/{variant}/{actor}: {status} not declared"


CASES = [
    pytest.param(operation_id, variant, actor, status, id=f"{operation_id}{'-' + variant if variant else ''}-{actor}")
    for (operation_id, variant), statuses in MATRIX.items()
    for actor, status in zip(ACTORS, statuses, strict=True)
]


@pytest.mark.parametrize(("operation_id", "variant", "actor", "expected"), CASES)
async def test_authorization(
    client: httpx.AsyncClient, world: World, operation_id: str, variant: str, actor: str, expected: int
) -> None:
    path, method, operation = find_operation(operation_id)
    url = path.format(**world.path_values(variant))
    body = example_body(operation)
    account = world.account(actor)
    if operation_id == "changePassword":
        body["current_password"] = account.password if account else "whatever it was"

    target = world.target_url(path, variant)
    before = (await client.get(target, headers=world.superuser.headers)).json() if target else None

    response = await client.request(method.upper(), url, json=body, headers=world.headers(actor))
    assert response.status_code == expected, response.text

    if expected == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")
    if expected >= 400 and target is not None:
        # A refused request changed nothing.
        after = await client.get(target, headers=world.superuser.headers)
        assert after.json() == before
    if operation_id.startswith("list") and expected == 200:
        listed = response.json()["items"]
        if operation_id == "listItems":
            assert all(i["owner_id"] == (account.id if account else None) for i in listed)
            assert bool(listed) == (actor == "owner")
        if operation_id == "listArticles":
            assert [a["id"] for a in listed] == [world.published["id"]]
