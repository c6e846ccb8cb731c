"""ORM tables. Every relationship is lazy="raise": an unplanned lazy load is a bug (N+1, or
MissingGreenlet under asyncio), so queries must say what they load."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Final

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    event,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, object_session, relationship, validates

from impl.db.types import Money, UTCDateTime, new_id, utcnow

__all__ = [
    "ITEM_STATUSES",
    "NAMING_CONVENTION",
    "ArticleRow",
    "Base",
    "IdempotencyRow",
    "ItemRow",
    "RefreshTokenRow",
    "UserRow",
    "normalize_email",
]

# Deterministic constraint names, so migrations can address them (and SQLite batch mode can rebuild tables).
NAMING_CONVENTION: Final[dict[str, str]] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ITEM_STATUSES: Final[tuple[str, ...]] = ("draft", "published", "archived")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Any Mapped[datetime] / Mapped[Decimal] gets the portable type, never a naive DateTime or float-ish Numeric.
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        Decimal: Money(),
        list[str]: JSON(),
    }


def normalize_email(email: str) -> str:
    """The form uniqueness and lookups use: emails are case-insensitive in practice."""
    return email.lower()


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    # As the user typed it (shown back to them).
    email: Mapped[str] = mapped_column(String(254))
    # Lower-cased copy carrying the uniqueness, so "Ada@x.org" and "ada@x.org" are one account.
    email_normalized: Mapped[str] = mapped_column(String(254), unique=True)
    hashed_password: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    is_superuser: Mapped[bool] = mapped_column(default=False)
    # Embedded in access tokens; bumping it (password change) invalidates every older token.
    token_version: Mapped[int] = mapped_column(default=0)
    # Bumped by every change (see _bump_version): the ETag of the answers that carry this row.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @validates("email")
    def _keep_email_normalized(self, _key: str, email: str) -> str:
        # Whoever sets email (constructor, repository, service), the unique copy follows.
        self.email_normalized = normalize_email(email)
        return email


class ItemRow(Base):
    __tablename__ = "items"
    __table_args__ = (
        CheckConstraint("status IN ({})".format(", ".join(f"'{s}'" for s in ITEM_STATUSES)), name="status"),
        # Serves both the owner's default listing (created_at, id) and the owner_id foreign key
        # (ON DELETE CASCADE lookups), so owner_id needs no index of its own.
        Index("ix_items_owner_id_created_at_id", "owner_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(String(2000))
    price: Mapped[Decimal]
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # A JSON list is replaced, never mutated in place (in-place changes are not tracked).
    tags: Mapped[list[str]] = mapped_column(default=list)
    # Bumped by every change (see _bump_version): the ETag of the answers that carry this row.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# Keyset pagination for every sort (impl/db/repositories/items.py): each sort's first and deep pages are an index
# seek, with 20 items or 100,000 (make bench, list scaling). Migration 0003.
Index("ix_items_owner_id_price_id", ItemRow.owner_id, ItemRow.price, ItemRow.id)
# Names sort by code point (COLLATE "C" on PostgreSQL, SQLite's BINARY): on PostgreSQL migration 0003 creates this
# index on (owner_id, name COLLATE "C", id), the collation the query sorts by (reflection does not show a
# collation, so the model names the columns only).
Index("ix_items_owner_id_name_id", ItemRow.owner_id, ItemRow.name, ItemRow.id)
# The same with a `status` filter: a seek to that status's part of each order (name: COLLATE "C" on PostgreSQL).
Index("ix_items_owner_id_status_created_at_id", ItemRow.owner_id, ItemRow.status, ItemRow.created_at, ItemRow.id)
Index("ix_items_owner_id_status_price_id", ItemRow.owner_id, ItemRow.status, ItemRow.price, ItemRow.id)
Index("ix_items_owner_id_status_name_id", ItemRow.owner_id, ItemRow.status, ItemRow.name, ItemRow.id)
# The search (`q`, a case-insensitive substring): trigrams of lower(name) find the few rows that can match, or none,
# without reading every item. PostgreSQL's pg_trgm only; SQLite scans.
Index(
    "ix_items_name_trgm",
    func.lower(ItemRow.name).label("lower_name"),
    postgresql_using="gin",
    postgresql_ops={"lower_name": "gin_trgm_ops"},
    postgresql_with={"fastupdate": "off"},
).ddl_if(dialect="postgresql")


class ArticleRow(Base):
    __tablename__ = "articles"
    __table_args__ = (
        # The public feed's keyset order ((published_at, id) DESC) relies on this.
        CheckConstraint("NOT published OR published_at IS NOT NULL", name="published_at_set"),
        Index("ix_articles_published_published_at_id", "published", "published_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None]
    # Bumped by every change (see _bump_version): the ETag of the answers that carry this row.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    author: Mapped[UserRow] = relationship(lazy="raise", innerjoin=True)


class RefreshTokenRow(Base):
    __tablename__ = "refresh_tokens"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Every token rotated out of one login shares it, so reuse of an old token can revoke the whole chain.
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    # sha256 hex of the token; the plaintext is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    # Set when this token was exchanged for its successor.
    rotated_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class IdempotencyRow(Base):
    """The stored first answer to a request sent with an `Idempotency-Key` (see impl/idempotency.py).

    Written in the transaction of the operation it answers: the effect and its record commit together or not at
    all. The primary key (scope, key) is what makes a second effect impossible.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (Index("ix_idempotency_keys_expires_at", "expires_at"),)

    # "user:<uuid>" or "addr:<client address>": whose key it is.
    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    # sha256 hex of method, path and body: the same key with another request is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int]
    # The implementation's declared headers of the answer (Location, ETag), as a JSON object.
    headers: Mapped[dict[str, str]] = mapped_column(JSON)
    content_type: Mapped[str | None] = mapped_column(String(255))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


def _bump_version(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    """Every UPDATE of a versioned row through the ORM raises its version by one. Rows change under their row lock
    (get_for_update), so the read-modify-write of the number is not racy."""
    session = object_session(target)
    if session is not None and session.is_modified(target, include_collections=False):
        target.version = (target.version or 0) + 1


for _versioned in (UserRow, ItemRow, ArticleRow):
    event.listen(_versioned, "before_update", _bump_version)
