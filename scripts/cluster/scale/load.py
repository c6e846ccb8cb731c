"""Clients of the scale test: many source addresses, every request recorded.

Rate limits count per client address, and the cluster's HAProxy passes the address it saw on to the instances.
Linux routes all of 127.0.0.0/8 to the loopback interface, so each simulated client binds its own address
(127.1.x.y) and gets its own quota, as separate machines would.
"""

from __future__ import annotations

import asyncio
import ipaddress
import random
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Final

import aiohttp

__all__ = [
    "PASSWORD",
    "AddressPool",
    "Client",
    "Recorder",
    "RequestRecord",
    "Response",
    "User",
]

#: Every simulated user's password (throw-away accounts on a throw-away cluster).
PASSWORD: Final = "scale test password 1"
_REQUEST_TIMEOUT_SECONDS: Final = 30.0
# What a client retries (no answer at all, or a proxy/instance that could not answer) and how often: the SDKs' rule.
_RETRIED_STATUSES: Final = frozenset({0, 502, 503, 504})
_ATTEMPTS: Final = 6


@dataclass(frozen=True)
class RequestRecord:
    case: str
    started: float  # seconds since the scale test began
    seconds: float
    route: str  # "POST /v1/items": the operation, not the concrete path
    status: int  # 0: no HTTP answer at all (the error says why)
    served_by: str  # HAProxy's X-Served-By: which instance answered ("" when unknown)
    error: str = ""

    @property
    def finished(self) -> float:
        return self.started + self.seconds

    @property
    def is_server_error(self) -> bool:
        return self.status >= 500 or self.status == 0


@dataclass
class Recorder:
    """Every request of the run, in the order they finished, and the events that mark the timeline."""

    origin: float = field(default_factory=time.monotonic)
    records: list[RequestRecord] = field(default_factory=list)
    events: list[tuple[float, str]] = field(default_factory=list)

    def now(self) -> float:
        return time.monotonic() - self.origin

    def event(self, label: str) -> float:
        at = self.now()
        self.events.append((at, label))
        return at

    def of_case(self, case: str) -> list[RequestRecord]:
        return [record for record in self.records if record.case == case]


class AddressPool:
    """Source addresses 127.1.0.1, 127.1.0.2, ...: each one is a new client with its own quota."""

    FIRST = ipaddress.IPv4Address("127.1.0.1")

    def __init__(self, skip: int = 0) -> None:
        self.taken = skip

    def take(self) -> str:
        address = self.FIRST + self.taken
        if address not in ipaddress.IPv4Network("127.0.0.0/8"):
            raise RuntimeError("out of loopback addresses: restart the cluster (make cluster-down)")
        self.taken += 1
        return str(address)

    def take_many(self, count: int) -> list[str]:
        return [self.take() for _ in range(count)]


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: Any  # parsed JSON, or the text when it is not JSON; None without an answer

    def header(self, name: str) -> str:
        # Header names are case-insensitive; the recorded ones are lower-cased.
        return self.headers.get(name.lower(), "")


