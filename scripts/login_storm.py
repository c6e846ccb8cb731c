"""Measure reads during a login storm against a real server (uvicorn, one worker, the default password hashing).

    python -m scripts.login_storm [--database sqlite|postgresql] [--seconds 5] [--logins 8] [--readers 4]

Reads (`GET /v1/users/me`) run alone for a while, then again while `--logins` clients log in back to back. Prints
the read latency of both phases (p50, p99, max), every status seen, the server's peak RSS and whether its log
mentions "database is locked". It reports; it does not assert: timing claims belong in benchmarks. PostgreSQL is
TEST_DATABASE_URL's server (or an embedded one); SQLite a throw-away file.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from scripts.live_server import GATE_SECRET_KEY, postgres_server_url
from scripts.prestart import migrate
from tests.dbutil import create_database, drop_database, unique_database_name

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"


@dataclass
class Server:
    base_url: str
    pid: int
    log_path: Path
    peak_rss_kib: int = 0


@dataclass
class Phase:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def read_log(path: Path) -> str:
    return path.read_text(errors="replace")


def rss_kib(pid: int) -> int:
    with suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


@asynccontextmanager
async def database(kind: str) -> AsyncIterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="login-storm-") as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'storm.db'}"
            await migrate(url)
            yield url
        return
    with postgres_server_url() as server_url:
        name = unique_database_name("storm")
        url = await create_database(server_url, name)
        try:
            await migrate(url)
            yield url
        finally:
            await drop_database(server_url, name)


@asynccontextmanager
async def serve(database_url: str, log_path: Path) -> AsyncIterator[Server]:
    """uvicorn with the app's defaults (password hashing included) but rate limits out of the way."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "ENVIRONMENT": "test",
        "SECRET_KEY": GATE_SECRET_KEY,
        "DATABASE_URL": database_url,
        "RATE_LIMIT": "1000000/minute",
        "AUTH_RATE_LIMIT": "1000000/minute",
        "LOG_LEVEL": "WARNING",
    }
    for name in ("ARGON2_TIME_COST", "ARGON2_MEMORY_COST_KIB", "ARGON2_PARALLELISM", "PASSWORD_HASH_CONCURRENCY"):
        env.pop(name, None)
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "impl.app:create_app",
            "--port",
            str(port),
            "--no-access-log",
            cwd=str(PROJECT_ROOT),
            env=env,
            stdout=log,
            stderr=log,
        )
    server = Server(f"http://127.0.0.1:{port}", process.pid, log_path)
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=5.0) as http:
            deadline = time.monotonic() + 60
            while True:
                with suppress(httpx.TransportError):
                    if (await http.get("/health/ready")).status_code == 200:
                        break
                if time.monotonic() > deadline or process.returncode is not None:
                    raise RuntimeError(f"server did not start:\n{read_log(log_path)}")
                await asyncio.sleep(0.1)  # polling a starting server, with a deadline
        yield server
    finally:
        process.terminate()
        await process.wait()


async def reads(http: httpx.AsyncClient, token: str, until: float, phase: Phase) -> None:
    while time.monotonic() < until:
        started = time.perf_counter()
        response = await http.get("/v1/users/me", headers={"Authorization": f"Bearer {token}"})
        phase.latencies.append(time.perf_counter() - started)
        phase.statuses[response.status_code] += 1


async def logins(http: httpx.AsyncClient, email: str, until: float, statuses: Counter[int]) -> None:
    form = {"grant_type": "password", "username": email, "password": PASSWORD}
    while time.monotonic() < until:
        statuses[(await http.post("/v1/auth/token", data=form)).status_code] += 1


async def watch_rss(server: Server, until: float) -> None:
    while time.monotonic() < until:
        server.peak_rss_kib = max(server.peak_rss_kib, rss_kib(server.pid))
        await asyncio.sleep(0.05)  # sampling


def summary(name: str, phase: Phase) -> str:
    ms = sorted(x * 1000 for x in phase.latencies)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return (
        f"| {name:<28} | {len(ms):>6} | {statistics.median(ms):>8.1f} | {p99:>8.1f} | {ms[-1]:>8.1f} "
        f"| {dict(phase.statuses)} |"
    )


async def run(kind: str, seconds: float, login_clients: int, readers: int) -> None:
    async with database(kind) as url:
        log_path = Path(tempfile.mkdtemp(prefix="login-storm-log-")) / "uvicorn.log"
        async with (
            serve(url, log_path) as server,
            httpx.AsyncClient(base_url=server.base_url, timeout=60, limits=httpx.Limits(max_connections=200)) as http,
        ):
            emails = [f"storm-{i}@example.com" for i in range(login_clients + 1)]
            for email in emails:
                assert (
                    await http.post("/v1/auth/register", json={"email": email, "password": PASSWORD})
                ).status_code == 201
            form = {"grant_type": "password", "username": emails[0], "password": PASSWORD}
            token = (await http.post("/v1/auth/token", data=form)).json()["access_token"]
            idle_rss = rss_kib(server.pid)

            alone = Phase()
            until = time.monotonic() + seconds
            await asyncio.gather(*(reads(http, token, until, alone) for _ in range(readers)))

            storm = Phase()
            login_statuses: Counter[int] = Counter()
            until = time.monotonic() + seconds
            await asyncio.gather(
                *(reads(http, token, until, storm) for _ in range(readers)),
                *(logins(http, email, until, login_statuses) for email in emails[1:]),
                watch_rss(server, until),
            )
            locked = read_log(server.log_path).count("database is locked")

    alone_p99 = sorted(alone.latencies)[int(len(alone.latencies) * 0.99)]
    storm_p99 = sorted(storm.latencies)[int(len(storm.latencies) * 0.99)]
    print(f"database: {kind}; {readers} readers; {login_clients} clients logging in back to back; {seconds:g} s each")
    print(f"| {'phase':<28} | {'reads':>6} | {'p50 ms':>8} | {'p99 ms':>8} | {'max ms':>8} | statuses |")
    print(f"|{'-' * 30}|{'-' * 8}|{'-' * 10}|{'-' * 10}|{'-' * 10}|----------|")
    print(summary("GET /v1/users/me alone", alone))
    print(summary(f"... during {login_clients} logins", storm))
    print(f"p99 ratio (storm / alone): {storm_p99 / alone_p99:.2f}")
    print(f"logins: {dict(login_statuses)}")
    print(f"server RSS: idle {idle_rss / 1024:.0f} MiB, peak during the storm {server.peak_rss_kib / 1024:.0f} MiB")
    print(f'"database is locked" in the server log: {locked}')


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.login_storm", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--logins", type=int, default=8)
    parser.add_argument("--readers", type=int, default=4)
    args = parser.parse_args(argv)
    asyncio.run(run(args.database, args.seconds, args.logins, args.readers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
