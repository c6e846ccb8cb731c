"""scripts/prestart.py without a PostgreSQL server: giving up on a dead database, refusing bad settings,
and a whole run of ``main()`` on a SQLite file."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import asyncpg
import pytest

from impl.settings import Settings
from scripts.prestart import (
    CREATE_DATABASE_ENV,
    EXIT_CONFIG,
    EXIT_FAILURE,
    EXIT_OK,
    WAIT_SECONDS_ENV,
    DatabaseMissingError,
    DatabaseRefusedError,
    DatabaseUnavailableError,
    main,
    refusal,
    wait_for_database,
)

# Nothing listens on port 1; the connection is refused at once.
UNREACHABLE_PASSWORD = "hunter2-do-not-print"
UNREACHABLE_URL = f"postgresql+asyncpg://postgres:{UNREACHABLE_PASSWORD}@127.0.0.1:1/x"
# Low but real Argon2 cost, as in test_passwords.py.
FAST_ARGON2 = {"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST_KIB": "1024", "ARGON2_PARALLELISM": "1"}


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # main() reads the environment and ./.env: the developer's shell and checkout must not leak in.
    for name in [*Settings.model_fields, WAIT_SECONDS_ENV, CREATE_DATABASE_ENV]:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)


async def test_wait_for_database_gives_up_after_the_deadline(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="scripts.prestart")

    with pytest.raises(DatabaseUnavailableError) as raised:
        await wait_for_database(UNREACHABLE_URL, deadline_s=1.0)

    error = raised.value
    assert "was not reachable within 1 s" in str(error)
    assert "127.0.0.1:1/x" in str(error)
    assert "ConnectionRefusedError" in str(error)
    assert error.attempts >= 1
    assert error.last_error is not None
    # Every failed attempt was logged, and nothing shows the password.
    failures = [r for r in caplog.records if r.name == "scripts.prestart" and r.levelno == logging.WARNING]
    assert len(failures) == error.attempts
    assert all("not ready" in r.getMessage() for r in failures)
    assert UNREACHABLE_PASSWORD not in str(error)
    assert UNREACHABLE_PASSWORD not in caplog.text


async def test_wait_for_database_answers_at_once_when_up(sqlite_url: str) -> None:
    assert await wait_for_database(sqlite_url, deadline_s=5.0) == 1


@pytest.mark.parametrize("deadline", [0.0, -1.0])
async def test_wait_for_database_needs_a_positive_deadline(deadline: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        await wait_for_database(UNREACHABLE_URL, deadline_s=deadline)


def test_main_refuses_the_default_secret_in_production(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")

    assert main([]) == EXIT_CONFIG

    err = capsys.readouterr().err
    assert "refusing to start" in err
    assert "SECRET_KEY is the public default" in err
    assert "Traceback" not in err


def test_main_never_prints_the_rejected_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "short-but-still-a-secret"
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", secret)

    assert main([]) == EXIT_CONFIG

    err = capsys.readouterr().err
    assert "at least 32 are required" in err
    assert secret not in err


def test_main_reports_an_unreachable_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE_URL)
    monkeypatch.setenv(WAIT_SECONDS_ENV, "0.5")

    assert main([]) == EXIT_FAILURE

    err = capsys.readouterr().err
    assert "giving up" in err
    assert "was not reachable within 0.5 s" in err
    assert UNREACHABLE_PASSWORD not in err


@pytest.mark.parametrize("value", ["0", "-3", "soon", "inf"])
def test_main_rejects_a_bad_wait(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["--wait-seconds", value])
    assert raised.value.code == 2
    assert "--wait-seconds" in capsys.readouterr().err


def test_main_refuses_a_superuser_password_the_api_would_reject(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "app.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    monkeypatch.setenv("FIRST_SUPERUSER_EMAIL", "admin@example.com")
    monkeypatch.setenv("FIRST_SUPERUSER_PASSWORD", "x7-tiny")

    assert main([]) == EXIT_CONFIG

    err = capsys.readouterr().err
    assert "FIRST_SUPERUSER_PASSWORD must be 8 to 128 characters" in err
    assert "x7-tiny" not in err


def test_main_prepares_a_sqlite_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    database = tmp_path / "app.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    monkeypatch.setenv("FIRST_SUPERUSER_EMAIL", "Root@Example.com")
    monkeypatch.setenv("FIRST_SUPERUSER_PASSWORD", "correct horse battery staple")
    for name, value in FAST_ARGON2.items():
        monkeypatch.setenv(name, value)

    assert main(["--wait-seconds", "5"]) == EXIT_OK
    assert main([]) == EXIT_OK  # and again: nothing to do

    with sqlite3.connect(database) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        users = connection.execute("SELECT email, email_normalized, is_superuser, is_active FROM users").fetchall()
    assert {"alembic_version", "users", "items", "articles", "refresh_tokens"} <= tables
    assert users == [("Root@Example.com", "root@example.com", 1, 1)]


# --- answers that waiting cannot change ---------------------------------------------------------------------


def test_a_missing_database_is_refused_with_the_command_that_creates_it() -> None:
    error = asyncpg.exceptions.InvalidCatalogNameError('database "app" does not exist')

    refused = refusal(error, "postgresql+asyncpg://alice:s3cret@db.example:6543/app")

    assert isinstance(refused, DatabaseMissingError)
    message = str(refused)
    assert 'database "app" does not exist' in message
    assert "createdb --host db.example --port 6543 --username alice app" in message
    assert f"{CREATE_DATABASE_ENV}=1" in message
    assert "--create-database" in message
    assert "s3cret" not in message


def test_the_command_for_a_unix_socket_names_the_socket_directory() -> None:
    error = asyncpg.exceptions.InvalidCatalogNameError('database "app" does not exist')

    refused = refusal(error, "postgresql+asyncpg://postgres@/app?host=/run/postgresql")

    assert "createdb --host /run/postgresql --username postgres app" in str(refused)


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.InvalidPasswordError('password authentication failed for user "alice"'),
        asyncpg.exceptions.InvalidAuthorizationSpecificationError('role "alice" does not exist'),
        asyncpg.exceptions.InsufficientPrivilegeError('permission denied for database "app"'),
    ],
)
def test_refused_credentials_are_permanent(error: Exception) -> None:
    refused = refusal(error, "postgresql+asyncpg://alice:s3cret@127.0.0.1:5432/app")

    assert isinstance(refused, DatabaseRefusedError)
    assert not isinstance(refused, DatabaseMissingError)
    assert str(error) in str(refused)
    assert "user name and password in DATABASE_URL" in str(refused)
    assert "s3cret" not in str(refused)


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError(),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"),
    ],
)
def test_a_server_that_is_not_up_yet_is_waited_for(error: Exception) -> None:
    assert refusal(error, "postgresql+asyncpg://postgres@127.0.0.1:5432/app") is None


async def test_a_sqlite_file_in_a_missing_directory_is_refused_at_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="scripts.prestart")

    with pytest.raises(DatabaseRefusedError, match="directory of the SQLite file must exist"):
        await wait_for_database(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'app.db'}", deadline_s=60.0)

    # Not one retry.
    assert not [r for r in caplog.records if "not ready" in r.getMessage()]


def test_main_stops_at_once_with_status_2_on_a_refusal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'app.db'}")

    assert main([]) == EXIT_CONFIG

    err = capsys.readouterr().err
    assert "retrying will not change that" in err
    assert "Traceback" not in err


def test_creating_a_sqlite_database_is_not_something_to_ask_for(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # SQLite makes its file by itself; the option only ever creates PostgreSQL databases, and a missing
    # directory stays the operator's to create.
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'app.db'}")
    monkeypatch.setenv(CREATE_DATABASE_ENV, "1")

    assert main([]) == EXIT_CONFIG
    assert "directory of the SQLite file must exist" in capsys.readouterr().err
