"""The contract gate's hooks: positive cases send an opaque cursor only as the server answered it."""

from __future__ import annotations

from typing import Any

from scripts.contract import hooks


def test_the_opaque_parameters_are_the_cursors() -> None:
    cursors = frozenset({"cursor"})
    expected = {("GET", "/v1/users"): cursors, ("GET", "/v1/items"): cursors, ("GET", "/v1/articles"): cursors}
    assert dict(hooks.OPAQUE) == expected


def test_only_answered_cursors_are_kept() -> None:
    hooks.remember_opaque_values({"items": [], "next_cursor": "answered"})
    hooks.remember_opaque_values({"items": [], "next_cursor": None})
    made_up: dict[str, Any] = {"cursor": "made-up", "limit": 5}
    hooks.keep_only_answered_values(made_up, frozenset({"cursor"}))
    assert made_up == {"limit": 5}
    answered: dict[str, Any] = {"cursor": "answered", "limit": 5}
    hooks.keep_only_answered_values(answered, frozenset({"cursor"}))
    assert answered == {"cursor": "answered", "limit": 5}
    hooks.keep_only_answered_values(None, frozenset({"cursor"}))  # no query at all
