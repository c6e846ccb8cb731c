"""Password hashing and token handling."""

from impl.security.passwords import PasswordHasher
from impl.security.tokens import (
    AccessClaims,
    AccessTokenCodec,
    InvalidTokenError,
    hash_refresh_token,
    new_refresh_token,
)

__all__ = [
    "AccessClaims",
    "AccessTokenCodec",
    "InvalidTokenError",
    "PasswordHasher",
    "hash_refresh_token",
    "new_refresh_token",
]
