"""Security: the credentials each declared scheme takes, the operation's alternatives (OR of ANDs), and the
principal the implementation receives.

The runtime reads credentials where the scheme says (an API key in a header, query parameter or cookie; HTTP
Basic; a bearer token for HTTP bearer, OAuth2 and OpenID Connect) and hands each to the application's
`Authenticator`, which verifies it and returns the principal (or raises a 401/403 ProblemError). The first
alternative whose credentials are all present wins; when none is and the operation's security is not optional, the
answer is 401 with a challenge per scheme.
"""

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from starlette.requests import Request

from contract_runtime.contract import Alternative, OperationContract, SecurityRequirement, SecurityScheme
from contract_runtime.problems import ProblemError
from contract_runtime.refusals import Refusal

P = TypeVar("P")
P_co = TypeVar("P_co", covariant=True)


@dataclass(frozen=True)
class Credential:
    """What a request presented for one scheme: a token (API key, bearer token) or HTTP Basic user and password."""

    scheme: SecurityScheme
    scopes: tuple[str, ...] = ()
    token: str = ""
    username: str | None = None
    password: str | None = None


@dataclass(frozen=True)
class Authenticated(Generic[P]):
    """Which alternative held (its schemes, in order) and each scheme's principal: what an operation with more
    than one scheme receives."""

    schemes: tuple[str, ...]
    principals: Mapping[str, P]

    @property
    def principal(self) -> P:
        return self.principals[self.schemes[0]]


class Authenticator(Protocol[P_co]):
    """Verifies one credential; returns the principal, or raises a 401 (403 for missing scopes) ProblemError."""

    async def authenticate(self, request: Request, credential: Credential) -> P_co: ...


class _Unusable:
    """A credential input that is there but cannot be read (a header with another auth scheme, an empty token)."""


_UNUSABLE = _Unusable()


def _authorization(request: Request, scheme_word: str) -> str | _Unusable | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    word, _, rest = header.strip().partition(" ")
    if word.lower() != scheme_word.lower() or not rest.strip():
        return _UNUSABLE
    return rest.strip()


def read_credential(request: Request, requirement: SecurityRequirement) -> Credential | _Unusable | None:
    scheme = requirement.scheme
    if scheme.type == "apiKey":
        name = scheme.parameter or ""
        if scheme.location == "header":
            value = request.headers.get(name)
        elif scheme.location == "query":
            value = request.query_params.get(name)
        else:
            value = request.cookies.get(name)
        if value is None:
            return None
        return Credential(scheme, requirement.scopes, token=value) if value else _UNUSABLE
    if scheme.type == "http" and (scheme.http_scheme or "").lower() == "basic":
        raw = _authorization(request, "basic")
        if not isinstance(raw, str):
            return raw
        try:
            username, colon, password = base64.b64decode(raw, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return _UNUSABLE
        if not colon:
            return _UNUSABLE
        return Credential(scheme, requirement.scopes, token=raw, username=username, password=password)
    word = "bearer" if scheme.type in ("oauth2", "openIdConnect") else (scheme.http_scheme or "bearer")
    raw = _authorization(request, word)
    return Credential(scheme, requirement.scopes, token=raw) if isinstance(raw, str) else raw


def challenge(scheme: SecurityScheme) -> str:
    if scheme.type == "http" and (scheme.http_scheme or "").lower() == "basic":
        return 'Basic realm="api"'
    if scheme.type == "http" and (scheme.http_scheme or "").lower() != "bearer":
        return str(scheme.http_scheme).capitalize()
    if scheme.type == "apiKey":
        return f'ApiKey {scheme.location}="{scheme.parameter}"'
    return "Bearer"


def unauthenticated(contract: OperationContract) -> Refusal:
    schemes: dict[str, SecurityScheme] = {r.scheme.name: r.scheme for alt in contract.security for r in alt}
    challenges = list(dict.fromkeys(challenge(s) for s in schemes.values()))
    return Refusal(
        401, "This operation needs credentials.", headers={"WWW-Authenticate": ", ".join(challenges) or "Bearer"}
    )


async def authenticate(request: Request, contract: OperationContract, authenticator: Authenticator[Any] | None) -> Any:
    """The principal for the operation (None when its security is optional and nothing was sent)."""
    if not contract.security:
        return None
    optional = any(len(alternative) == 0 for alternative in contract.security)
    tried = False
    for alternative in contract.security:
        if not alternative:
            continue
        found: list[Credential] = []
        for requirement in alternative:
            credential = read_credential(request, requirement)
            if not isinstance(credential, Credential):
                tried = tried or credential is _UNUSABLE
                break
            found.append(credential)
        else:
            if authenticator is None:
                raise ProblemError(401, "No authenticator is configured for this operation.")
            principals = {c.scheme.name: await authenticator.authenticate(request, c) for c in found}
            return _principal(contract, alternative, principals)
    if optional and not tried:
        return None
    raise unauthenticated(contract)


def _principal(contract: OperationContract, alternative: Alternative, principals: dict[str, Any]) -> Any:
    names = tuple(r.scheme.name for r in alternative)
    if contract.principal_mode == "single":
        return principals[names[0]]
    return Authenticated(schemes=names, principals=principals)
