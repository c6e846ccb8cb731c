from __future__ import annotations

import asyncio
from collections.abc import Callable

import bcrypt
import pytest

from impl.problems import PasswordHashingBusy
from impl.security.passwords import PasswordHasher
from impl.settings import Settings

# Low but real Argon2 cost: keeps the suite fast while still doing actual hashing.
FAST = {"time_cost": 1, "memory_cost_kib": 1024, "parallelism": 1}


@pytest.fixture
def hasher() -> PasswordHasher:
    return PasswordHasher(**FAST)


def make_bcrypt_hash(password: bytes) -> str:
    # Made with the bcrypt package directly, as a legacy system would have stored it.
    return bcrypt.hashpw(password, bcrypt.gensalt(rounds=4)).decode("ascii")


def test_from_settings_uses_argon2_parameters() -> None:
    settings = Settings(_env_file=None, argon2_time_cost=2, argon2_memory_cost_kib=2048, argon2_parallelism=2)
    hasher = PasswordHasher.from_settings(settings)
    assert (hasher.time_cost, hasher.memory_cost_kib, hasher.parallelism) == (2, 2048, 2)


async def test_hash_is_argon2id_with_configured_parameters(hasher: PasswordHasher) -> None:
    hashed = await hasher.hash("correct horse battery staple")
    assert hashed.startswith("$argon2id$v=19$m=1024,t=1,p=1$")


async def test_hash_is_salted(hasher: PasswordHasher) -> None:
    assert await hasher.hash("same") != await hasher.hash("same")


async def test_round_trip(hasher: PasswordHasher) -> None:
    hashed = await hasher.hash("correct horse battery staple")
    assert await hasher.verify("correct horse battery staple", hashed) == (True, None)


async def test_wrong_password(hasher: PasswordHasher) -> None:
    hashed = await hasher.hash("correct horse battery staple")
    assert await hasher.verify("Correct horse battery staple", hashed) == (False, None)
    assert await hasher.verify("", hashed) == (False, None)


async def test_unicode_password(hasher: PasswordHasher) -> None:
    hashed = await hasher.hash("pässwörd-🔑")
    assert await hasher.verify("pässwörd-🔑", hashed) == (True, None)
    assert await hasher.verify("passwort-🔑", hashed) == (False, None)


async def test_bcrypt_hash_verifies_and_is_upgraded(hasher: PasswordHasher) -> None:
    legacy = make_bcrypt_hash(b"hunter22")
    ok, new_hash = await hasher.verify("hunter22", legacy)
    assert ok is True
    assert new_hash is not None
    assert new_hash.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    # The upgrade hash is a normal current hash: verifies, needs no further upgrade.
    assert await hasher.verify("hunter22", new_hash) == (True, None)


async def test_bcrypt_wrong_password_not_upgraded(hasher: PasswordHasher) -> None:
    legacy = make_bcrypt_hash(b"hunter22")
    assert await hasher.verify("hunter23", legacy) == (False, None)


async def test_outdated_argon2_parameters_are_upgraded() -> None:
    old = PasswordHasher(time_cost=1, memory_cost_kib=1024, parallelism=1)
    new = PasswordHasher(time_cost=2, memory_cost_kib=2048, parallelism=1)
    ok, upgraded = await new.verify("pw-123456", await old.hash("pw-123456"))
    assert ok is True
    assert upgraded is not None
    assert upgraded.startswith("$argon2id$v=19$m=2048,t=2,p=1$")
    assert await new.verify("pw-123456", upgraded) == (True, None)


async def test_long_password_against_bcrypt_does_not_crash(hasher: PasswordHasher) -> None:
    long_password = "a" * 72 + "b" * 28  # 100 bytes; bcrypt >= 5 raises on > 72.
    # Legacy bcrypt truncated to 72 bytes, so the stored hash is of the prefix.
    legacy = make_bcrypt_hash(long_password.encode()[:72])

    assert await hasher.verify("c" * 100, legacy) == (False, None)

    ok, new_hash = await hasher.verify(long_password, legacy)
    assert ok is True
    assert new_hash is not None
    assert new_hash.startswith("$argon2id$")
    # The upgrade hash is of the full password: the 72-byte truncation ends here.
    assert await hasher.verify(long_password, new_hash) == (True, None)
    assert await hasher.verify(long_password[:72], new_hash) == (False, None)


@pytest.mark.parametrize(
    "malformed",
    [
        "",
        "not-a-hash",
        "$argon2id$v=19$m=1024,t=1,p=1$bad",
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0$",
        "$2b$12$short",
        "$2b$04$" + "!" * 53,
        "$1$md5crypt$unsupported",
        "$pbkdf2-sha256$29000$abc$def",
    ],
)
async def test_malformed_hash_is_false_not_an_error(hasher: PasswordHasher, malformed: str) -> None:
    assert await hasher.verify("anything", malformed) == (False, None)


async def test_oversized_password_is_false_not_an_error(hasher: PasswordHasher) -> None:
    hashed = await hasher.hash("pw-123456")
    # passlib refuses secrets over 4096 bytes; verify must still answer, not raise.
    assert await hasher.verify("x" * 5000, hashed) == (False, None)


