"""Database fixtures shared by all tests.

- ``postgres_url``: an asyncpg URL of a PostgreSQL server, for the whole session. TEST_DATABASE_URL
  if set (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test), else an embedded server started
  with pgserver in a directory of this run's own (``scripts.live_server.embedded_postgres``). Tests
  should not write to it directly but create their own database on it with
  ``tests.dbutil.fresh_database(postgres_url, "prefix")``.
- ``sqlite_url``: an aiosqlite URL of a new SQLite file in the test's tmp_path.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.live_server import embedded_postgres


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        yield configured
        return

    # Listens on a Unix socket only; as root it runs postgres as the "pgserver" system user. It lives outside
    # pytest's base temporary directory, which other pytest runs prune (see embedded_postgres).
    with embedded_postgres() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
