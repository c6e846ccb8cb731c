"""Token handling of the Python SDK against a live server: renewal before expiry and once on a 401, one renewal
for many concurrent requests, logging in again after a password change, logout."""

from __future__ import annotations

import asyncio

import pytest
from contract_api_client import AsyncContractApi, TokenRefused, Unauthorized

from scripts.live_server import LiveServer
from tests.sdk.conftest import PASSWORD, Clock, Recorder, new_email


async def registered(server: LiveServer) -> str:
    email = new_email()
    async with AsyncContractApi(server.base_url) as api:
        await api.auth.register(email=email, password=PASSWORD)
    return email


def tampered(access_token: str) -> str:
    """The same JWT with one signature character changed: the server answers 401."""
    last = access_token[-2]
    return access_token[:-2] + ("A" if last != "A" else "B") + access_token[-1]


async def test_the_access_token_is_renewed_before_it_expires(server: LiveServer, recorder: Recorder) -> None:
    clock = Clock()
    email = await registered(server)
    async with AsyncContractApi(server.base_url, transport=recorder, clock=clock, refresh_margin=60) as api:
        issued = await api.auth.login(email, PASSWORD)
        await api.users.me()
        assert len(recorder.to("POST", "/v1/auth/token")) == 1
        recorder.clear()

        # 50 s before the access token expires, inside the 60 s margin: the next request renews first.
        clock.advance(issued.expires_in - 50)
        me = await api.users.me()

        assert me.email == email
        (renewal,) = recorder.to("POST", "/v1/auth/token")
        assert renewal.form() == {"grant_type": "refresh_token", "refresh_token": issued.refresh_token}
        assert [exchange.path for exchange in recorder.exchanges] == ["/v1/auth/token", "/v1/users/me"]
        tokens = api.auth.tokens
        assert tokens.access_token != issued.access_token
        assert tokens.refresh_token != issued.refresh_token
        assert recorder.exchanges[-1].request_headers["authorization"] == f"Bearer {tokens.access_token}"


async def test_a_401_renews_once_and_sends_the_request_again(server: LiveServer, recorder: Recorder) -> None:
    email = await registered(server)
    async with AsyncContractApi(server.base_url) as first:
        issued = await first.auth.login(email, PASSWORD)
    # A resumed session whose access token the server refuses, with a refresh token that still works.
    async with AsyncContractApi(
        server.base_url,
        access_token=tampered(issued.access_token),
        refresh_token=issued.refresh_token,
        transport=recorder,
    ) as api:
        me = await api.users.me()

        assert me.email == email
        assert [(exchange.path, exchange.status) for exchange in recorder.exchanges] == [
            ("/v1/users/me", 401),
            ("/v1/auth/token", 200),
            ("/v1/users/me", 200),
        ]
        assert api.auth.tokens.refresh_token != issued.refresh_token


async def test_a_second_401_is_unauthorized_after_a_single_renewal(server: LiveServer, recorder: Recorder) -> None:
    email = await registered(server)
    async with AsyncContractApi(server.base_url) as first:
        issued = await first.auth.login(email, PASSWORD)
    async with AsyncContractApi(
        server.base_url,
        access_token=tampered(issued.access_token),
        refresh_token="not-a-refresh-token",
        transport=recorder,
    ) as api:
        with pytest.raises(Unauthorized) as refused:
            await api.items.list().first_page()

        assert refused.value.status == 401
        assert [(exchange.path, exchange.status) for exchange in recorder.exchanges] == [
            ("/v1/items", 401),
            ("/v1/auth/token", 400),
        ]
        assert api.auth.tokens.access_token is None


async def test_concurrent_requests_share_one_renewal(server: LiveServer, recorder: Recorder) -> None:
    """The refresh token works once, and presenting a rotated one revokes the login: twenty requests that all find
    the token about to expire must renew it once between them."""
    clock = Clock()
    email = await registered(server)
    async with AsyncContractApi(server.base_url, transport=recorder, clock=clock) as api:
        issued = await api.auth.login(email, PASSWORD)
        clock.advance(issued.expires_in)
        recorder.clear()

        users = await asyncio.gather(*(api.users.me() for _ in range(20)))

        assert {user.email for user in users} == {email}
        assert len(recorder.to("POST", "/v1/auth/token")) == 1
        assert [exchange.status for exchange in recorder.to("GET", "/v1/users/me")] == [200] * 20


async def test_credentials_log_in_again_after_a_password_change(server: LiveServer, recorder: Recorder) -> None:
    email = await registered(server)
    new_password = "a much longer and newer passphrase"
    async with AsyncContractApi(server.base_url, email=email, password=PASSWORD, transport=recorder) as api:
        before = (await api.users.me()).id
        await api.users.change_password(current_password=PASSWORD, new_password=new_password)
        recorder.clear()

        assert (await api.users.me()).id == before

        (login,) = recorder.to("POST", "/v1/auth/token")
        assert login.form() == {"grant_type": "password", "username": email, "password": new_password}

    # A client that logged in by hand has no password to log in again with: its requests are Unauthorized.
    async with AsyncContractApi(server.base_url) as api:
        await api.auth.login(email, new_password)
        await api.users.change_password(current_password=new_password, new_password=PASSWORD)
        with pytest.raises(Unauthorized):
            await api.users.me()


async def test_logout_revokes_the_refresh_token_and_forgets_the_session(server: LiveServer) -> None:
    email = await registered(server)
    async with AsyncContractApi(server.base_url, email=email, password=PASSWORD) as api:
        await api.users.me()
        refresh_token = api.auth.tokens.refresh_token
        assert refresh_token is not None

        await api.auth.logout()

        assert api.auth.tokens.access_token is None
        assert api.auth.tokens.refresh_token is None
        # The credentials are forgotten too: no silent login again.
        with pytest.raises(Unauthorized):
            await api.users.me()

    async with AsyncContractApi(server.base_url, refresh_token=refresh_token) as resumed:
        with pytest.raises(TokenRefused) as revoked:
            await resumed.auth.refresh()
        assert revoked.value.error == "invalid_grant"
