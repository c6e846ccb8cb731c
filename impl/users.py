"""The `users` tag: the caller's account, and account administration for superusers."""

from uuid import UUID

from pydantic import MISSING

from generated import models
from generated.routers.users import (
    GetCurrentUser200Response,
    GetCurrentUser304Response,
    GetUser200Response,
    GetUser304Response,
    UpdateCurrentUser200Response,
    UpdateUser200Response,
    UsersApi,
)
from impl.db.repositories import EmailTakenError
from impl.db.repositories.refresh_tokens import RefreshTokenRepository
from impl.db.repositories.users import UserRepository, user_key
from impl.db.tables import UserRow
from impl.db.types import utcnow
from impl.pagination import CursorCodec, InvalidCursorError, split_page
from impl.preconditions import Preconditions, etag, none_match
from impl.principal import CurrentUser
from impl.problems import AccountGone, Conflict, Forbidden, InvalidCursor, InvalidField, NotFound, Unauthorized
from impl.security.passwords import PasswordHasher
from impl.unit_of_work import current_session, end_reading

EMAIL_TAKEN = "This email is already registered."
NO_SUCH_USER = "There is no account with this id."


def contract_email(email: str) -> str:
    """The address to store, if the spec can carry it. `format: email` is RFC 5321: ASCII only. The generated
    validation (email-validator) also accepts internationalized addresses, and turns an IDNA `xn--` domain into
    Unicode; every later answer carrying one would break the schema, so they are refused here."""
    if not email.isascii():
        raise InvalidField("/email", "Only ASCII email addresses (RFC 5321) are accepted.", "email_not_ascii")
    return email


