"""SQL building blocks shared by the repositories; each renders correctly on PostgreSQL and SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import SQLColumnExpression, String, func, literal, tuple_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

__all__ = ["LIKE_ESCAPE", "binary_order", "contains_insensitive", "keyset_after", "like_contains_pattern"]

LIKE_ESCAPE = "/"


def like_contains_pattern(text: str) -> str:
    """The LIKE pattern (escape character LIKE_ESCAPE) matching any text containing `text` literally."""
    escaped = text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")
    return f"%{escaped}%"


def contains_insensitive(column: SQLColumnExpression[Any], text: str) -> ColumnElement[bool]:
    """Case-insensitive substring match in which the user's % _ and / are literal characters."""
    # Both sides are lower-cased by the database, so the same case folding applies to each.
    pattern = func.lower(literal(like_contains_pattern(text), String()))
    return func.lower(column).like(pattern, escape=LIKE_ESCAPE)


class binary_order(FunctionElement[str]):
    """A text expression compared by code point, so both backends sort names alike (as Python does).

    PostgreSQL would otherwise use the database's locale collation; SQLite's default (BINARY) already
    compares UTF-8 bytes, which is code point order.
    """

    name = "binary_order"
    inherit_cache = True
    type = String()


@compiles(binary_order)
def _compile_binary_order(element: binary_order, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(binary_order, "postgresql")
def _compile_binary_order_postgresql(element: binary_order, compiler: SQLCompiler, **kw: Any) -> str:
    return f'{compiler.process(element.clauses, **kw)} COLLATE "C"'


def keyset_after(keys: Sequence[tuple[SQLColumnExpression[Any], Any]], *, descending: bool) -> ColumnElement[bool]:
    """Rows strictly after the position ``keys`` = [(column, value), ...] in (column, ...) order.

    A row-value comparison, so PostgreSQL can seek with a composite index. Comparing with a plain
    tuple binds each value with its own column's type (Money cents on SQLite, UUIDs, UTC datetimes).
    """
    columns = tuple_(*(column for column, _ in keys))
    values = tuple(value for _, value in keys)
    return columns < values if descending else columns > values
