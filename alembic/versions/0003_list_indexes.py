"""Indexes for every item list sort and the name search: keyset pages stay an index seek as data grows.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 00:20:00+00:00

- (owner_id, price, id): sort=price / -price (and a price range).
- (owner_id, name COLLATE "C", id) on PostgreSQL, (owner_id, name, id) on SQLite: sort=name / -name, which orders
  by code point on both.
- (owner_id, status, <sort column>, id) for each sort: a `status` filter is a seek too, not a walk through the
  owner's items that skips the other statuses.
- PostgreSQL only: a pg_trgm GIN index on lower(name) for `q` (a substring search, which no B-tree serves).
  pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it. Where it cannot be created,
  the migration goes on without that index (a search then reads the owner's items, as before) and says so.
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

logger = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    bind = op.get_bind()
    op.create_index("ix_items_owner_id_price_id", "items", ["owner_id", "price", "id"])
    op.create_index("ix_items_owner_id_status_created_at_id", "items", ["owner_id", "status", "created_at", "id"])
    op.create_index("ix_items_owner_id_status_price_id", "items", ["owner_id", "status", "price", "id"])
    if bind.dialect.name != "postgresql":
        op.create_index("ix_items_owner_id_name_id", "items", ["owner_id", "name", "id"])
        op.create_index("ix_items_owner_id_status_name_id", "items", ["owner_id", "status", "name", "id"])
        return
    op.create_index("ix_items_owner_id_name_id", "items", ["owner_id", sa.text('(name COLLATE "C")'), "id"])
    op.create_index(
        "ix_items_owner_id_status_name_id", "items", ["owner_id", "status", sa.text('(name COLLATE "C")'), "id"]
    )
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as error:
        logger.warning("pg_trgm is not available (%s: %s): no trigram index", type(error).__name__, error)
        return
    op.create_index(
        "ix_items_name_trgm",
        "items",
        [sa.text("lower(name) gin_trgm_ops")],
        postgresql_using="gin",
        # No pending list: a search never reads through unmerged recent entries (after a burst of inserts it
        # would read them all, every time, until a vacuum merges them).
        postgresql_with={"fastupdate": "off"},
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_items_name_trgm")
    op.drop_index("ix_items_owner_id_status_name_id", table_name="items")
    op.drop_index("ix_items_owner_id_name_id", table_name="items")
    op.drop_index("ix_items_owner_id_status_price_id", table_name="items")
    op.drop_index("ix_items_owner_id_status_created_at_id", table_name="items")
    op.drop_index("ix_items_owner_id_price_id", table_name="items")
    # pg_trgm stays: other databases objects may use it, and it costs nothing unused.
