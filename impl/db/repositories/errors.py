"""Errors the repositories translate database failures into."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError

__all__ = ["AccountGoneError", "EmailTakenError", "is_foreign_key_violation"]


class EmailTakenError(Exception):
    """Another account already has this email (compared case-insensitively)."""

    def __init__(self, email: str) -> None:
        super().__init__(f"email already registered: {email!r}")
        self.email = email


class AccountGoneError(Exception):
    """A new row refers to an account that no longer exists: it was deleted while the request ran."""

    def __init__(self, user_id: uuid.UUID) -> None:
        super().__init__(f"account {user_id} no longer exists")
        self.user_id = user_id


def is_foreign_key_violation(error: IntegrityError) -> bool:
    # PostgreSQL: 'violates foreign key constraint "fk_..."'; SQLite: "FOREIGN KEY constraint failed".
    return "foreign key" in str(error.orig).lower()
