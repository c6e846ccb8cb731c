"""Cursor codecs: exact round-trips, and every string the OpenAPI pattern admits decodes to a position
that both databases accept."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Dialect, make_url

from impl.db.types import Money, UTCDateTime
from impl.pagination import (
    ARTICLE_CURSOR_PATTERN,
    ITEM_CURSOR_PATTERN,
    USER_CURSOR_PATTERN,
    ArticleKey,
    InvalidCursorError,
    ItemKey,
    UserKey,
    decode_article_key,
    decode_item_key,
    decode_user_key,
    encode_article_key,
    encode_item_key,
    encode_user_key,
)
from tests.dbutil import PROJECT_ROOT

DIALECTS: list[Dialect] = [make_url(url).get_dialect()() for url in ("postgresql+asyncpg://", "sqlite+aiosqlite://")]

instants = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2286, 11, 20), timezones=st.just(UTC))
uuids = st.uuids()
# Item names as the contract allows them: 1..100 characters, no NUL, no lone surrogates.
item_names = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=100)
prices = st.integers(min_value=1, max_value=100_000_000).map(lambda cents: Decimal(cents).scaleb(-2))


def test_patterns_are_the_contracts() -> None:
    spec: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    parameters = spec["components"]["parameters"]
    assert parameters["UserCursor"]["schema"]["pattern"] == USER_CURSOR_PATTERN
    assert parameters["ArticleCursor"]["schema"]["pattern"] == ARTICLE_CURSOR_PATTERN
    assert parameters["ItemCursor"]["schema"]["pattern"] == ITEM_CURSOR_PATTERN


# --- round trips ----------------------------------------------------------------------------------


@given(instants, uuids)
def test_user_key_round_trips(timestamp: datetime, id_: uuid.UUID) -> None:
    key = UserKey(timestamp=timestamp, id=id_)
    cursor = encode_user_key(key)
    assert re.fullmatch(USER_CURSOR_PATTERN, cursor)
    assert decode_user_key(cursor) == key


@given(instants, uuids)
def test_article_key_round_trips(timestamp: datetime, id_: uuid.UUID) -> None:
    key = ArticleKey(timestamp=timestamp, id=id_)
    cursor = encode_article_key(key)
    assert re.fullmatch(ARTICLE_CURSOR_PATTERN, cursor)
    assert decode_article_key(cursor) == key


@given(instants, prices, uuids, item_names)
def test_item_key_round_trips(created_at: datetime, price: Decimal, id_: uuid.UUID, name: str) -> None:
    key = ItemKey(created_at=created_at, price=price, id=id_, name=name)
    cursor = encode_item_key(key)
    assert re.fullmatch(ITEM_CURSOR_PATTERN, cursor)
    assert len(cursor) <= 900  # the contract's maxLength
    decoded = decode_item_key(cursor)
    assert decoded == key
    assert str(decoded.price) == str(price)  # same exponent: two places


def test_known_cursor_text() -> None:
    key = ItemKey(
        created_at=datetime(2024, 11, 22, 18, 26, 40, tzinfo=UTC),
        price=Decimal("19.99"),
        id=uuid.UUID("0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b"),
        name="Lamp",
    )
    assert encode_item_key(key) == "1732300000000000.1999.0193a2b4c5d67e8f9a0b1c2d3e4f5a6b.4c616d70"
    assert encode_user_key(UserKey(timestamp=key.created_at, id=key.id)) == (
        "1732300000000000.0193a2b4c5d67e8f9a0b1c2d3e4f5a6b"
    )


def test_timestamps_in_another_zone_encode_the_same_instant() -> None:
    instant = datetime(2026, 1, 1, 12, tzinfo=UTC)
    same_instant_elsewhere = instant.astimezone(timezone(timedelta(hours=2)))
    id_ = uuid.uuid4()
    assert encode_user_key(UserKey(same_instant_elsewhere, id_)) == encode_user_key(UserKey(instant, id_))
    assert decode_user_key(encode_user_key(UserKey(same_instant_elsewhere, id_))).timestamp.tzinfo is UTC


@pytest.mark.parametrize(
    "key",
    [
        UserKey(timestamp=datetime(2026, 1, 1), id=uuid.uuid4()),  # naive
        UserKey(timestamp=datetime(1969, 12, 31, tzinfo=UTC), id=uuid.uuid4()),  # before the epoch
    ],
)
def test_unencodable_positions_are_refused(key: UserKey) -> None:
    with pytest.raises(ValueError, match="cursor"):
        encode_user_key(key)


def test_unencodable_item_keys_are_refused() -> None:
    base = ItemKey(created_at=datetime(2026, 1, 1, tzinfo=UTC), price=Decimal("1.00"), id=uuid.uuid4(), name="x")
    for bad in (
        ItemKey(base.created_at, Decimal("0.001"), base.id, base.name),
        ItemKey(base.created_at, Decimal("-1.00"), base.id, base.name),
        ItemKey(base.created_at, base.price, base.id, "\U0001f600" * 101),  # 404 UTF-8 bytes
    ):
        with pytest.raises(ValueError, match="cursor"):
            encode_item_key(bad)


# --- every pattern-matching string decodes to a usable position -----------------------------------


def assert_bindable(value: Any, column_type: Any) -> None:
    """The decoded value goes into a query on both backends without raising."""
    for dialect in DIALECTS:
        column_type.process_bind_param(value, dialect)


def assert_usable_timestamp(timestamp: datetime) -> None:
    assert timestamp.tzinfo is UTC
    assert_bindable(timestamp, UTCDateTime())


@given(st.from_regex(USER_CURSOR_PATTERN, fullmatch=True))
def test_any_user_cursor_decodes(cursor: str) -> None:
    key = decode_user_key(cursor)
    assert_usable_timestamp(key.timestamp)


@given(st.from_regex(ARTICLE_CURSOR_PATTERN, fullmatch=True))
def test_any_article_cursor_decodes(cursor: str) -> None:
    key = decode_article_key(cursor)
    assert_usable_timestamp(key.timestamp)


def assert_usable_item_key(key: ItemKey) -> None:
    assert_usable_timestamp(key.created_at)
    assert_bindable(key.price, Money())
    # PostgreSQL text rejects NUL; UTF-8 encoding fails on lone surrogates.
    assert "\x00" not in key.name
    key.name.encode("utf-8")


@given(st.from_regex(ITEM_CURSOR_PATTERN, fullmatch=True))
def test_any_item_cursor_decodes(cursor: str) -> None:
    assert_usable_item_key(decode_item_key(cursor))


MAX_MICROS = "9" * 16
ZERO_ID = "0" * 32
MAX_ID = "f" * 32


@pytest.mark.parametrize(
    ("cursor", "expected_name"),
    [
        (f"{MAX_MICROS}.{'9' * 9}.{MAX_ID}.{'ff' * 400}", "\ufffd" * 400),  # every extreme at once
        (f"0.0.{ZERO_ID}.", ""),  # the epoch, price 0, empty name
        (f"0000000000000000.000000000.{ZERO_ID}.", ""),  # leading zeros
        (f"1.1.{ZERO_ID}.00", "\ufffd"),  # NUL
        (f"1.1.{ZERO_ID}.61006200", "a\ufffdb\ufffd"),
        (f"1.1.{ZERO_ID}.eda080", "\ufffd\ufffd\ufffd"),  # an encoded surrogate is invalid UTF-8
        (f"1.1.{ZERO_ID}.c3", "\ufffd"),  # truncated sequence
        (f"1.1.{ZERO_ID}.f09f9880", "\U0001f600"),
    ],
)
def test_extreme_item_cursors_decode(cursor: str, expected_name: str) -> None:
    assert re.fullmatch(ITEM_CURSOR_PATTERN, cursor)
    key = decode_item_key(cursor)
    assert key.name == expected_name
    assert_usable_item_key(key)


def test_extreme_user_and_article_cursors_decode() -> None:
    latest = decode_user_key(f"{MAX_MICROS}.{MAX_ID}")
    assert latest.timestamp == datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(MAX_MICROS))
    assert latest.id == uuid.UUID(MAX_ID)
    assert decode_article_key(f"0.{ZERO_ID}").timestamp == datetime(1970, 1, 1, tzinfo=UTC)
    assert decode_item_key(f"{MAX_MICROS}.{'9' * 9}.{MAX_ID}.").price == Decimal("9999999.99")


def test_a_trailing_newline_is_tolerated() -> None:
    # Python's re lets "$" match before a final newline, so a validator built on it admits one.
    cursor = f"1.{ZERO_ID}\n"
    assert re.match(USER_CURSOR_PATTERN, cursor)
    assert decode_user_key(cursor) == decode_user_key(f"1.{ZERO_ID}")


@pytest.mark.parametrize("cursor", ["", "abc", f"1.{ZERO_ID}.", f"1.{'A' * 32}", f"{'1' * 17}.{ZERO_ID}"])
def test_text_outside_the_pattern_is_a_clear_error(cursor: str) -> None:
    assert not re.match(USER_CURSOR_PATTERN, cursor)
    with pytest.raises(InvalidCursorError):
        decode_user_key(cursor)