def user_model(row: UserRow) -> models.User:
    return models.User(
        id=row.id,
        email=row.email,
        full_name=row.full_name,
        is_active=row.is_active,
        is_superuser=row.is_superuser,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def caller_row(principal: CurrentUser, *, for_update: bool = False) -> UserRow:
    """The caller's own row as it is now (locked, when it is to change). Usually an identity-map hit, since the
    authenticator loaded it in this session; but the identity map holds rows weakly, so it may be read again and
    show changes committed since authentication."""
    users = UserRepository(current_session())
    row = await (users.get_for_update(principal.id) if for_update else users.get(principal.id))
    if row is None:  # deleted between authentication and now
        raise AccountGone()
    return row


def _require_superuser(principal: CurrentUser) -> None:
    if not principal.is_superuser:
        raise Forbidden("Only superusers may do this.")


class Users(UsersApi[CurrentUser]):
    def __init__(
        self, passwords: PasswordHasher, cursors: CursorCodec, preconditions: Preconditions | None = None
    ) -> None:
        self._passwords = passwords
        self._cursors = cursors
        self._preconditions = preconditions or Preconditions()

    async def get_current_user(
        self, *, if_none_match: str | None, principal: CurrentUser
    ) -> GetCurrentUser200Response | GetCurrentUser304Response:
        row = await caller_row(principal)
        tag = etag(row.version)
        if none_match(if_none_match, tag):
            return GetCurrentUser304Response(e_tag=tag)
        return GetCurrentUser200Response(body=user_model(row), e_tag=tag)

    async def update_current_user(
        self, *, if_match: str | None, body: models.UserUpdateMe, principal: CurrentUser
    ) -> UpdateCurrentUser200Response:
        row = await caller_row(principal, for_update=True)
        self._preconditions.check(if_match, etag(row.version))
        users = UserRepository(current_session())
        if body.email is not MISSING:
            try:
                await users.update_email(row, contract_email(str(body.email)))
            except EmailTakenError:
                raise Conflict(EMAIL_TAKEN) from None
        if body.full_name is not MISSING:
            row.full_name = body.full_name
        row.updated_at = utcnow()
        await current_session().flush()  # the version bump (impl/db/tables.py) happens here: the ETag shows it
        return UpdateCurrentUser200Response(body=user_model(row), e_tag=etag(row.version))

    async def delete_current_user(self, *, if_match: str | None, principal: CurrentUser) -> None:
        if if_match is not None:
            # Compared under the row's lock: no change slips in between the comparison and the deletion.
            row = await caller_row(principal, for_update=True)
            self._preconditions.check(if_match, etag(row.version), change=False)
        if not await UserRepository(current_session()).delete(principal.id):
            raise AccountGone()

    async def change_password(
        self, *, idempotency_key: str | None, body: models.PasswordChange, principal: CurrentUser
    ) -> None:
        del idempotency_key  # the idempotency middleware's (impl/idempotency.py)
        row = await caller_row(principal)
        if row.token_version != principal.token_version:
            raise Unauthorized(sent=True)  # another change ended the caller's token since it was checked
        hashed_password = row.hashed_password
        # The slow part (verify, then hash) holds no connection, transaction or lock.
        await end_reading()
        ok, _ = await self._passwords.verify(body.current_password, hashed_password)
        if not ok:
            raise Forbidden("The current password is not correct.")
        new_hash = await self._passwords.hash(body.new_password)
        now = utcnow()
        # Access tokens carry the version they were issued under: bumping it ends every earlier one. The update
        # applies only if nothing ended the caller's token since it was checked: of concurrent changes one wins,
        # and the others find their token ended by it.
        if not await UserRepository(current_session()).replace_password(
            principal.id, seen_token_version=principal.token_version, hashed_password=new_hash, now=now
        ):
            raise Unauthorized(sent=True)
        await RefreshTokenRepository(current_session()).revoke_all_for_user(principal.id, now)

    async def list_users(
        self,
        *,
        cursor: str | None,
        limit: int,
        is_active: bool | None,
        is_superuser: bool | None,
        q: str | None,
        principal: CurrentUser,
    ) -> models.UserPage:
        _require_superuser(principal)
        try:
            after = self._cursors.decode_user_key(cursor) if cursor else None
        except InvalidCursorError:
            raise InvalidCursor() from None
        rows = await UserRepository(current_session()).list_page(
            limit=limit,
            after=after,
            q=q,
            is_active=is_active,
            is_superuser=is_superuser,
        )
        page, next_cursor = split_page(rows, limit, lambda row: self._cursors.encode_user_key(user_key(row)))
        return models.UserPage(items=[user_model(r) for r in page], next_cursor=next_cursor)

    async def _user(self, user_id: UUID, principal: CurrentUser, *, for_update: bool = False) -> UserRow:
        _require_superuser(principal)
        users = UserRepository(current_session())
        row = await (users.get_for_update(user_id) if for_update else users.get(user_id))
        if row is None:
            raise NotFound(NO_SUCH_USER)
        return row

    async def get_user(
        self, *, user_id: UUID, if_none_match: str | None, principal: CurrentUser
    ) -> GetUser200Response | GetUser304Response:
        row = await self._user(user_id, principal)
        tag = etag(row.version)
        if none_match(if_none_match, tag):
            return GetUser304Response(e_tag=tag)
        return GetUser200Response(body=user_model(row), e_tag=tag)

    async def update_user(
        self, *, user_id: UUID, if_match: str | None, body: models.UserUpdateAdmin, principal: CurrentUser
    ) -> UpdateUser200Response:
        row = await self._user(user_id, principal, for_update=True)
        self._preconditions.check(if_match, etag(row.version))
        now = utcnow()
        if body.full_name is not MISSING:
            row.full_name = body.full_name
        if body.is_active is not MISSING:
            if row.is_active and not body.is_active:
                # Deactivation ends every session for good: reactivating the account later must not revive them.
                row.token_version += 1
                await RefreshTokenRepository(current_session()).revoke_all_for_user(row.id, now)
            row.is_active = body.is_active
        if body.is_superuser is not MISSING:
            row.is_superuser = body.is_superuser
        row.updated_at = now
        await current_session().flush()  # the version bump (impl/db/tables.py) happens here: the ETag shows it
        return UpdateUser200Response(body=user_model(row), e_tag=etag(row.version))

    async def delete_user(self, *, user_id: UUID, if_match: str | None, principal: CurrentUser) -> None:
        _require_superuser(principal)
        if if_match is not None:
            # Compared under the row's lock: no change slips in between the comparison and the deletion.
            row = await self._user(user_id, principal, for_update=True)
            self._preconditions.check(if_match, etag(row.version), change=False)
        # The DELETE itself decides: of two concurrent deletions, the one that finds no row answers 404.
        if not await UserRepository(current_session()).delete(user_id):
            raise NotFound(NO_SUCH_USER)
