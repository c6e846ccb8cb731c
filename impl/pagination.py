"""Opaque keyset cursors: sealed, so that a client can neither read nor change them.

A cursor is base64url (no padding) of ``nonce || AES-256-GCM(position)``. The spec promises only its characters
and a length bound (`x-opaque`), so what it holds may change in any release.

- Keys: both derived from the ``SECRET_KEY`` setting with HKDF-SHA256 (their own label, so a cursor key is never
  a token key); changing the secret makes earlier cursors refused, like any altered one.
- Nonce: synthetic, HMAC-SHA256(nonce key, kind || position) cut to 96 bits. The same position always gives the
  same cursor (which reveals only that two cursors are equal) and no nonce is ever reused for another position,
  however many cursors are made.
- The list kind (``user``, ``article``, ``item``) is GCM's associated data: a cursor from one list is refused by
  another.
- Positions (big-endian ``struct``, a leading format byte):
  user / article: ``<µs since the Unix epoch: u64><uuid: 16 bytes>``;
  item: ``<µs: u64><price in cents: u32><uuid: 16 bytes><name as UTF-8>``; it carries every sort key
  (created_at, price, name, id), so it stays valid whatever ``sort`` the next request uses.

Anything that does not open (altered, truncated, from another list or another secret) raises
:class:`InvalidCursorError`, which the list operations answer with 422 naming the ``cursor`` parameter.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Final, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "MAX_CURSOR_LENGTH",
    "ArticleKey",
    "CursorCodec",
    "InvalidCursorError",
    "ItemKey",
    "UserKey",
    "split_page",
]

# The spec's bound (maxLength and the pattern of every cursor): the longest item cursor is 610 characters.
MAX_CURSOR_LENGTH: Final = 640

_FORMAT: Final = 1
_NONCE_BYTES: Final = 12
_TAG_BYTES: Final = 16
_USER: Final = struct.Struct(">BQ16s")
_ITEM: Final = struct.Struct(">BQI16s")

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MICROSECOND: Final = timedelta(microseconds=1)
_MAX_MICROS: Final = 10**16 - 1  # year 2286, well inside datetime's range.
_MAX_CENTS: Final = 2**32 - 1
_MAX_NAME_BYTES: Final = 400  # ItemName is at most 100 characters: at most 400 UTF-8 bytes.


class InvalidCursorError(ValueError):
    """The cursor was not made by this server for this list (altered, truncated, another list or secret)."""


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


class CursorCodec:
    """Seals list positions into cursors and opens them again; one per app, keyed by its secret."""

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("cursors need a secret")
        keys = HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=b"contract-api cursor keys v1").derive(
            secret.encode("utf-8")
        )
        self._cipher = AESGCM(keys[:32])
        self._nonce_key = keys[32:]

    # --- users and articles --------------------------------------------------------------------------------------

    def encode_user_key(self, key: UserKey) -> str:
        return self._seal(b"user", _USER.pack(_FORMAT, _encode_micros(key.timestamp), key.id.bytes))

    def decode_user_key(self, cursor: str) -> UserKey:
        micros, id_bytes = self._open_simple(b"user", cursor)
        return UserKey(timestamp=_decode_micros(micros), id=uuid.UUID(bytes=id_bytes))

    def encode_article_key(self, key: ArticleKey) -> str:
        return self._seal(b"article", _USER.pack(_FORMAT, _encode_micros(key.timestamp), key.id.bytes))

    def decode_article_key(self, cursor: str) -> ArticleKey:
        micros, id_bytes = self._open_simple(b"article", cursor)
        return ArticleKey(timestamp=_decode_micros(micros), id=uuid.UUID(bytes=id_bytes))

    # --- items ---------------------------------------------------------------------------------------------------

    def encode_item_key(self, key: ItemKey) -> str:
        cents = key.price.scaleb(2)
        if cents != cents.to_integral_value() or not 0 <= cents <= _MAX_CENTS:
            raise ValueError(f"price {key.price} cannot be put in a cursor")
        name_bytes = key.name.encode("utf-8")
        if len(name_bytes) > _MAX_NAME_BYTES:
            raise ValueError(f"name is {len(name_bytes)} UTF-8 bytes; a cursor holds at most {_MAX_NAME_BYTES}")
        head = _ITEM.pack(_FORMAT, _encode_micros(key.created_at), int(cents), key.id.bytes)
        return self._seal(b"item", head + name_bytes)

    def decode_item_key(self, cursor: str) -> ItemKey:
        plain = self._open(b"item", cursor)
        if len(plain) < _ITEM.size or len(plain) > _ITEM.size + _MAX_NAME_BYTES:
            raise InvalidCursorError("malformed cursor")
        version, micros, cents, id_bytes = _ITEM.unpack_from(plain)
        if version != _FORMAT or micros > _MAX_MICROS:
            raise InvalidCursorError("malformed cursor")
        try:
            name = plain[_ITEM.size :].decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidCursorError("malformed cursor") from None
        return ItemKey(
            created_at=_decode_micros(micros),
            price=Decimal(cents).scaleb(-2),
            id=uuid.UUID(bytes=id_bytes),
            name=name,
        )

    # --- sealing -------------------------------------------------------------------------------------------------

    def _seal(self, kind: bytes, plain: bytes) -> str:
        nonce = hmac.digest(self._nonce_key, kind + b"\x00" + plain, hashlib.sha256)[:_NONCE_BYTES]
        sealed = nonce + self._cipher.encrypt(nonce, plain, kind)
        return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")

    def _open(self, kind: bytes, cursor: str) -> bytes:
        text = cursor.removesuffix("\n")  # "$" in the spec's pattern lets a final newline through Python's re
        if not 0 < len(text) <= MAX_CURSOR_LENGTH:
            raise InvalidCursorError("malformed cursor")
        try:
            sealed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            raise InvalidCursorError("malformed cursor") from None
        # One text per cursor: base64 leaves a few bits of the last character unused, which must be zero.
        if len(sealed) < _NONCE_BYTES + _TAG_BYTES or base64.urlsafe_b64encode(sealed).rstrip(b"=") != text.encode():
            raise InvalidCursorError("malformed cursor")
        try:
            return self._cipher.decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], kind)
        except InvalidTag:
            raise InvalidCursorError("the cursor was not made by this server for this list") from None

    def _open_simple(self, kind: bytes, cursor: str) -> tuple[int, bytes]:
        plain = self._open(kind, cursor)
        if len(plain) != _USER.size:
            raise InvalidCursorError("malformed cursor")
        version, micros, id_bytes = _USER.unpack(plain)
        if version != _FORMAT or micros > _MAX_MICROS:
            raise InvalidCursorError("malformed cursor")
        return micros, id_bytes


def _encode_micros(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("cursor timestamps must be aware")
    micros = (moment - _EPOCH) // _ONE_MICROSECOND
    if not 0 <= micros <= _MAX_MICROS:
        raise ValueError(f"{moment.isoformat()} cannot be put in a cursor")
    return micros


def _decode_micros(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


_Row = TypeVar("_Row")


def split_page(rows: Sequence[_Row], limit: int, cursor_of: Callable[[_Row], str]) -> tuple[list[_Row], str | None]:
    """Repositories return up to limit + 1 rows; the extra row only says that there is a next page."""
    page = list(rows[:limit])
    return page, cursor_of(page[-1]) if len(rows) > limit else None
