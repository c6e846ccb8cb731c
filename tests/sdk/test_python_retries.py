"""Retries of the Python SDK: against real 429s from a live server with low quotas, against a port where nothing
listens, and the policy's decisions for the cases a healthy server does not produce on demand (503, cut-off
connections, a 409 for a key still in flight)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import httpx
import pytest
from contract_api_client import (
    ApiConnectionError,
    AsyncContractApi,
    RateLimited,
    RetryEvent,
    RetryPolicy,
)

from scripts.live_server import LiveServer
from tests.sdk.conftest import PASSWORD, Recorder, new_email

# Patient enough for the throttled server's Retry-After of a second or two.
PATIENT = RetryPolicy(max_attempts=2, max_retry_after=5)


@pytest.fixture
async def throttled_api(throttled_server: LiveServer, recorder: Recorder) -> AsyncIterator[AsyncContractApi]:
    email = new_email()
    policy = RetryPolicy(max_attempts=5, max_retry_after=5)
    async with AsyncContractApi(throttled_server.base_url, email=email, password=PASSWORD, retry=policy) as api:
        await api.auth.register(email=email, password=PASSWORD)
        await api.users.me()
        yield api


def resumed(server: LiveServer, api: AsyncContractApi, policy: RetryPolicy, recorder: Recorder) -> AsyncContractApi:
    """Another client on the same session, with its own retry policy and recorder."""
    tokens = api.auth.tokens
    return AsyncContractApi(
        server.base_url,
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        retry=policy,
        transport=recorder,
    )


async def read_over_the_quota(api: AsyncContractApi) -> None:
    """Six reads in a row: more than a quota of three per two seconds lets through."""
    for _ in range(6):
        await api.users.me()


async def test_reads_over_the_quota_wait_for_retry_after_and_get_through(
    throttled_server: LiveServer, throttled_api: AsyncContractApi, recorder: Recorder
) -> None:
    events: list[RetryEvent] = []
    policy = RetryPolicy(max_attempts=PATIENT.max_attempts, max_retry_after=5, on_retry=events.append)
    async with resumed(throttled_server, throttled_api, policy, recorder) as api:
        # Eight reads against a quota of three per two seconds.
        for _ in range(8):
            assert (await api.users.me()).email

    refusals = [exchange for exchange in recorder.exchanges if exchange.status == 429]
    assert refusals, "the quota is low enough that some reads were refused"
    assert [exchange.status for exchange in recorder.exchanges].count(200) == 8
    # Each refusal was retried once, after exactly the Retry-After it carried: with two attempts in all, retrying
    # any sooner would have met a second 429 and raised RateLimited.
    assert [(event.status, event.delay) for event in events] == [
        (429, float(refusal.response_headers["Retry-After"])) for refusal in refusals
    ]
    assert all(event.delay >= 1 for event in events)
    for refusal in refusals:
        retry = recorder.exchanges[recorder.exchanges.index(refusal) + 1]
        assert retry.path == refusal.path
        assert retry.sent_at - refusal.sent_at >= float(refusal.response_headers["Retry-After"])


async def test_a_post_is_retried_with_one_idempotency_key_and_takes_effect_once(
    throttled_server: LiveServer, throttled_api: AsyncContractApi, recorder: Recorder
) -> None:
    async with resumed(throttled_server, throttled_api, PATIENT, recorder) as api:
        created = [await api.items.create(name=f"Lamp {n}", price="19.99") for n in range(6)]
        assert len({item.id for item in created}) == 6

        attempts: dict[str, list[int | None]] = {}
        for exchange in recorder.to("POST", "/v1/items"):
            attempts.setdefault(exchange.request_headers["idempotency-key"], []).append(exchange.status)
        # One fresh key per call; a refused call's retry carries the same key.
        assert len(attempts) == 6
        assert {tuple(statuses) for statuses in attempts.values()} <= {(201,), (429, 201)}
        assert [429, 201] in attempts.values()

        listed = [item.id async for item in api.items.list(page_size=100)]
        assert sorted(map(str, listed)) == sorted(str(item.id) for item in created)


async def test_the_caller_may_choose_the_idempotency_key(
    throttled_server: LiveServer, throttled_api: AsyncContractApi, recorder: Recorder
) -> None:
    async with resumed(throttled_server, throttled_api, PATIENT, recorder) as api:
        article = await api.articles.create(title="Keyed", body="Once.", idempotency_key="order-4711")
    (sent, *retries) = recorder.to("POST", "/v1/articles")
    assert {exchange.request_headers["idempotency-key"] for exchange in [sent, *retries]} == {"order-4711"}
    assert article.title == "Keyed"


async def test_login_is_retried_after_a_429_without_an_idempotency_key(
    throttled_server: LiveServer, recorder: Recorder
) -> None:
    email = new_email()
    async with AsyncContractApi(throttled_server.base_url, retry=RetryPolicy(max_attempts=6, max_retry_after=5)) as api:
        await api.auth.register(email=email, password=PASSWORD)
    async with AsyncContractApi(throttled_server.base_url, retry=PATIENT, transport=recorder) as api:
        # Three logins against a quota of two per two seconds (registration spent from the same quota).
        for _ in range(3):
            await api.auth.login(email, PASSWORD)

    logins = recorder.to("POST", "/v1/auth/token")
    assert 429 in [exchange.status for exchange in logins]
    assert [exchange.status for exchange in logins].count(200) == 3
    assert all("idempotency-key" not in exchange.request_headers for exchange in logins)


async def test_without_retries_a_429_is_rate_limited_at_once(
    throttled_server: LiveServer, throttled_api: AsyncContractApi, recorder: Recorder
) -> None:
    async with resumed(throttled_server, throttled_api, RetryPolicy(max_attempts=1), recorder) as api:
        with pytest.raises(RateLimited) as limited:
            await read_over_the_quota(api)

    assert limited.value.status == 429
    assert limited.value.retry_after is not None
    assert limited.value.retry_after >= 1
    assert limited.value.headers["RateLimit-Remaining"] == "0"
    assert [exchange.status for exchange in recorder.exchanges][-1] == 429
    assert len(recorder.exchanges) <= 6


async def test_a_retry_after_beyond_the_limit_is_not_waited_for(
    throttled_server: LiveServer, throttled_api: AsyncContractApi, recorder: Recorder
) -> None:
    events: list[RetryEvent] = []
    impatient = RetryPolicy(max_attempts=5, max_retry_after=0.5, on_retry=events.append)
    async with resumed(throttled_server, throttled_api, impatient, recorder) as api:
        with pytest.raises(RateLimited):
            await read_over_the_quota(api)
    assert [event for event in events if event.status == 429] == []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_a_refused_connection_is_retried_then_raised(recorder: Recorder) -> None:
    events: list[RetryEvent] = []
    policy = RetryPolicy(max_attempts=3, initial_backoff=0.01, max_backoff=0.02, on_retry=events.append)
    async with AsyncContractApi(f"http://127.0.0.1:{free_port()}", retry=policy, transport=recorder) as api:
        with pytest.raises(ApiConnectionError) as failed:
            await api.items.create(name="Lamp", price="19.99")

    assert isinstance(failed.value.__cause__, httpx.ConnectError)
    assert "after 3 attempts" in str(failed.value)
    assert len(recorder.exchanges) == 3
    assert all(isinstance(exchange.error, httpx.ConnectError) for exchange in recorder.exchanges)
    keys = {exchange.request_headers["idempotency-key"] for exchange in recorder.exchanges}
    assert len(keys) == 1
    assert [(event.attempt, event.status) for event in events] == [(1, None), (2, None)]
    assert all(0 < event.delay <= 0.02 for event in events)


# ---------------------------------------------------------------------------------------------------------------
# The policy's decisions, on real httpx requests and responses.


def request(method: str, *, key: str | None = None) -> httpx.Request:
    headers = {"Idempotency-Key": key} if key else {}
    return httpx.Request(method, "http://api.test/v1/items", headers=headers)


def answer(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers)


POLICY = RetryPolicy(max_attempts=3, initial_backoff=1.0, max_backoff=4.0, jitter=0.0, max_retry_after=30)


@pytest.mark.parametrize(
    ("method", "key", "status", "headers", "delay"),
    [
        ("GET", None, 429, {"Retry-After": "7"}, 7.0),
        ("POST", None, 429, {"Retry-After": "7"}, 7.0),  # refused before acting: even the token endpoint
        ("GET", None, 503, {}, 1.0),
        ("PATCH", None, 503, {}, 1.0),
        ("DELETE", None, 503, {"Retry-After": "2"}, 2.0),
        ("POST", None, 503, {}, None),  # may have acted, and no key to make a repeat safe
        ("POST", "k-1", 503, {}, 1.0),
        ("POST", "k-1", 409, {"Retry-After": "1"}, 1.0),  # the first attempt with this key is still in flight
        ("POST", "k-1", 409, {}, None),  # a real conflict (a taken email)
        ("POST", None, 409, {"Retry-After": "1"}, None),
        ("GET", None, 429, {"Retry-After": "31"}, None),  # longer than max_retry_after: raise at once
        ("GET", None, 500, {}, None),
        ("GET", None, 502, {}, None),
        ("GET", None, 404, {}, None),
    ],
)
def test_which_answers_are_retried(
    method: str, key: str | None, status: int, headers: dict[str, str], delay: float | None
) -> None:
    assert POLICY.delay_after_response(request(method, key=key), answer(status, **headers), attempt=1) == delay


@pytest.mark.parametrize(
    ("method", "key", "error", "retried"),
    [
        ("POST", None, httpx.ConnectError("refused"), True),  # never reached the server
        ("POST", None, httpx.ConnectTimeout("slow"), True),
        ("POST", None, httpx.ReadTimeout("cut"), False),  # may have acted
        ("POST", None, httpx.RemoteProtocolError("closed"), False),
        ("POST", "k-1", httpx.ReadTimeout("cut"), True),
        ("GET", None, httpx.ReadError("reset"), True),
        ("PATCH", None, httpx.RemoteProtocolError("closed"), True),
        ("GET", None, httpx.UnsupportedProtocol("ftp"), False),
    ],
)
def test_which_connection_errors_are_retried(
    method: str, key: str | None, error: httpx.TransportError, retried: bool
) -> None:
    delay = POLICY.delay_after_error(request(method, key=key), error, attempt=1)
    assert (delay is not None) is retried


def test_backoff_doubles_up_to_the_cap_and_attempts_are_bounded() -> None:
    assert [POLICY.backoff(attempt) for attempt in (1, 2, 3, 4, 5)] == [1.0, 2.0, 4.0, 4.0, 4.0]
    assert POLICY.delay_after_response(request("GET"), answer(503), attempt=3) is None
    assert POLICY.delay_after_error(request("GET"), httpx.ConnectError("refused"), attempt=3) is None
    jittered = RetryPolicy(initial_backoff=1.0, jitter=0.5)
    assert all(0.5 <= jittered.backoff(1) <= 1.0 for _ in range(200))


def test_retry_after_as_an_http_date() -> None:
    past = answer(429, **{"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert POLICY.delay_after_response(request("GET"), past, attempt=1) == 0.0
    future = answer(429, **{"Retry-After": "Fri, 01 Jan 2100 00:00:00 GMT"})
    assert POLICY.delay_after_response(request("GET"), future, attempt=1) is None  # far beyond max_retry_after


def test_a_policy_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="jitter"):
        RetryPolicy(jitter=2)


class LosesTheFirstAnswer(Recorder):
    """Sends every request to the server, but cuts the connection after the first POST /v1/items was answered:
    the server acted, the client never heard (what a crash of a proxy or a network failure does)."""

    def __init__(self) -> None:
        super().__init__()
        self.lost: httpx.Response | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if self.lost is None and request.method == "POST" and request.url.path == "/v1/items":
            await response.aread()
            self.lost = response
            raise httpx.ReadError("connection reset after the server answered", request=request)
        return response


async def test_a_post_whose_answer_was_lost_is_replayed_not_repeated(server: LiveServer) -> None:
    cutting = LosesTheFirstAnswer()
    policy = RetryPolicy(max_attempts=3, initial_backoff=0.01, max_backoff=0.02)
    email = new_email()
    async with AsyncContractApi(
        server.base_url, email=email, password=PASSWORD, retry=policy, transport=cutting
    ) as api:
        await api.auth.register(email=email, password=PASSWORD)
        item = await api.items.create(name="Lamp", price="19.99")
        listed = [found.id async for found in api.items.list(page_size=100)]

    assert cutting.lost is not None
    assert cutting.lost.status_code == 201
    attempts = cutting.to("POST", "/v1/items")
    assert len(attempts) == 2
    assert attempts[0].request_headers["idempotency-key"] == attempts[1].request_headers["idempotency-key"]
    # The retry got the stored first answer back, not a second item.
    assert attempts[1].response_headers["idempotent-replayed"] == "true"
    assert str(item.id) == cutting.lost.json()["id"]
    assert listed == [item.id]
