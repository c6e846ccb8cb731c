"""A login storm: N clients logging in back to back while the reads are measured."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from scripts.bench.targets import Target, login


async def _login_loop(target: Target, stop: asyncio.Event, statuses: Counter[int]) -> None:
    async with httpx.AsyncClient(base_url=target.base_url, timeout=60.0) as http:
        while not stop.is_set():
            try:
                response = await login(target, http)
                statuses[response.status_code] += 1
            except httpx.TransportError:
                statuses[0] += 1  # a connection error or a timeout: as bad as a 5xx


class LoginStorm:
    """`async with LoginStorm(target, 8) as storm:` keeps 8 logins in flight until the block ends."""

    def __init__(self, target: Target, concurrency: int) -> None:
        self._target = target
        self._concurrency = concurrency
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.statuses: Counter[int] = Counter()

    async def __aenter__(self) -> LoginStorm:
        self._tasks = [
            asyncio.create_task(_login_loop(self._target, self._stop, self.statuses)) for _ in range(self._concurrency)
        ]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)
