"""Errors the repositories translate database failures into."""

from __future__ import annotations

__all__ = ["EmailTakenError"]


class EmailTakenError(Exception):
    """Another account already has this email (compared case-insensitively)."""

    def __init__(self, email: str) -> None:
        super().__init__(f"email already registered: {email!r}")
        self.email = email
