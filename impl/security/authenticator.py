"""Bearer authentication: a valid JWT whose user still exists, is active, and has not changed password since."""

from fastapi import Request

from contract_runtime import Credential
from impl.db.repositories.users import UserRepository
from impl.principal import CurrentUser
from impl.problems import Unauthorized
from impl.security.tokens import AccessTokenCodec, InvalidTokenError
from impl.unit_of_work import current_database


class BearerAuthenticator:
    """Fulfils contract_runtime.Authenticator[CurrentUser]: the runtime reads the bearer token of the spec's OAuth2
    scheme (and answers 401 when there is none); this checks it."""

    def __init__(self, tokens: AccessTokenCodec) -> None:
        self._tokens = tokens

    async def _authenticate(self, token: str) -> CurrentUser:
        try:
            claims = self._tokens.decode(token)
        except InvalidTokenError:
            raise Unauthorized(sent=True) from None
        user = await UserRepository(current_database()).access_state(claims.subject)
        if user is None or not user.is_active or user.token_version != claims.token_version:
            raise Unauthorized(sent=True)
        return CurrentUser(id=claims.subject, is_superuser=user.is_superuser, token_version=user.token_version)

    async def authenticate(self, request: Request, credential: Credential) -> CurrentUser:
        return await self._authenticate(credential.token)
