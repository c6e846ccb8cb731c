"""Run by tests/db/test_embedded_postgres.py in pytest processes of their own (not collected by the suite).

One test: a database on the suite's PostgreSQL (``postgres_url``), used before and after other test runs started,
so that it fails when another run removed or stopped this run's server in between. With PROBE_HOLD_DIR set, it
writes ``ready`` there once its database exists, then waits for ``release`` before using the database again.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tests.dbutil import fresh_database

HOLD_DEADLINE_SECONDS = 300.0


async def _wait_for_release(hold_directory: Path) -> None:
    deadline = time.monotonic() + HOLD_DEADLINE_SECONDS
    while not (hold_directory / "release").exists():
        assert time.monotonic() < deadline, "never released"
        await asyncio.sleep(0.1)  # polling a file with a deadline: the releasing process is another program


async def test_the_database_outlives_other_runs(postgres_url: str, tmp_path: Path) -> None:
    hold = os.environ.get("PROBE_HOLD_DIR")
    (tmp_path / "in-use").touch()  # the run's base temporary directory exists, as in any real run
    async with fresh_database(postgres_url, "probe") as url:
        engine = create_async_engine(url, poolclass=NullPool)
        try:
            async with engine.begin() as connection:
                await connection.execute(text("CREATE TABLE mark (n integer)"))
                await connection.execute(text("INSERT INTO mark VALUES (1)"))
            if hold:
                (Path(hold) / "ready").write_text(postgres_url, encoding="utf-8")
                await _wait_for_release(Path(hold))
            async with engine.connect() as connection:
                assert (await connection.execute(text("SELECT n FROM mark"))).scalar_one() == 1
        finally:
            await engine.dispose()
