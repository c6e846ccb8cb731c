"""Fixtures of the fault suite: dependencies a test may stop, freeze and bring back.

- ``private_postgres``: a PostgreSQL cluster of the test module's own (never the shared server), on a free TCP port;
- ``private_redis``: a redis-server of the test's own on a free port;
- ``migrated_database``: a fresh migrated database on the shared PostgreSQL, for apps whose database stays up;
- ``silent_port``: a TCP port that accepts connections and never answers (a frozen dependency, without a process).

Tests that stop or freeze a dependency bring it back in a ``finally``, so the next test finds it running.
"""

from __future__ import annotations

import socket
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from impl.db.engine import create_engine
from scripts.fault_test.private_postgres import PrivatePostgres
from scripts.fault_test.private_redis import PrivateRedis
from tests.dbutil import fresh_database, upgrade_to_head


@pytest.fixture(scope="module")
def private_postgres() -> Iterator[PrivatePostgres]:
    with (
        tempfile.TemporaryDirectory(prefix="fault-pg-") as directory,
        PrivatePostgres.started(Path(directory) / "cluster") as server,
    ):
        yield server


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    with PrivateRedis.started(tmp_path / "redis") as server:
        yield server


async def migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
async def migrated_database(postgres_url: str) -> AsyncIterator[str]:
    async with fresh_database(postgres_url, "faults") as url:
        await migrate(url)
        yield url


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A listening socket nobody accepts on: the kernel completes the handshake, then nothing is ever said."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        port: int = listener.getsockname()[1]
        yield port


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on (bound, then released): connections are refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