async def test_verify_dummy_never_raises(hasher: PasswordHasher) -> None:
    # Including passwords passlib refuses: the unknown-email path must not 500.
    await hasher.verify_dummy("whatever")
    await hasher.verify_dummy("")
    await hasher.verify_dummy("x" * 5000)


async def test_dummy_hash_uses_current_parameters(hasher: PasswordHasher) -> None:
    await hasher.verify_dummy("whatever")
    # The dummy hash must cost what a real user's hash costs, or timing leaks.
    dummy = hasher._dummy_hash
    assert dummy is not None
    assert dummy.startswith("$argon2id$v=19$m=1024,t=1,p=1$")


@pytest.mark.parametrize("operation", ["hash", "verify", "verify_dummy"])
async def test_work_runs_off_the_event_loop(operation: str) -> None:
    hasher = PasswordHasher(**FAST)
    hashed = await hasher.hash("pw-123456")
    ticked = asyncio.Event()

    async def ticker() -> None:
        ticked.set()

    async def run_and_observe() -> bool:
        if operation == "hash":
            await hasher.hash("pw-123456")
        elif operation == "verify":
            await hasher.verify("pw-123456", hashed)
        else:
            await hasher.verify_dummy("pw-123456")
        return ticked.is_set()

    # Deterministic, not timing-based: both tasks are queued before either runs, the
    # worker first. If the hashing ran on the loop, the worker would finish in its
    # first step, before the ticker ever ran, and observe the event unset. It can only
    # observe it set if it yielded to the loop while the work was in progress.
    worker = asyncio.create_task(run_and_observe())
    tick = asyncio.create_task(ticker())
    observed_tick_before_return = await worker
    await tick
    assert observed_tick_before_return is True


# --- cost and bounds --------------------------------------------------------------------------------------------

# OWASP Password Storage Cheat Sheet, Argon2id: at least 19 MiB of memory, 2 iterations, 1 degree of parallelism.
OWASP_MEMORY_KIB, OWASP_TIME_COST = 19_456, 2


def test_default_cost_meets_owasp_with_one_lane() -> None:
    settings = Settings(_env_file=None)
    for memory, time_cost, lanes in (
        (settings.argon2_memory_cost_kib, settings.argon2_time_cost, settings.argon2_parallelism),
        (PasswordHasher().memory_cost_kib, PasswordHasher().time_cost, PasswordHasher().parallelism),
    ):
        assert memory >= OWASP_MEMORY_KIB
        assert time_cost >= OWASP_TIME_COST
        # One lane: a hash takes one core, however many logins arrive (the others keep serving).
        assert lanes == 1
    # One hash at a time per process, so memory stays at one Argon2 block whatever the storm.
    assert settings.password_hash_concurrency == 1


async def test_hashes_of_the_previous_defaults_verify_and_are_upgraded() -> None:
    """Accounts hashed with the earlier defaults (64 MiB, 3 iterations, 4 lanes) keep logging in, and their hash
    is replaced with one of the current defaults on the way."""
    previous = PasswordHasher(time_cost=3, memory_cost_kib=65_536, parallelism=4)
    current = PasswordHasher()
    ok, upgraded = await current.verify("pw-123456", await previous.hash("pw-123456"))
    assert ok is True
    assert upgraded is not None
    assert upgraded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert await current.verify("pw-123456", upgraded) == (True, None)


async def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll with a deadline (a liveness bound, not a timing claim)."""
    deadline = asyncio.get_running_loop().time() + 10
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, what
        await asyncio.sleep(0.001)


async def test_a_full_queue_answers_busy_at_once_instead_of_waiting() -> None:
    # Real, slow hashing (about 0.1 s each): one running, one waiting fill this hasher.
    hasher = PasswordHasher(time_cost=3, memory_cost_kib=65_536, parallelism=1, max_concurrent=1, max_waiting=1)
    admitted = [asyncio.create_task(hasher.hash(f"pw-{i}-123456")) for i in range(2)]
    await wait_until(lambda: hasher.in_flight == 2, "both hashes admitted")
    with pytest.raises(PasswordHashingBusy) as refused:
        await hasher.verify("pw-123456", "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
    assert refused.value.status == 503
    assert int(refused.value.headers["Retry-After"]) >= 1
    # The admitted ones were not disturbed, and the queue empties again.
    for task in admitted:
        assert (await task).startswith("$argon2id$")
    assert hasher.in_flight == 0
    assert (await hasher.hash("pw-123456")).startswith("$argon2id$")


async def test_a_caller_that_goes_away_gives_its_place_back() -> None:
    hasher = PasswordHasher(time_cost=3, memory_cost_kib=65_536, parallelism=1, max_concurrent=1, max_waiting=3)
    running = asyncio.create_task(hasher.hash("pw-running"))
    waiting = [asyncio.create_task(hasher.hash(f"pw-waiting-{i}")) for i in range(3)]
    await wait_until(lambda: hasher.in_flight == 4, "all admitted")
    for task in waiting:
        task.cancel()
    await asyncio.gather(*waiting, return_exceptions=True)
    await running
    await wait_until(lambda: hasher.in_flight == 0, "every place given back")
