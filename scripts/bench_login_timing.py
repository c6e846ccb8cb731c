"""Benchmark: an unknown email and a wrong password must cost the same (no user-enumeration timing oracle).

Runs the real app in-process on a throw-away SQLite file with the production Argon2 parameters (or those from the
environment), times N token requests of each kind, and prints medians and their ratio. It reports; it does not
assert: timing belongs in a benchmark, not in a test. Run with `make bench`.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from impl.app import create_app
from impl.db.engine import create_engine
from impl.settings import Settings
from tests.dbutil import upgrade_to_head

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 15


async def timed(client: httpx.AsyncClient, username: str, password: str) -> float:
    started = time.perf_counter()
    response = await client.post(
        "/v1/auth/token", data={"grant_type": "password", "username": username, "password": password}
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 400, response.text
    return elapsed


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        engine = create_engine(url)
        await upgrade_to_head(engine)
        await engine.dispose()
        # The auth quota would refuse the 30-odd logins of a run: this measures hashing, not the limiter.
        settings = Settings(database_url=url, environment="test", auth_rate_limit="1000000/minute")
        app = create_app(settings)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            registered = await client.post(
                "/v1/auth/register", json={"email": "bench@example.com", "password": "right-password"}
            )
            assert registered.status_code == 201, registered.text
            await timed(client, "nobody@example.com", "warm-up")  # builds the dummy hash once
            unknown, wrong = [], []
            for _ in range(ROUNDS):  # interleaved, so drift in machine load hits both alike
                unknown.append(await timed(client, "nobody@example.com", "whatever-password"))
                wrong.append(await timed(client, "bench@example.com", "wrong-password"))
    unknown_ms, wrong_ms = statistics.median(unknown) * 1000, statistics.median(wrong) * 1000
    print(f"argon2: time_cost={settings.argon2_time_cost} memory={settings.argon2_memory_cost_kib} KiB")
    print(f"rounds: {ROUNDS} of each, interleaved")
    print(f"unknown email : median {unknown_ms:7.1f} ms")
    print(f"wrong password: median {wrong_ms:7.1f} ms")
    print(f"ratio unknown/wrong: {unknown_ms / wrong_ms:.3f}")


if __name__ == "__main__":
    asyncio.run(main())
