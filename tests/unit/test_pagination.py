"""Cursor codecs: exact round-trips, opaque (the item name is not readable), tamper-evident (every altered,
foreign or truncated cursor is refused with InvalidCursorError, never anything else), and within the contract's
bound and character class."""

from __future__ import annotations

import base64
import re
import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from impl.pagination import MAX_CURSOR_LENGTH, ArticleKey, CursorCodec, InvalidCursorError, ItemKey, UserKey
from tests.dbutil import PROJECT_ROOT

CODEC = CursorCodec("unit-test-cursor-secret")
OTHER = CursorCodec("another-deployment-secret")
PATTERN = f"^[A-Za-z0-9_-]{{1,{MAX_CURSOR_LENGTH}}}$"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

instants = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2286, 11, 20), timezones=st.just(UTC))
uuids = st.uuids()
# Item names as the contract allows them: 1..100 characters, no NUL, no lone surrogates.
item_names = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=100)
prices = st.integers(min_value=1, max_value=100_000_000).map(lambda cents: Decimal(cents).scaleb(-2))
LAMP = ItemKey(
    created_at=datetime(2024, 11, 22, 18, 26, 40, tzinfo=UTC),
    price=Decimal("19.99"),
    id=uuid.UUID("0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b"),
    name="Lamp",
)


def test_the_contract_promises_only_characters_and_a_bound() -> None:
    spec: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    schemas = [
        spec["components"]["parameters"][name]["schema"] for name in ("UserCursor", "ItemCursor", "ArticleCursor")
    ]
    schemas += [
        spec["components"]["schemas"][page]["properties"]["next_cursor"]
        for page in ("UserPage", "ItemPage", "ArticlePage")
    ]
    for schema in schemas:
        assert schema["pattern"] == PATTERN
        assert schema["maxLength"] == MAX_CURSOR_LENGTH
        assert schema["x-opaque"] is True


# --- round trips ----------------------------------------------------------------------------------


@given(instants, uuids)
def test_user_key_round_trips(timestamp: datetime, id_: uuid.UUID) -> None:
    key = UserKey(timestamp=timestamp, id=id_)
    cursor = CODEC.encode_user_key(key)
    assert re.fullmatch(PATTERN, cursor)
    assert CODEC.decode_user_key(cursor) == key


@given(instants, uuids)
def test_article_key_round_trips(timestamp: datetime, id_: uuid.UUID) -> None:
    key = ArticleKey(timestamp=timestamp, id=id_)
    cursor = CODEC.encode_article_key(key)
    assert re.fullmatch(PATTERN, cursor)
    assert CODEC.decode_article_key(cursor) == key


@given(instants, prices, uuids, item_names)
def test_item_key_round_trips(created_at: datetime, price: Decimal, id_: uuid.UUID, name: str) -> None:
    key = ItemKey(created_at=created_at, price=price, id=id_, name=name)
    cursor = CODEC.encode_item_key(key)
    assert re.fullmatch(PATTERN, cursor)
    decoded = CODEC.decode_item_key(cursor)
    assert decoded == key
    assert str(decoded.price) == str(price)  # same exponent: two places


def test_the_longest_item_cursor_fits_the_bound() -> None:
    longest = ItemKey(LAMP.created_at, Decimal("1000000.00"), LAMP.id, "\U0001f600" * 100)  # 400 UTF-8 bytes
    cursor = CODEC.encode_item_key(longest)
    assert len(cursor) == 610 <= MAX_CURSOR_LENGTH
    assert CODEC.decode_item_key(cursor) == longest


def test_the_same_position_gives_the_same_cursor() -> None:
    assert CODEC.encode_item_key(LAMP) == CODEC.encode_item_key(LAMP)
    assert CODEC.encode_item_key(LAMP) != CODEC.encode_item_key(ItemKey(LAMP.created_at, LAMP.price, LAMP.id, "Lamb"))


def test_an_item_cursor_does_not_carry_the_name_in_clear() -> None:
    name = "Quarterly salary review"
    cursor = CODEC.encode_item_key(ItemKey(LAMP.created_at, LAMP.price, LAMP.id, name))
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    for text in (cursor, raw.decode("latin-1"), raw.hex()):
        assert name not in text
        assert name.encode().hex() not in text
    assert LAMP.id.hex not in raw.hex()


