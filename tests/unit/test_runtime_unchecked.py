"""contract_runtime.unchecked: the fast constructor builds what pydantic's model_construct builds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field, RootModel

from contract_runtime import construct, construct_root
from generated import models


def _item_values() -> dict[str, Any]:
    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    return {
        "id": uuid.uuid4(),
        "owner_id": uuid.uuid4(),
        "name": "Brass lamp",
        "description": None,
        "price": "19.99",
        "status": models.ItemStatus.draft,
        "tags": [construct_root(models.Tag, "brass")],
        "created_at": now,
        "updated_at": now,
    }


def test_the_fast_path_builds_what_model_construct_builds() -> None:
    values = _item_values()
    fast = construct(models.Item, dict(values))
    slow = models.Item.model_construct(**values)
    assert fast == slow
    assert fast.model_fields_set == slow.model_fields_set
    assert fast.__pydantic_extra__ == slow.__pydantic_extra__
    assert fast.__pydantic_private__ == slow.__pydantic_private__
    assert fast.model_dump_json() == slow.model_dump_json()
    assert models.Item.__pydantic_serializer__.to_json(fast, warnings="error") == slow.model_dump_json().encode()


def test_a_root_model_is_built_as_model_construct_builds_it() -> None:
    fast = construct_root(models.Tag, "brass")
    slow = models.Tag.model_construct("brass")
    assert fast == slow
    assert fast.root == "brass"
    assert fast.model_fields_set == slow.model_fields_set


def test_nothing_is_validated_the_response_check_does_that() -> None:
    """Like model_construct: a value that breaks the schema is kept, for the runtime's check to refuse."""
    item = construct(models.Item, {**_item_values(), "price": "not a price"})
    assert item.price == "not a price"


class _WithDefault(BaseModel):
    name: str
    note: str = "none"


class _WithAlias(BaseModel):
    name: str = Field(alias="Name")


class _Root(RootModel[list[int]]):
    pass


def test_other_cases_take_model_construct() -> None:
    # A field left out gets its default; an alias is honoured; both exactly as model_construct does.
    defaulted = construct(_WithDefault, {"name": "a"})
    assert defaulted == _WithDefault.model_construct(name="a")
    assert defaulted.note == "none"
    assert defaulted.model_fields_set == {"name"}
    aliased = construct(_WithAlias, {"Name": "a"})
    assert aliased.name == "a"
    assert construct_root(_Root, [1, 2]).root == [1, 2]
