"""Bearer authentication: a valid JWT whose user still exists, is active, and has not changed password since."""

from fastapi import Request

from impl.db.repositories.users import UserRepository
from impl.principal import CurrentUser
from impl.problems import Unauthorized
from impl.security.tokens import AccessTokenCodec, InvalidTokenError
from impl.unit_of_work import current_session


class BearerAuthenticator:
    """Fulfils contract_runtime.Authenticator[CurrentUser]."""

    def __init__(self, tokens: AccessTokenCodec) -> None:
        self._tokens = tokens

    @staticmethod
    def _bearer_token(request: Request) -> str | None:
        header = request.headers.get("authorization")
        if header is None:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("The Authorization header must be `Bearer <access_token>`.", sent=True)
        return token.strip()

    async def _authenticate(self, token: str) -> CurrentUser:
        try:
            claims = self._tokens.decode(token)
        except InvalidTokenError:
            raise Unauthorized(sent=True) from None
        user = await UserRepository(current_session()).get(claims.subject)
        if user is None or not user.is_active or user.token_version != claims.token_version:
            raise Unauthorized(sent=True)
        return CurrentUser(id=user.id, is_superuser=user.is_superuser, token_version=user.token_version)

    async def required(self, request: Request) -> CurrentUser:
        token = self._bearer_token(request)
        if token is None:
            raise Unauthorized("This operation needs an access token.", sent=False)
        return await self._authenticate(token)

    async def optional(self, request: Request) -> CurrentUser | None:
        token = self._bearer_token(request)
        return None if token is None else await self._authenticate(token)
