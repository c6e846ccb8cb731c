"""Answer models built without validation, fast: the runtime validates every answer before it is sent (and refuses
one that breaks the spec), so an implementation that builds its answer from stored rows need not validate it too.

`construct(Model, values)` is pydantic's `model_construct` for the common case of an answer (every field given,
by name, on a plain model): the same instance, about four times faster, which counts for a page of 20 items. Any
other case (a field left to its default, aliases, extra members kept, a post-init hook, a root model) takes
`model_construct` itself.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar, cast

from pydantic import BaseModel, RootModel

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R", bound=RootModel[Any])

_set = object.__setattr__


@cache
def _plain_fields(model: type[BaseModel]) -> frozenset[str] | None:
    """The field names, when an instance is no more than its fields' values (None otherwise)."""
    if model.__pydantic_root_model__ or model.__pydantic_post_init__ or model.model_config.get("extra") == "allow":
        return None
    if model.__private_attributes__:
        return None
    fields = model.__pydantic_fields__
    if any(field.alias not in (None, name) or field.validation_alias is not None for name, field in fields.items()):
        return None
    return frozenset(fields)


def construct(model: type[M], values: dict[str, Any]) -> M:
    """`model.model_construct(**values)`, without validation; `values` is taken over (not copied)."""
    names = _plain_fields(model)
    if names is None or len(values) != len(names) or not names.issuperset(values):
        return model.model_construct(**values)
    instance = model.__new__(model)
    _set(instance, "__dict__", values)
    _set(instance, "__pydantic_fields_set__", set(values))
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance


def construct_root(model: type[R], value: Any) -> R:
    """`model.model_construct(value)` for a root model (a constrained string, a list...), without validation."""
    if model.__pydantic_post_init__:
        return cast(R, model.model_construct(value))
    instance = model.__new__(model)
    _set(instance, "__dict__", {"root": value})
    _set(instance, "__pydantic_fields_set__", {"root"})
    return instance
