"""Opaque keyset cursors.

Each format is exactly what the OpenAPI pattern allows, and every string matching the
pattern decodes to *some* valid position: request validation enforces the pattern, so a
hand-made cursor can only move the page start, never cause an error.

- user / article: ``<µs since the Unix epoch>.<uuid hex>``
- item: ``<µs>.<price in cents>.<uuid hex>.<name as UTF-8 hex>``; it carries every sort key
  (created_at, price, name, id), so it stays valid whatever ``sort`` the next request uses.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Final, TypeVar

__all__ = [
    "ARTICLE_CURSOR_PATTERN",
    "ITEM_CURSOR_PATTERN",
    "USER_CURSOR_PATTERN",
    "ArticleKey",
    "InvalidCursorError",
    "ItemKey",
    "UserKey",
    "decode_article_key",
    "decode_item_key",
    "decode_user_key",
    "encode_article_key",
    "encode_item_key",
    "encode_user_key",
    "split_page",
]

USER_CURSOR_PATTERN: Final = r"^[0-9]{1,16}\.[0-9a-f]{32}$"
ARTICLE_CURSOR_PATTERN: Final = r"^[0-9]{1,16}\.[0-9a-f]{32}$"
ITEM_CURSOR_PATTERN: Final = r"^[0-9]{1,16}\.[0-9]{1,9}\.[0-9a-f]{32}\.(?:[0-9a-f]{2}){0,400}$"

_USER_CURSOR: Final = re.compile(r"([0-9]{1,16})\.([0-9a-f]{32})")
_ARTICLE_CURSOR: Final = _USER_CURSOR
_ITEM_CURSOR: Final = re.compile(r"([0-9]{1,16})\.([0-9]{1,9})\.([0-9a-f]{32})\.((?:[0-9a-f]{2}){0,400})")

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MICROSECOND: Final = timedelta(microseconds=1)
_MAX_MICROS: Final = 10**16 - 1  # 16 digits: year 2286, well inside datetime's range.
_MAX_CENTS: Final = 10**9 - 1
_MAX_NAME_BYTES: Final = 400


class InvalidCursorError(ValueError):
    """The text does not match the cursor pattern (request validation should have caught it)."""


@dataclass(frozen=True, slots=True)
class UserKey:
    """Position in the users list, ordered by (created_at, id)."""

    timestamp: datetime
    id: uuid.UUID


@dataclass(frozen=True, slots=True)
class ArticleKey:
    """Position in the published-articles feed, ordered by (published_at, id) descending."""

    timestamp: datetime
    id: uuid.UUID


@dataclass(frozen=True, slots=True)
class ItemKey:
    """Position in an items list under any sort: (created_at | price | name, id)."""

    created_at: datetime
    price: Decimal
    id: uuid.UUID
    name: str


def encode_user_key(key: UserKey) -> str:
    return f"{_encode_micros(key.timestamp)}.{key.id.hex}"


def decode_user_key(cursor: str) -> UserKey:
    micros, id_hex = _match(_USER_CURSOR, cursor).groups()
    return UserKey(timestamp=_decode_micros(micros), id=uuid.UUID(hex=id_hex))


def encode_article_key(key: ArticleKey) -> str:
    return f"{_encode_micros(key.timestamp)}.{key.id.hex}"


def decode_article_key(cursor: str) -> ArticleKey:
    micros, id_hex = _match(_ARTICLE_CURSOR, cursor).groups()
    return ArticleKey(timestamp=_decode_micros(micros), id=uuid.UUID(hex=id_hex))


def encode_item_key(key: ItemKey) -> str:
    cents = key.price.scaleb(2)
    if cents != cents.to_integral_value() or not 0 <= cents <= _MAX_CENTS:
        raise ValueError(f"price {key.price} cannot be put in a cursor")
    name_bytes = key.name.encode("utf-8")
    if len(name_bytes) > _MAX_NAME_BYTES:
        raise ValueError(f"name is {len(name_bytes)} UTF-8 bytes; a cursor holds at most {_MAX_NAME_BYTES}")
    return f"{_encode_micros(key.created_at)}.{int(cents)}.{key.id.hex}.{name_bytes.hex()}"


def decode_item_key(cursor: str) -> ItemKey:
    micros, cents, id_hex, name_hex = _match(_ITEM_CURSOR, cursor).groups()
    # A hand-made cursor may hold invalid UTF-8 or NUL (which PostgreSQL text rejects):
    # replace rather than fail; the position is then merely "somewhere".
    name = bytes.fromhex(name_hex).decode("utf-8", errors="replace").replace("\x00", "\ufffd")
    return ItemKey(
        created_at=_decode_micros(micros),
        price=Decimal(int(cents)).scaleb(-2),
        id=uuid.UUID(hex=id_hex),
        name=name,
    )


def _match(pattern: re.Pattern[str], cursor: str) -> re.Match[str]:
    # "$" in the OpenAPI pattern also matches before a final newline under Python's re, so a
    # validator built on re may let one through; accept it rather than fail.
    match = pattern.fullmatch(cursor.removesuffix("\n"))
    if match is None:
        raise InvalidCursorError("malformed cursor")
    return match


def _encode_micros(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("cursor timestamps must be aware")
    micros = (moment - _EPOCH) // _ONE_MICROSECOND
    if not 0 <= micros <= _MAX_MICROS:
        raise ValueError(f"{moment.isoformat()} cannot be put in a cursor")
    return micros


def _decode_micros(digits: str) -> datetime:
    return _EPOCH + timedelta(microseconds=int(digits))


_Row = TypeVar("_Row")


def split_page(rows: Sequence[_Row], limit: int, cursor_of: Callable[[_Row], str]) -> tuple[list[_Row], str | None]:
    """Repositories return up to limit + 1 rows; the extra row only says that there is a next page."""
    page = list(rows[:limit])
    return page, cursor_of(page[-1]) if len(rows) > limit else None
