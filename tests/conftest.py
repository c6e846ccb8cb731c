"""Database fixtures shared by all tests.

- ``postgres_url``: an asyncpg URL of a PostgreSQL server, for the whole session. TEST_DATABASE_URL
  if set (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test), else an embedded server started
  with pgserver. Tests should not write to it directly but create their own database on it with
  ``tests.dbutil.fresh_database(postgres_url, "prefix")``.
- ``sqlite_url``: an aiosqlite URL of a new SQLite file in the test's tmp_path.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        yield configured
        return

    # Imported only when needed. (pgserver/__init__ re-exports get_server without __all__, so
    # strict mypy wants the defining module.) Importing it resolves a runtime directory and warns
    # when XDG_RUNTIME_DIR is unset (containers, CI); the fallback under /tmp is fine.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        from pgserver.postgres_server import get_server

    # Listens on a Unix socket only; as root it runs postgres as the "pgserver" system user.
    server = get_server(tmp_path_factory.mktemp("pgdata"), cleanup_mode="stop")
    try:
        # get_uri() is "postgresql://postgres:@/postgres?host=<socket dir>" (libpq style).
        url = make_url(server.get_uri()).set(drivername="postgresql+asyncpg", password=None)
        yield url.render_as_string(hide_password=False)
    finally:
        server.cleanup()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
