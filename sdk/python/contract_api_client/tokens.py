"""Access and refresh tokens, kept fresh by the client itself.

``TokenSession`` holds the tokens (and, when the client was given them, the email and password). The bearer auth
flows put the access token on every request and renew it:

- before it expires: a request made within ``refresh_margin`` seconds of the expiry (or with no access token yet,
  when the client has credentials) renews first;
- once on a 401: the request is sent again with the new token; a second 401 is the caller's ``Unauthorized``.

Renewing uses the refresh token (the refresh grant rotates it) and falls back to logging in again when the client
has credentials. Only one renewal runs at a time: the refresh token works once, and the server revokes the whole
login when a rotated one is presented again, so concurrent requests wait for the one renewal and use its token.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from dataclasses import dataclass

import httpx

from .models.token_response import TokenResponse
from .problems import ContractApiError

__all__ = ["AsyncBearerAuth", "BearerAuth", "TokenSession", "Tokens"]

logger = logging.getLogger("contract_api_client")


@dataclass(frozen=True)
class Tokens:
    """The client's tokens at one moment. Keep ``refresh_token`` to resume a session later
    (``ContractApi(base_url, refresh_token=...)``)."""

    access_token: str | None
    refresh_token: str | None
    expires_at: float | None
    """When the access token expires, on the client's clock (``time.monotonic`` unless given); None if unknown."""


class TokenSession:
    def __init__(
        self,
        *,
        clock: Callable[[], float],
        refresh_margin: float,
        credentials: tuple[str, str] | None = None,
        access_token: str | None = None,
        refresh_token: str | None = None,
    ) -> None:
        self._clock = clock
        self._refresh_margin = refresh_margin
        self.credentials = credentials
        self._tokens = Tokens(access_token, refresh_token, None)
        self._renew_at: float | None = None

    @property
    def tokens(self) -> Tokens:
        return self._tokens

    @property
    def access_token(self) -> str | None:
        return self._tokens.access_token

    @property
    def refresh_token(self) -> str | None:
        return self._tokens.refresh_token

    @property
    def renewable(self) -> bool:
        return self._tokens.refresh_token is not None or self.credentials is not None

    def due(self) -> bool:
        """True when the access token is missing or about to expire."""
        if self._tokens.access_token is None:
            return True
        return self._renew_at is not None and self._clock() >= self._renew_at

    def store(self, issued: TokenResponse) -> None:
        now = self._clock()
        # Never renew earlier than halfway through a token's life, however short the server makes it.
        margin = min(self._refresh_margin, issued.expires_in / 2)
        self._tokens = Tokens(issued.access_token, issued.refresh_token, now + issued.expires_in)
        self._renew_at = now + issued.expires_in - margin

    def forget_tokens(self) -> None:
        self._tokens = Tokens(None, None, None)
        self._renew_at = None

    def clear(self) -> None:
        """Forget tokens and credentials (logout)."""
        self.forget_tokens()
        self.credentials = None


def _authorize(request: httpx.Request, access_token: str | None) -> None:
    if access_token is None:
        request.headers.pop("Authorization", None)
    else:
        request.headers["Authorization"] = f"Bearer {access_token}"


class AsyncBearerAuth(httpx.Auth):
    """Bearer tokens for ``httpx.AsyncClient``; ``renew`` gets new tokens into the session (or clears it)."""

    def __init__(self, session: TokenSession, renew: Callable[[], Awaitable[None]]) -> None:
        self._session = session
        self._renew = renew
        self._lock = asyncio.Lock()

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        session = self._session
        if session.renewable and session.due():
            current = session.access_token
            try:
                await self._renew_unless_changed(current)
            except ContractApiError:
                if current is None:
                    raise
                # The token has not expired yet (we renew early): use it, and let a 401 say otherwise.
                logger.warning("renewing the access token before it expires failed; using the current one")
        sent = session.access_token
        _authorize(request, sent)
        response = yield request
        if response.status_code == 401 and session.renewable:
            await self._renew_unless_changed(sent)
            if session.access_token is not None and session.access_token != sent:
                _authorize(request, session.access_token)
                yield request

    async def _renew_unless_changed(self, seen: str | None) -> None:
        async with self._lock:
            # Another request renewed while this one waited: its token is the new one.
            if self._session.access_token == seen:
                await self._renew()


class BearerAuth(httpx.Auth):
    """Bearer tokens for the blocking ``httpx.Client``; thread-safe."""

    def __init__(self, session: TokenSession, renew: Callable[[], None]) -> None:
        self._session = session
        self._renew = renew
        self._lock = threading.Lock()

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        session = self._session
        if session.renewable and session.due():
            current = session.access_token
            try:
                self._renew_unless_changed(current)
            except ContractApiError:
                if current is None:
                    raise
                logger.warning("renewing the access token before it expires failed; using the current one")
        sent = session.access_token
        _authorize(request, sent)
        response = yield request
        if response.status_code == 401 and session.renewable:
            self._renew_unless_changed(sent)
            if session.access_token is not None and session.access_token != sent:
                _authorize(request, session.access_token)
                yield request

    def _renew_unless_changed(self, seen: str | None) -> None:
        with self._lock:
            if self._session.access_token == seen:
                self._renew()
