"""The three servers a benchmark compares: ours and the two reference apps of ../shared/bench.

Each runs as one uvicorn process (uvloop + httptools, no access log), on its own free port, against PostgreSQL.
The reference apps share one database (the seed-style app creates the schema, the raw ceiling reads it); ours has
its own, migrated by Alembic, with the same data (one user, the same number of items).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import httpx

from scripts.live_server import PROJECT_ROOT

REFERENCE_DIR = Path(os.environ.get("BENCH_REFERENCE_DIR", PROJECT_ROOT.parent / "shared" / "bench"))
EMAIL = "bench@example.com"
PASSWORD = "correct horse battery staple"
ITEM = {"name": "Brass lamp", "description": "A brass desk lamp.", "price": "19.99", "tags": ["lighting", "brass"]}
UVICORN_FLAGS = ["--host", "127.0.0.1", "--loop", "uvloop", "--http", "httptools", "--no-access-log"]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _open_log(log: Path) -> BinaryIO:
    return log.open("ab")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:]


@dataclass
class Target:
    """One server under test: how to start it, where its routes are, and (once seeded) a token and an item."""

    name: str
    label: str
    prefix: str  # "" for the reference apps, "/v1" for ours
    app_argv: list[str]  # what follows `python -m uvicorn`
    env: Mapping[str, str]
    ready_path: str
    token_path: str | None  # None: the app has no login (the raw ceiling)
    token_form: Mapping[str, str] = field(default_factory=dict)
    port: int = 0
    process: asyncio.subprocess.Process | None = None
    token: str = ""
    item_id: str = ""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def argv(self, port: int) -> list[str]:
        return [sys.executable, "-m", "uvicorn", *self.app_argv, *UVICORN_FLAGS, "--port", str(port)]

    async def start(self, log: Path) -> float:
        """Start the server and return its cold start: process start until the ready path answers."""
        self.port = free_port()
        env = {**os.environ, **self.env, "PYTHONPATH": str(PROJECT_ROOT)}
        sink = _open_log(log)
        try:
            started = time.perf_counter()
            self.process = await asyncio.create_subprocess_exec(
                *self.argv(self.port), cwd=str(PROJECT_ROOT), env=env, stdout=sink, stderr=sink
            )
        finally:
            sink.close()
        return await self._wait_ready(started, log)

    async def _wait_ready(self, started: float, log: Path) -> float:
        deadline = started + 60
        async with httpx.AsyncClient(base_url=self.base_url, timeout=2.0) as http:
            while time.perf_counter() < deadline:
                assert self.process is not None
                if self.process.returncode is not None:
                    raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{_tail(log)}")
                try:
                    response = await http.get(self.ready_path)
                except httpx.TransportError:
                    await asyncio.sleep(0.005)  # polling the port at a fixed period until it answers
                    continue
                if response.status_code < 500:
                    return time.perf_counter() - started
        raise RuntimeError(f"{self.name} did not answer in 60 s:\n{_tail(log)}")

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), timeout=15)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def ours(database_url: str, **env: str) -> Target:
    return Target(
        name="ours",
        label="ours",
        prefix="/v1",
        app_argv=["--factory", "impl.app:create_app"],
        env={
            "ENVIRONMENT": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
            # The quotas stay on (their headers and checks are part of every answer), high enough never to refuse.
            "RATE_LIMIT": "2000000000/minute",
            "AUTH_RATE_LIMIT": "2000000000/minute",
            **env,
        },
        ready_path="/health/live",
        token_path="/v1/auth/token",
        token_form={"grant_type": "password"},
    )


def seed_style(database_url: str) -> Target:
    return Target(
        name="seed",
        label="seed-style FastAPI",
        prefix="",
        app_argv=["app:app", "--app-dir", str(REFERENCE_DIR / "seed_style")],
        env={"DATABASE_URL": database_url},
        ready_path="/items",
        token_path="/auth/token",
    )


def raw_ceiling(database_url: str) -> Target:
    return Target(
        name="raw",
        label="raw ceiling",
        prefix="",
        app_argv=["app:app", "--app-dir", str(REFERENCE_DIR / "raw_ceiling")],
        env={"DATABASE_URL": database_url},
        ready_path="/items",
        token_path=None,
    )


async def login(target: Target, http: httpx.AsyncClient) -> httpx.Response:
    assert target.token_path is not None
    form = {**target.token_form, "username": EMAIL, "password": PASSWORD}
    return await http.post(target.token_path, data=form)


async def seed(target: Target, items: int) -> list[str]:
    """Register the bench user, log in and create `items` items through the API; returns their ids."""
    async with httpx.AsyncClient(base_url=target.base_url, timeout=30.0) as http:
        registered = await http.post(
            f"{target.prefix}/auth/register", json={"email": EMAIL, "password": PASSWORD, "full_name": "Bench"}
        )
        if registered.status_code != 201:
            raise RuntimeError(f"{target.name}: register answered {registered.status_code}: {registered.text}")
        token = await login(target, http)
        if token.status_code != 200:
            raise RuntimeError(f"{target.name}: token answered {token.status_code}: {token.text}")
        target.token = token.json()["access_token"]
        ids = []
        for _ in range(items):
            created = await http.post(f"{target.prefix}/items", json=ITEM, headers=target.auth())
            if created.status_code != 201:
                raise RuntimeError(f"{target.name}: create answered {created.status_code}: {created.text}")
            ids.append(created.json()["id"])
    target.item_id = ids[0]
    return ids