class Client:
    """One client machine: a source address, a keep-alive connection pool, and the recorder."""

    def __init__(self, base_url: str, address: str, recorder: Recorder, case: str, *, connections: int = 4) -> None:
        self.base_url = base_url
        self.address = address
        self.case = case
        self._recorder = recorder
        self._session = aiohttp.ClientSession(
            base_url=base_url,
            connector=aiohttp.TCPConnector(local_addr=(address, 0), limit=connections),
            timeout=aiohttp.ClientTimeout(total=_REQUEST_TIMEOUT_SECONDS),
        )

    async def close(self) -> None:
        await self._session.close()

    async def request(
        self,
        method: str,
        path: str,
        *,
        route: str | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        started = self._recorder.now()
        status, served_by, error = 0, "", ""
        answer = Response(0, {}, None)
        try:
            async with self._session.request(method, path, json=json, data=data, headers=headers) as response:
                text = await response.text()
                status = response.status
                served_by = response.headers.get("X-Served-By", "")
                body: Any = text
                if response.content_type.endswith("json") and text:
                    body = await response.json(content_type=None)
                answer = Response(status, {k.lower(): v for k, v in response.headers.items()}, body)
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        finally:
            self._recorder.records.append(
                RequestRecord(
                    self.case,
                    started,
                    self._recorder.now() - started,
                    route or f"{method} {path}",
                    status,
                    served_by,
                    error,
                )
            )
        return answer


@dataclass
class User:
    client: Client
    email: str
    id: str
    access_token: str
    refresh_token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


async def register_and_login(client: Client) -> User:
    """A new account through the API, logged in; raises when the cluster refuses (setup must not fail quietly)."""
    email = f"scale-{uuid.uuid4().hex[:16]}@example.com"
    registered = await client.request(
        "POST", "/v1/auth/register", json={"email": email, "password": PASSWORD}, route="POST /v1/auth/register"
    )
    if registered.status != 201:
        raise RuntimeError(f"registering {email}: {registered.status} {registered.body}")
    tokens = await login(client, email)
    return User(client, email, registered.body["id"], tokens["access_token"], tokens["refresh_token"])


async def login(client: Client, email: str) -> dict[str, Any]:
    answer = await client.request(
        "POST",
        "/v1/auth/token",
        data={"grant_type": "password", "username": email, "password": PASSWORD},
        route="POST /v1/auth/token (password)",
    )
    if answer.status != 200:
        raise RuntimeError(f"logging in {email}: {answer.status} {answer.body}")
    body: dict[str, Any] = answer.body
    return body


@asynccontextmanager
async def clients(
    base_url: str, addresses: list[str], recorder: Recorder, case: str, *, connections: int = 4
) -> AsyncIterator[list[Client]]:
    opened = [Client(base_url, address, recorder, case, connections=connections) for address in addresses]
    try:
        yield opened
    finally:
        await asyncio.gather(*(client.close() for client in opened))


@asynccontextmanager
async def users(base_url: str, addresses: list[str], recorder: Recorder, case: str) -> AsyncIterator[list[User]]:
    """One registered, logged-in user per address (registered a few at a time: each hashes a password)."""
    async with clients(base_url, addresses, recorder, case) as opened:
        gate = asyncio.Semaphore(8)

        async def one(client: Client) -> User:
            async with gate:
                return await register_and_login(client)

        yield list(await asyncio.gather(*(one(client) for client in opened)))


def new_item(index: int) -> dict[str, Any]:
    return {"name": f"scale item {index}", "price": "9.99", "tags": ["scale"]}


def chunks(total: int, parts: int) -> Iterator[int]:
    """``total`` split into ``parts`` counts that differ by at most one."""
    base, extra = divmod(total, parts)
    for index in range(parts):
        yield base + (1 if index < extra else 0)


@dataclass
class MixedLoad:
    """Each user in a loop: create an item, then read: one of its items, its list, one item again, its list.

    The users behave like our SDKs: every create carries an `Idempotency-Key`, and a request that got no answer or
    a 502/503/504 is sent again (a create with the same key, so the server replays it or runs it once; a create
    that meets its own first try still in flight, 409, too), a bounded number of times. `failed` counts what a
    user finally saw fail after its retries; the recorder keeps every attempt, so the cases can tell how many
    failed on the wire and were retried.
    """

    users: list[User]
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    acknowledged: dict[str, list[str]] = field(default_factory=dict)  # user id -> ids of items answered 201
    failed: list[Response] = field(default_factory=list)  # final answers that were still errors after the retries
    retried: int = 0  # attempts that failed and were sent again

    async def run(self) -> None:
        await asyncio.gather(*(self._one(user, index) for index, user in enumerate(self.users)))

    async def _one(self, user: User, seed: int) -> None:
        chooser = random.Random(seed)  # noqa: S311 (which item to read next: no secret)
        mine = self.acknowledged.setdefault(user.id, [])
        step = 0
        while not self.stop.is_set():
            kind = step % 5
            step += 1
            if kind == 0 or not mine:
                keyed = {**user.auth, "Idempotency-Key": str(uuid.uuid4())}
                created = await self._retrying(user, "POST", "/v1/items", new_item(step), keyed, "POST /v1/items")
                if created.status == 201:
                    mine.append(created.body["id"])
            elif kind in (1, 3):
                path = f"/v1/items/{chooser.choice(mine)}"
                await self._retrying(user, "GET", path, None, user.auth, "GET /v1/items/{id}")
            else:
                await self._retrying(user, "GET", "/v1/items?limit=10", None, user.auth, "GET /v1/items")

    async def _retrying(
        self, user: User, method: str, path: str, body: Any, headers: Mapping[str, str], route: str
    ) -> Response:
        retried = _RETRIED_STATUSES | ({409} if method == "POST" else set())  # 409: the key's first try runs
        answer = Response(0, {}, None)
        for attempt in range(_ATTEMPTS):
            answer = await user.client.request(method, path, json=body, headers=headers, route=route)
            if answer.status not in retried or attempt == _ATTEMPTS - 1:
                break
            self.retried += 1
            await asyncio.sleep(min(0.05 * 2**attempt, 1.0))  # backoff before the retry, as the SDKs do
        if answer.status in retried or answer.status >= 500:
            self.failed.append(answer)
        return answer
