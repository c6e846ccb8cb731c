"""The `auth` tag: registration and the OAuth2 token endpoint (password and refresh_token grants)."""

from datetime import timedelta
from uuid import UUID

from pydantic import MISSING

from generated import models
from generated.routers.auth import AuthApi, RegisterUser201Response
from impl.db.repositories import EmailTakenError
from impl.db.repositories.refresh_tokens import RefreshTokenRepository
from impl.db.repositories.users import UserRepository
from impl.db.tables import RefreshTokenRow, UserRow
from impl.db.types import new_id, utcnow
from impl.preconditions import etag
from impl.problems import Conflict, RefreshTokenReused, TokenRequestError
from impl.security.passwords import PasswordHasher
from impl.security.tokens import AccessTokenCodec, hash_refresh_token, new_refresh_token
from impl.unit_of_work import current_session, end_reading
from impl.users import EMAIL_TAKEN, contract_email, user_model

# One message for an unknown email, a wrong password and an inactive account: the answer must not tell them apart.
BAD_CREDENTIALS = "The credentials are not valid."
BAD_REFRESH_TOKEN = "The refresh token is not valid."
UNSUPPORTED_GRANT = "Only the `password` and `refresh_token` grant types are supported."

PASSWORD_GRANT = "password"
REFRESH_TOKEN_GRANT = "refresh_token"


class Auth(AuthApi):
    def __init__(self, passwords: PasswordHasher, tokens: AccessTokenCodec, refresh_ttl: timedelta) -> None:
        self._passwords = passwords
        self._tokens = tokens
        self._refresh_ttl = refresh_ttl

    async def register_user(self, *, idempotency_key: str | None, body: models.UserRegister) -> RegisterUser201Response:
        del idempotency_key  # the idempotency middleware's (impl/idempotency.py)
        email = contract_email(str(body.email))
        # Hashed before the database is touched: the slow part holds no connection, transaction or lock.
        hashed_password = await self._passwords.hash(body.password)
        now = utcnow()
        row = UserRow(
            id=new_id(),
            email=email,
            hashed_password=hashed_password,
            full_name=None if body.full_name is MISSING else body.full_name,
            is_active=True,
            is_superuser=False,
            token_version=0,
            created_at=now,
            updated_at=now,
            version=1,
        )
        try:
            await UserRepository(current_session()).add(row)
        except EmailTakenError:
            raise Conflict(EMAIL_TAKEN) from None
        return RegisterUser201Response(body=user_model(row), location=f"/v1/users/{row.id}", e_tag=etag(row.version))

    async def issue_token(self, *, body: models.TokenRequest) -> models.TokenResponse:
        if body.grant_type == PASSWORD_GRANT:
            if body.username is MISSING or body.password is MISSING:
                raise TokenRequestError("invalid_request", "The password grant needs `username` and `password`.")
            user = await self._check_password(body.username, body.password)
            family_id = new_id()
        elif body.grant_type == REFRESH_TOKEN_GRANT:
            if body.refresh_token is MISSING:
                raise TokenRequestError("invalid_request", "The refresh_token grant needs `refresh_token`.")
            user, family_id = await self._rotate(body.refresh_token)
        else:
            raise TokenRequestError("unsupported_grant_type", UNSUPPORTED_GRANT)
        return await self._issue(user, family_id)

    async def logout(self, *, idempotency_key: str | None, body: models.LogoutRequest) -> None:
        del idempotency_key  # the idempotency middleware's (impl/idempotency.py)
        tokens = RefreshTokenRepository(current_session())
        row = await tokens.get_by_hash(hash_refresh_token(body.refresh_token))
        if row is not None:
            # The account's lock first, like every change to its sessions (see UserRepository.get_for_update).
            await UserRepository(current_session()).get_for_update(row.user_id)
            await tokens.revoke_family(row.family_id, utcnow())

    async def _check_password(self, email: str, password: str) -> UserRow:
        """The account ``email`` and ``password`` log in to, locked for issuing its tokens."""
        users = UserRepository(current_session())
        # Surrounding white space is not part of an address (registration removes it too).
        found = await users.get_by_email(email.strip())
        # The slow part (verifying) holds no connection, transaction or lock.
        await end_reading()
        if found is None:
            await self._passwords.verify_dummy(password)  # same work as a real check: no timing oracle
            raise TokenRequestError("invalid_grant", BAD_CREDENTIALS)
        ok, upgraded_hash = await self._passwords.verify(password, found.hashed_password)
        if not ok or not found.is_active:
            raise TokenRequestError("invalid_grant", BAD_CREDENTIALS)
        user = await users.get_for_update(found.id)
        # A password change or a deactivation while the password was checked ends what it checked.
        if user is None or not user.is_active or user.token_version != found.token_version:
            raise TokenRequestError("invalid_grant", BAD_CREDENTIALS)
        if upgraded_hash is not None and user.hashed_password == found.hashed_password:
            # e.g. a legacy bcrypt hash: re-hash with the current argon2 parameters
            user.hashed_password = upgraded_hash
        return user

    async def _rotate(self, presented: str) -> tuple[UserRow, UUID]:
        tokens = RefreshTokenRepository(current_session())
        now = utcnow()
        row = await tokens.get_by_hash(hash_refresh_token(presented))
        if row is None or row.revoked_at is not None or row.expires_at <= now:
            raise TokenRequestError("invalid_grant", BAD_REFRESH_TOKEN)
        # Every change to an account's sessions locks the account first: concurrent uses of one token queue
        # there (they would otherwise deadlock on the token rows), and a deletion of the account waits.
        user = await UserRepository(current_session()).get_for_update(row.user_id)
        if user is None or not user.is_active:
            raise TokenRequestError("invalid_grant", BAD_REFRESH_TOKEN)
        # The conditional update lets exactly one use win; any other is a reuse, which revokes the family.
        if not await tokens.mark_rotated(row.id, now):
            await tokens.revoke_family(row.family_id, now)
            raise RefreshTokenReused()
        return user, row.family_id

    async def _issue(self, user: UserRow, family_id: UUID) -> models.TokenResponse:
        now = utcnow()
        access_token, expires_in = self._tokens.issue(user_id=user.id, token_version=user.token_version, now=now)
        plaintext, token_hash = new_refresh_token()
        await RefreshTokenRepository(current_session()).add(
            RefreshTokenRow(
                id=new_id(),
                user_id=user.id,
                family_id=family_id,
                token_hash=token_hash,
                created_at=now,
                expires_at=now + self._refresh_ttl,
                rotated_at=None,
                revoked_at=None,
            )
        )
        return models.TokenResponse(
            access_token=access_token, token_type="bearer", expires_in=expires_in, refresh_token=plaintext
        )
