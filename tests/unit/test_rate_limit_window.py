"""The per-process moving window: exact quotas, a window that slides, refusals not counted."""

import time

import pytest
from limits import parse

from impl.rate_limit import ProcessMovingWindow


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(time, "time", fake)
    return fake


async def test_never_more_than_the_quota_in_any_window(clock: Clock) -> None:
    window, quota = ProcessMovingWindow(), parse("3/minute")
    answers = []
    for _ in range(4):
        answers.append(await window.count(quota, "general", "a"))
        clock.now += 10
    assert [allowed for allowed, _, _ in answers] == [True, True, True, False]
    assert [h["RateLimit-Remaining"] for _, h, _ in answers] == ["2", "1", "0", "0"]
    # The refusal came 30 s after the first hit: the window frees its first place 30 s later.
    assert answers[3][2] == 30
    clock.now = 1_000_000.0 + 59.5  # the first hit is still within the last minute
    assert (await window.count(quota, "general", "a"))[0] is False
    clock.now = 1_000_000.0 + 60.5  # it has left the window; the refusals took no place
    allowed, headers, _ = await window.count(quota, "general", "a")
    assert allowed
    assert headers["RateLimit-Remaining"] == "0"
    assert (await window.count(quota, "general", "a"))[0] is False


async def test_clients_quotas_and_buckets_are_counted_apart(clock: Clock) -> None:
    window, quota, other = ProcessMovingWindow(), parse("1/minute"), parse("2/minute")
    assert (await window.count(quota, "general", "a"))[0]
    assert not (await window.count(quota, "general", "a"))[0]
    assert (await window.count(quota, "general", "b"))[0]
    assert (await window.count(quota, "credentials", "a"))[0]
    assert (await window.count(other, "general", "a"))[0]


async def test_quiet_clients_are_forgotten(clock: Clock) -> None:
    window, quota = ProcessMovingWindow(), parse("5/second")
    for client in ("a", "b", "c"):
        await window.count(quota, "general", client)
    clock.now += 120
    await window.count(quota, "general", "d")
    assert len(window._hits) == 1