def test_timestamps_in_another_zone_encode_the_same_instant() -> None:
    instant = datetime(2026, 1, 1, 12, tzinfo=UTC)
    same_instant_elsewhere = instant.astimezone(timezone(timedelta(hours=2)))
    id_ = uuid.uuid4()
    assert CODEC.encode_user_key(UserKey(same_instant_elsewhere, id_)) == CODEC.encode_user_key(UserKey(instant, id_))
    assert CODEC.decode_user_key(CODEC.encode_user_key(UserKey(same_instant_elsewhere, id_))).timestamp.tzinfo is UTC


@pytest.mark.parametrize(
    "key",
    [
        UserKey(timestamp=datetime(2026, 1, 1), id=uuid.uuid4()),  # naive
        UserKey(timestamp=datetime(1969, 12, 31, tzinfo=UTC), id=uuid.uuid4()),  # before the epoch
    ],
)
def test_unencodable_positions_are_refused(key: UserKey) -> None:
    with pytest.raises(ValueError, match="cursor"):
        CODEC.encode_user_key(key)


def test_unencodable_item_keys_are_refused() -> None:
    for bad in (
        ItemKey(LAMP.created_at, Decimal("0.001"), LAMP.id, LAMP.name),
        ItemKey(LAMP.created_at, Decimal("-1.00"), LAMP.id, LAMP.name),
        ItemKey(LAMP.created_at, LAMP.price, LAMP.id, "\U0001f600" * 101),  # 404 UTF-8 bytes
    ):
        with pytest.raises(ValueError, match="cursor"):
            CODEC.encode_item_key(bad)


def test_a_trailing_newline_is_tolerated() -> None:
    # Python's re lets "$" match before a final newline, so a validator built on it admits one.
    cursor = CODEC.encode_user_key(UserKey(LAMP.created_at, LAMP.id))
    assert CODEC.decode_user_key(cursor + "\n") == CODEC.decode_user_key(cursor)


# --- tamper evidence ------------------------------------------------------------------------------


@given(st.data())
def test_any_changed_character_is_refused(data: st.DataObject) -> None:
    cursor = CODEC.encode_item_key(LAMP)
    index = data.draw(st.integers(min_value=0, max_value=len(cursor) - 1))
    replacement = data.draw(st.sampled_from(ALPHABET).filter(lambda ch: ch != cursor[index]))
    with pytest.raises(InvalidCursorError):
        CODEC.decode_item_key(cursor[:index] + replacement + cursor[index + 1 :])


def test_every_truncation_and_extension_is_refused() -> None:
    cursor = CODEC.encode_user_key(UserKey(LAMP.created_at, LAMP.id))
    for length in range(len(cursor)):
        with pytest.raises(InvalidCursorError):
            CODEC.decode_user_key(cursor[:length])
    for extra in ("A", "AA", "AAAA"):
        with pytest.raises(InvalidCursorError):
            CODEC.decode_user_key(cursor + extra)


def test_a_cursor_of_another_list_or_another_secret_is_refused() -> None:
    user_cursor = CODEC.encode_user_key(UserKey(LAMP.created_at, LAMP.id))
    with pytest.raises(InvalidCursorError):
        CODEC.decode_article_key(user_cursor)  # the same layout, but another list
    with pytest.raises(InvalidCursorError):
        CODEC.decode_item_key(user_cursor)
    with pytest.raises(InvalidCursorError):
        OTHER.decode_user_key(user_cursor)


@given(st.from_regex(PATTERN, fullmatch=True))
def test_any_text_the_pattern_admits_is_refused_cleanly(cursor: str) -> None:
    # Forging is out of reach: whatever a client sends is refused with InvalidCursorError, never another error.
    for decode in (CODEC.decode_user_key, CODEC.decode_article_key, CODEC.decode_item_key):
        with pytest.raises(InvalidCursorError):
            decode(cursor)


@pytest.mark.parametrize("cursor", ["", "a" * (MAX_CURSOR_LENGTH + 1), "not base64!", "A", "AAAAA"])
def test_text_outside_the_contract_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursorError):
        CODEC.decode_user_key(cursor)


def test_cursors_need_a_secret() -> None:
    with pytest.raises(ValueError, match="secret"):
        CursorCodec("")
