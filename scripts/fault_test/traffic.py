"""Steady client traffic against a live server, every answer recorded with its timing (for fault scenarios).

Each worker loops: create an item (a write; its id is kept once the server acknowledged it with 201), read it back,
read the caller's account. A prober asks `/health/ready` on its own schedule. Nothing here judges the answers:
scenarios slice `answers` by time and count what they need.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

__all__ = ["Answer", "Traffic", "register_and_login"]

REQUEST_TIMEOUT_SECONDS = 30.0  # far above any bound the server promises: a hang shows as a long latency


@dataclass(frozen=True)
class Answer:
    kind: str  # "write", "read", "ready"
    started: float  # time.monotonic()
    finished: float
    status: int | None  # None: no HTTP answer (connection error or client timeout)
    retry_after: str | None = None
    content_type: str | None = None
    body: dict[str, Any] | None = None

    @property
    def latency(self) -> float:
        return self.finished - self.started


@dataclass
class Traffic:
    base_url: str
    token: str
    workers: int = 6
    pause_seconds: float = 0.02  # between one worker's requests: steady load, not a benchmark
    ready_every_seconds: float = 0.2
    answers: list[Answer] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)  # ids of items the server answered 201 for
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def __aenter__(self) -> Traffic:
        limits = httpx.Limits(max_connections=self.workers + 2)
        self._client = httpx.AsyncClient(base_url=self.base_url, timeout=REQUEST_TIMEOUT_SECONDS, limits=limits)
        self._tasks = [asyncio.create_task(self._worker(n)) for n in range(self.workers)]
        self._tasks.append(asyncio.create_task(self._prober()))
        return self

    async def __aexit__(self, *_: object) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)
        await self._client.aclose()

    async def _call(self, kind: str, method: str, url: str, **options: Any) -> Answer:
        started = time.monotonic()
        try:
            response = await self._client.request(method, url, **options)
        except httpx.HTTPError:
            answer = Answer(kind, started, time.monotonic(), None)
        else:
            body = response.json() if response.headers.get("content-type", "").endswith("json") else None
            answer = Answer(
                kind,
                started,
                time.monotonic(),
                response.status_code,
                response.headers.get("retry-after"),
                response.headers.get("content-type"),
                body if isinstance(body, dict) else None,
            )
        self.answers.append(answer)
        return answer

    async def _pause(self, seconds: float) -> None:
        # Waits on the stop event, so stopping never waits out a pause.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)

    async def _worker(self, number: int) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        serial = 0
        while not self._stop.is_set():
            serial += 1
            created = await self._call(
                "write",
                "POST",
                "/v1/items",
                json={"name": f"fault-{number}-{serial}", "price": "1.00"},
                headers=headers,
            )
            if created.status == 201 and created.body is not None:
                self.acknowledged.append(str(created.body["id"]))
                await self._call("read", "GET", f"/v1/items/{created.body['id']}", headers=headers)
            await self._call("read", "GET", "/v1/users/me", headers=headers)
            await self._pause(self.pause_seconds)

    async def _prober(self) -> None:
        while not self._stop.is_set():
            await self._call("ready", "GET", "/health/ready")
            await self._pause(self.ready_every_seconds)

    def between(self, start: float, end: float, kinds: Iterable[str] = ("write", "read")) -> list[Answer]:
        """Answers to requests sent in [start, end)."""
        wanted = set(kinds)
        return [a for a in self.answers if a.kind in wanted and start <= a.started < end]


# Not a secret: the password of throw-away accounts on throw-away servers.
FAULT_TEST_PASSWORD = "correct horse battery staple"


async def register_and_login(base_url: str, email: str, password: str = FAULT_TEST_PASSWORD) -> str:
    """A new account's access token."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as http:
        registered = await http.post("/v1/auth/register", json={"email": email, "password": password})
        registered.raise_for_status()
        token = await http.post(
            "/v1/auth/token", data={"grant_type": "password", "username": email, "password": password}
        )
        token.raise_for_status()
        access_token: str = token.json()["access_token"]
        return access_token
