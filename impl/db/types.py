"""Column types that behave the same on PostgreSQL and SQLite."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Integer, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine
from uuid_utils.compat import uuid7

__all__ = ["MONEY_MAX", "Money", "UTCDateTime", "new_id", "utcnow"]


def new_id() -> uuid.UUID:
    """A time-ordered UUIDv7, so primary keys are roughly insertion-ordered (index friendly)."""
    return uuid7()


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An instant: accepts only aware datetimes, stores UTC, always returns aware UTC.

    SQLite has no time zones: it stores the UTC wall-clock text (fixed width, so text
    order is time order) and hands back naive values, which get UTC attached here.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} is ambiguous; pass an aware datetime")
        as_utc = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return as_utc.replace(tzinfo=None)
        return as_utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


_CENT = Decimal("0.01")
#: The largest magnitude NUMERIC(9, 2) holds; enforced on SQLite too so both backends agree.
MONEY_MAX = Decimal("9999999.99")


class Money(TypeDecorator[Decimal]):
    """An exact amount with two decimal places.

    PostgreSQL: NUMERIC(9, 2). SQLite has no exact decimal type (NUMERIC there is a
    float in disguise), so it stores INTEGER cents. Values never go through float.
    """

    impl = Numeric(9, 2, asdecimal=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Integer())
        return dialect.type_descriptor(Numeric(9, 2, asdecimal=True))

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> Decimal | int | None:
        if value is None:
            return None
        amount = _exact_cents(value)
        if dialect.name == "sqlite":
            return int(amount.scaleb(2))
        return amount

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-2)
        if not isinstance(value, Decimal):
            # Drivers hand NUMERIC back as Decimal; anything else means precision was already lost.
            raise TypeError(f"expected Decimal from the driver, got {type(value).__name__}")
        return value.quantize(_CENT)


def exact_cents(value: Decimal | int) -> Decimal:
    """The amount Money stores: checked (finite, in range, at most two decimals) and with exactly two."""
    return _exact_cents(value)


def _exact_cents(value: Decimal | int) -> Decimal:
    # bool is an int subclass but never a sensible amount; float is never exact.
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"Money needs a Decimal or int, got {type(value).__name__}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"Money must be finite, got {amount}")
    # Range first: quantize() itself fails on huge exponents.
    if abs(amount) > MONEY_MAX:
        raise ValueError(f"Money magnitude must be at most {MONEY_MAX}, got {amount}")
    cents = amount.quantize(_CENT)
    if cents != amount:
        raise ValueError(f"Money has at most two decimal places, got {amount}")
    return cents
