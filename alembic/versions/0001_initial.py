"""Initial schema: users, items, articles, refresh_tokens.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 22:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import impl.db.types

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_normalized", sa.String(length=254), nullable=False),
        sa.Column("hashed_password", sa.String(length=255), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_superuser", sa.Boolean(), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("created_at", impl.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", impl.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email_normalized", name=op.f("uq_users_email_normalized")),
    )

    op.create_table(
        "items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=True),
        # NUMERIC(9, 2) on PostgreSQL, INTEGER cents on SQLite.
        sa.Column("price", impl.db.types.Money(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("created_at", impl.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", impl.db.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'published', 'archived')", name=op.f("ck_items_status")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_items_owner_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
    )
    # Also the index behind the owner_id foreign key.
    op.create_index(op.f("ix_items_owner_id_created_at_id"), "items", ["owner_id", "created_at", "id"])

    op.create_table(
        "articles",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("published_at", impl.db.types.UTCDateTime(), nullable=True),
        sa.Column("created_at", impl.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", impl.db.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("NOT published OR published_at IS NOT NULL", name=op.f("ck_articles_published_at_set")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_articles_author_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
    )
    op.create_index(op.f("ix_articles_author_id"), "articles", ["author_id"])
    op.create_index(op.f("ix_articles_published_published_at_id"), "articles", ["published", "published_at", "id"])

    op.create_table(
        "refresh_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", impl.db.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", impl.db.types.UTCDateTime(), nullable=False),
        sa.Column("rotated_at", impl.db.types.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", impl.db.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_refresh_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_refresh_tokens_token_hash")),
    )
    op.create_index(op.f("ix_refresh_tokens_user_id"), "refresh_tokens", ["user_id"])
    op.create_index(op.f("ix_refresh_tokens_family_id"), "refresh_tokens", ["family_id"])


def downgrade() -> None:
    # Children first (their foreign keys reference users); a table's indexes go with it.
    op.drop_table("refresh_tokens")
    op.drop_table("articles")
    op.drop_table("items")
    op.drop_table("users")
