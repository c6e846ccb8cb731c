"""Access tokens (signed JWTs) and refresh tokens (opaque random strings).

Access tokens are short-lived and self-contained: `ver` carries the user's token
version so that bumping it in the database (password change, logout everywhere)
revokes every outstanding access token. Refresh tokens are opaque; only their SHA-256
digest is stored, so a database leak does not hand out usable tokens.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

import jwt

if TYPE_CHECKING:
    from impl.settings import Settings

JwtAlgorithm = Literal["HS256", "HS384", "HS512"]

_REQUIRED_CLAIMS = ["iss", "aud", "sub", "iat", "exp", "jti"]

# Tolerates small clock skew between the issuing and the verifying process.
_LEEWAY_SECONDS = 10
#: How many verified tokens each codec remembers (about 1 KiB each).
_VERIFIED_CACHE_SIZE = 4096


@dataclass(frozen=True)
class AccessClaims:
    subject: uuid.UUID
    token_version: int
    jti: str
    issued_at: datetime
    expires_at: datetime


class InvalidTokenError(Exception):
    """The access token is malformed, forged, expired or otherwise unacceptable."""


class AccessTokenCodec:
    def __init__(
        self,
        *,
        secret: str,
        algorithm: JwtAlgorithm = "HS256",
        issuer: str,
        audience: str,
        ttl_seconds: int,
    ) -> None:
        if not secret:
            raise ValueError("secret must not be empty")
        if ttl_seconds < 1:
            raise ValueError("ttl_seconds must be positive")
        self._secret = secret
        self.algorithm: JwtAlgorithm = algorithm
        self.issuer = issuer
        self.audience = audience
        self.ttl_seconds = ttl_seconds
        # Tokens whose signature and claims this codec verified: a token's contents never change, so checking
        # it again proves nothing new, except that it has not expired since (checked on every use). What the
        # token's holder may do is not here: the account is read on every request (authenticator.py).
        self._verified: dict[str, AccessClaims] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> AccessTokenCodec:
        return cls(
            secret=settings.secret_key.get_secret_value(),
            algorithm=settings.jwt_algorithm,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl_seconds=settings.access_token_ttl_seconds,
        )

    def issue(self, *, user_id: uuid.UUID, token_version: int, now: datetime | None = None) -> tuple[str, int]:
        """Return (jwt, expires_in_seconds) for `user_id` at `token_version`.

        `now` (timezone-aware) exists for tests; it defaults to the current UTC time.
        """
        if token_version < 0:
            raise ValueError("token_version must be >= 0")
        if now is None:
            now = datetime.now(UTC)
        elif now.tzinfo is None:
            # A naive datetime would be read as local time by .timestamp(); refuse it.
            raise ValueError("now must be timezone-aware")
        # JWT times are whole seconds; truncating keeps exp - iat == ttl exactly.
        issued = now.replace(microsecond=0)
        expires = issued + timedelta(seconds=self.ttl_seconds)
        iat = int(issued.timestamp())
        payload: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": str(user_id),
            "iat": iat,
            "nbf": iat,
            "exp": int(expires.timestamp()),
            "jti": uuid.uuid4().hex,
            "ver": token_version,
        }
        token = jwt.encode(payload, self._secret, algorithm=self.algorithm)
        return token, self.ttl_seconds

    def decode(self, token: str) -> AccessClaims:
        """Verify `token` and return its claims; raise InvalidTokenError otherwise."""
        claims = self._verified.get(token)
        if claims is not None:
            if datetime.now(UTC).timestamp() <= claims.expires_at.timestamp() + _LEEWAY_SECONDS:
                return claims
            del self._verified[token]
            raise InvalidTokenError("Signature has expired")
        claims = self._verify(token)
        if len(self._verified) >= _VERIFIED_CACHE_SIZE:
            self._verified.clear()  # bounded; a busy server re-verifies its callers' tokens once
        self._verified[token] = claims
        return claims

    def _verify(self, token: str) -> AccessClaims:
        try:
            payload = jwt.decode(
                token,
                self._secret,
                # Pinned to the configured algorithm: the token's own "alg" header is
                # attacker-controlled ("none", or another HMAC variant) and never trusted.
                algorithms=[self.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": _REQUIRED_CLAIMS},
                leeway=_LEEWAY_SECONDS,
            )
        except jwt.PyJWTError as exc:
            raise InvalidTokenError(str(exc)) from exc
        except (TypeError, ValueError) as exc:
            # Defensive: malformed input must never surface as anything but invalid.
            raise InvalidTokenError("malformed token") from exc
        return _claims_from_payload(payload)


def _claims_from_payload(payload: dict[str, Any]) -> AccessClaims:
    sub = payload.get("sub")
    if not isinstance(sub, str):
        raise InvalidTokenError("sub must be a string")
    try:
        subject = uuid.UUID(sub)
    except ValueError as exc:
        raise InvalidTokenError("sub is not a UUID") from exc
    if str(subject) != sub:
        # We only ever issue the canonical form; anything else was not made by us.
        raise InvalidTokenError("sub is not a canonical UUID")

    ver = payload.get("ver")
    # bool is a subclass of int in Python, but JSON `true` is not a version number.
    if not isinstance(ver, int) or isinstance(ver, bool) or ver < 0:
        raise InvalidTokenError("ver must be an integer >= 0")

    jti = payload.get("jti")
    if not isinstance(jti, str) or not jti:
        raise InvalidTokenError("jti must be a non-empty string")

    iat = payload.get("iat")
    exp = payload.get("exp")
    # bool passes isinstance(int); PyJWT already rejected it for exp, not for iat.
    if not isinstance(iat, int | float) or isinstance(iat, bool):
        raise InvalidTokenError("iat must be a number")
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        raise InvalidTokenError("exp must be a number")
    try:
        issued_at = datetime.fromtimestamp(iat, tz=UTC)
        expires_at = datetime.fromtimestamp(exp, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise InvalidTokenError("iat or exp out of range") from exc

    return AccessClaims(
        subject=subject,
        token_version=ver,
        jti=jti,
        issued_at=issued_at,
        expires_at=expires_at,
    )


def new_refresh_token() -> tuple[str, str]:
    """Return (plaintext, sha256_hex). Give the plaintext to the client; store only the hash."""
    plaintext = secrets.token_urlsafe(32)
    return plaintext, hash_refresh_token(plaintext)


def hash_refresh_token(plaintext: str) -> str:
    """SHA-256 hex digest of a refresh token.

    A plain (unsalted, fast) hash is enough: the token has 256 bits of randomness, so
    there is nothing to brute-force, and a deterministic digest allows lookup by value.
    """
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()
