"""The fields an update may change, as keyword arguments: only the ones you pass are sent.

``api.items.update(item_id, price="17.50")`` changes the price and nothing else;
``api.items.update(item_id, description=None)`` clears the description (it is nullable); leaving ``description``
out leaves it as it is. The builders turn these keyword arguments into the generated request bodies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypedDict

from ._calls import amount
from .models.article_update import ArticleUpdate
from .models.item_status import ItemStatus
from .models.item_update import ItemUpdate
from .models.user_update_admin import UserUpdateAdmin
from .models.user_update_me import UserUpdateMe

__all__ = ["ArticleChanges", "ItemChanges", "MyAccountChanges", "UserChanges"]


class ItemChanges(TypedDict, total=False):
    name: str
    description: str | None
    price: Decimal | str
    status: ItemStatus
    tags: Sequence[str]


class ArticleChanges(TypedDict, total=False):
    title: str
    body: str
    published: bool


class MyAccountChanges(TypedDict, total=False):
    email: str
    full_name: str | None


class UserChanges(TypedDict, total=False):
    """What a superuser may change on any account."""

    full_name: str | None
    is_active: bool
    is_superuser: bool


def item_update(changes: Mapping[str, Any]) -> ItemUpdate:
    fields = dict(changes)
    if "price" in fields:
        fields["price"] = amount(fields["price"])
    if "tags" in fields:
        fields["tags"] = list(fields["tags"])
    return ItemUpdate.from_dict(fields)


def article_update(changes: Mapping[str, Any]) -> ArticleUpdate:
    return ArticleUpdate.from_dict(dict(changes))


def my_account_update(changes: Mapping[str, Any]) -> UserUpdateMe:
    return UserUpdateMe.from_dict(dict(changes))


def user_update(changes: Mapping[str, Any]) -> UserUpdateAdmin:
    return UserUpdateAdmin.from_dict(dict(changes))
