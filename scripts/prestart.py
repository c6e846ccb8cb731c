"""Pre-start: wait for the database, migrate it to head, create the first superuser.

Run once before the server starts (scripts/entrypoint.sh does; so does ``make run``)::

    python -m scripts.prestart [--wait-seconds 60] [--create-database]

Every step is idempotent and safe when several containers run it at once: on PostgreSQL the
migrations run under an advisory lock, and the superuser bootstrap treats a unique violation
as "someone else created it".

A database that is not up yet is waited for; one that answers "no" is not: a missing database,
a wrong password or an unknown user stop the pre-start at once, saying what to do. With
``--create-database`` (or PRESTART_CREATE_DATABASE=1) a missing PostgreSQL database is created.

Exit status: 0 done; 1 the database did not answer in time, or a step failed; 2 the
configuration is invalid (e.g. ``ENVIRONMENT=production`` with the default SECRET_KEY, or a
database that does not exist or refuses the credentials).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from impl.db.engine import create_engine, create_session_factory
from impl.db.repositories.errors import EmailTakenError
from impl.db.repositories.users import UserRepository
from impl.db.tables import UserRow
from impl.db.types import new_id, utcnow
from impl.security.passwords import PasswordHasher
from impl.settings import Settings

__all__ = [
    "DEFAULT_WAIT_SECONDS",
    "EXIT_CONFIG",
    "EXIT_FAILURE",
    "EXIT_OK",
    "MIGRATION_LOCK_KEY",
    "DatabaseMissingError",
    "DatabaseRefusedError",
    "DatabaseUnavailableError",
    "PrestartConfigError",
    "SuperuserOutcome",
    "alembic_config",
    "create_database",
    "describe_validation_error",
    "ensure_first_superuser",
    "main",
    "migrate",
    "prestart",
    "refusal",
    "wait_for_database",
]

logger = logging.getLogger("scripts.prestart")

PROJECT_ROOT: Final = Path(__file__).resolve().parent.parent
ALEMBIC_INI: Final = PROJECT_ROOT / "alembic.ini"

#: How long to wait for the database when neither --wait-seconds nor PRESTART_WAIT_SECONDS is given.
DEFAULT_WAIT_SECONDS: Final = 60.0
WAIT_SECONDS_ENV: Final = "PRESTART_WAIT_SECONDS"
#: Set to 1 to create a missing PostgreSQL database (the --create-database option).
CREATE_DATABASE_ENV: Final = "PRESTART_CREATE_DATABASE"

# Retry backoff: 0.25 s, 0.5 s, 1 s, 2 s, then every 5 s; never past the deadline.
_FIRST_DELAY_S: Final = 0.25
_MAX_DELAY_S: Final = 5.0
# One connection attempt may hang (e.g. a firewall dropping packets); cap it below the deadline.
_MAX_ATTEMPT_S: Final = 10.0

# Held (per transaction) while migrating, so concurrent prestarts on PostgreSQL migrate one at a time.
# Any fixed signed 64-bit number, shared by every prestart; this one spells "contract" in ASCII.
MIGRATION_LOCK_KEY: Final = 0x636F_6E74_7261_6374

# The contract's Password and Email schemas (openapi.yaml): a superuser outside them could never log in.
_PASSWORD_MIN: Final = 8
_PASSWORD_MAX: Final = 128
_EMAIL_MAX: Final = 254

EXIT_OK: Final = 0
EXIT_FAILURE: Final = 1
EXIT_CONFIG: Final = 2


class DatabaseUnavailableError(Exception):
    """The database did not answer ``SELECT 1`` before the deadline."""

    def __init__(self, url: str, deadline_s: float, attempts: int, last_error: BaseException | None) -> None:
        reason = _describe_error(last_error) if last_error is not None else "no attempt was made"
        super().__init__(
            f"database {url} was not reachable within {deadline_s:g} s "
            f"({attempts} attempt{'s' if attempts != 1 else ''}); last error: {reason}"
        )
        self.url = url
        self.attempts = attempts
        self.last_error = last_error


class DatabaseRefusedError(Exception):
    """The database answered and said no (wrong password, unknown user, no such file): retrying will not help."""

    def __init__(self, url: str, reason: str, advice: str) -> None:
        super().__init__(f"database {url}: {reason} (retrying will not change that)\n{advice}")
        self.url = url
        self.reason = reason


class DatabaseMissingError(DatabaseRefusedError):
    """The PostgreSQL server is up but the database named in the URL does not exist."""


class PrestartConfigError(Exception):
    """The settings are valid for the app but cannot be acted on by prestart."""


class SuperuserOutcome(StrEnum):
    SKIPPED = "skipped"  # FIRST_SUPERUSER_EMAIL is not set
    CREATED = "created"
    PROMOTED = "promoted"  # existed, was made an active superuser (password untouched)
    UNCHANGED = "unchanged"  # existed as an active superuser already


# --- step 1: wait for the database ---------------------------------------------------------


async def wait_for_database(url: str, deadline_s: float) -> int:
    """Retry ``SELECT 1`` on ``url`` with a bounded backoff until it answers; return the attempts made.

    Raises DatabaseUnavailableError once ``deadline_s`` seconds have passed without an answer, and
    DatabaseRefusedError (DatabaseMissingError) at once when the answer is one that waiting cannot change.
    Every failed attempt is logged (the URL's password masked).
    """
    if deadline_s <= 0:
        raise ValueError("deadline_s must be positive")
    if (refused := _sqlite_refusal(url)) is not None:
        raise refused
    shown_url = _masked(url)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + deadline_s
    delay = _FIRST_DELAY_S
    attempts = 0
    last_error: BaseException | None = None
    engine = create_engine(url)
    try:
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise DatabaseUnavailableError(shown_url, deadline_s, attempts, last_error)
            attempts += 1
            try:
                async with asyncio.timeout(min(remaining, _MAX_ATTEMPT_S)), engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
            except Exception as exc:  # any other failure is worth a retry until the deadline
                refused = refusal(exc, url)
                if refused is not None:
                    raise refused from None
                last_error = exc
                # A half-open pooled connection must not be reused by the next attempt.
                await engine.dispose()
                remaining = deadline - loop.time()
                logger.warning(
                    "database %s not ready (attempt %d, %.1f s left): %s",
                    shown_url,
                    attempts,
                    max(remaining, 0.0),
                    _describe_error(exc),
                )
                if remaining <= 0:
                    raise DatabaseUnavailableError(shown_url, deadline_s, attempts, last_error) from None
                # Backoff between retries, bounded by the deadline (not synchronisation).
                await asyncio.sleep(min(delay, remaining))
                delay = min(delay * 2, _MAX_DELAY_S)
            else:
                logger.info("database %s is ready (attempt %d)", shown_url, attempts)
                return attempts
    finally:
        await engine.dispose()


# SQLSTATEs that mean "no, and asking again will not change it" (class 28: invalid authorization, which is how
# PostgreSQL answers a wrong password or an unknown user; 42501: no CONNECT privilege).
_MISSING_DATABASE: Final = "3D000"
_PERMANENT_SQLSTATE_CLASSES: Final = ("28",)
_PERMANENT_SQLSTATES: Final = ("42501",)


def refusal(error: BaseException, url: str) -> DatabaseRefusedError | None:
    """The DatabaseRefusedError that ``error`` amounts to, if it is one that retrying cannot cure; else None."""
    shown_url = _masked(url)
    sqlstate = _sqlstate(error)
    reason = _driver_message(error)
    if sqlstate == _MISSING_DATABASE:
        return DatabaseMissingError(shown_url, reason, _create_database_advice(url))
    if sqlstate is not None and (sqlstate[:2] in _PERMANENT_SQLSTATE_CLASSES or sqlstate in _PERMANENT_SQLSTATES):
        return DatabaseRefusedError(
            shown_url,
            reason,
            "Check the user name and password in DATABASE_URL, and that this user may connect to that database.",
        )
    return None


def _sqlite_refusal(url: str) -> DatabaseRefusedError | None:
    """SQLite creates its file, not the directory: a file that cannot be opened is a refusal, found beforehand.

    (Found by looking, not by connecting: aiosqlite leaves a thread behind after a failed connect.)
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    path = Path(parsed.database)
    writable = os.access(path, os.R_OK | os.W_OK) if path.exists() else os.access(path.parent, os.W_OK | os.X_OK)
    if path.parent.is_dir() and writable:
        return None
    return DatabaseRefusedError(
        _masked(url),
        f"cannot open or create the SQLite file {path}",
        "The directory of the SQLite file must exist and be writable by this user.",
    )


def _sqlstate(error: BaseException) -> str | None:
    for cause in _causes(error):
        sqlstate = getattr(cause, "sqlstate", None)
        if isinstance(sqlstate, str):
            return sqlstate
    return None


def _driver_message(error: BaseException) -> str:
    """The innermost message (the database's own words), without SQLAlchemy's wrapping."""
    *_, innermost = _causes(error)
    return str(innermost).strip().splitlines()[0] if str(innermost).strip() else type(innermost).__name__


def _causes(error: BaseException) -> list[BaseException]:
    # SQLAlchemy wraps the driver's error (.orig), which may wrap asyncpg's (__cause__).
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return chain


def _create_database_advice(url: str) -> str:
    parsed = make_url(url)
    options = []
    host = parsed.host or parsed.query.get("host")
    if isinstance(host, str) and host:
        options.append(f"--host {host}")
    if parsed.port:
        options.append(f"--port {parsed.port}")
    if parsed.username:
        options.append(f"--username {parsed.username}")
    command = " ".join(["createdb", *options, parsed.database or ""])
    return (
        f"Create it with:\n    {command}\n"
        f"or let the pre-start create it: set {CREATE_DATABASE_ENV}=1 (e.g. `{CREATE_DATABASE_ENV}=1 make run`), "
        "or pass --create-database."
    )


async def create_database(url: str) -> bool:
    """Create the PostgreSQL database ``url`` names, through the server's maintenance database; True if created.

    A database created meanwhile (by a concurrent pre-start) is fine: False.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        raise PrestartConfigError(f"only a PostgreSQL database can be created, not {_masked(url)}")
    name = parsed.database
    last_error: Exception = PrestartConfigError("no maintenance database was tried")
    for maintenance in ("postgres", "template1"):
        # CREATE DATABASE cannot run inside a transaction block.
        engine = create_async_engine(parsed.set(database=maintenance), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                quoted = connection.dialect.identifier_preparer.quote(name)
                try:
                    await connection.execute(text(f"CREATE DATABASE {quoted}"))
                except Exception as exc:
                    # duplicate_database, or (when two CREATE DATABASE race) a unique violation in pg_database:
                    # someone else was first.
                    if _sqlstate(exc) in ("42P04", "23505"):
                        return False
                    raise
            logger.info("created database %s", name)
            return True
        except Exception as exc:
            if _sqlstate(exc) != _MISSING_DATABASE:
                raise
            last_error = exc  # no such maintenance database here: try the next
        finally:
            await engine.dispose()
    raise PrestartConfigError(f"no maintenance database to create {name!r} from: {_describe_error(last_error)}")


# --- step 2: migrate ---------------------------------------------------------------------------


def alembic_config(url: str) -> Config:
    """The project's alembic.ini (found relative to this file, not the working directory) aimed at ``url``."""
    config = Config(str(ALEMBIC_INI))
    # ConfigParser interpolation: a literal % (URL-encoded password characters) must be doubled.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def migrate(url: str) -> str | None:
    """Upgrade the database at ``url`` to the head revision; return the revision it is at afterwards.

    alembic/env.py would open its own event loop (``asyncio.run``), which cannot nest in a running
    one; instead the upgrade runs on a connection handed over in ``config.attributes`` (the path env.py
    offers programmatic callers, which also leaves the caller's logging configuration alone), inside
    one transaction. On PostgreSQL that transaction first takes an advisory lock, so containers starting
    together migrate one after the other; the later ones find the database at head and do nothing.
    SQLite needs no lock: the engine begins every transaction with BEGIN IMMEDIATE.
    """
    config = alembic_config(url)

    def upgrade(connection: Connection) -> tuple[str | None, str | None]:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        before: str | None = config.attributes["revision_before"]  # set by alembic/env.py
        # Upgrading to "head" fails unless there is exactly one head, and succeeded: we are there.
        return before, ScriptDirectory.from_config(config).get_current_head()

    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            before, after = await connection.run_sync(upgrade)
    finally:
        await engine.dispose()
    if before == after:
        logger.info("database schema already at revision %s", after)
    else:
        logger.info("database schema migrated from revision %s to %s", before, after)
    return after


# --- step 3: first superuser ---------------------------------------------------------------------


async def ensure_first_superuser(settings: Settings) -> SuperuserOutcome:
    """Make sure FIRST_SUPERUSER_EMAIL is an active superuser; create it with FIRST_SUPERUSER_PASSWORD if missing.

    An existing account (email compared case-insensitively) keeps its password: changing the
    setting later does not reset it.
    """
    email = settings.first_superuser_email
    secret = settings.first_superuser_password
    if email is None or secret is None:  # Settings guarantees both or neither
        logger.info("FIRST_SUPERUSER_EMAIL is not set; no superuser bootstrap")
        return SuperuserOutcome.SKIPPED
    password = secret.get_secret_value()
    _check_superuser_credentials(email, password)

    engine = create_engine(settings.database_url)
    sessions = create_session_factory(engine)
    try:
        # Looked up first: an existing account is promoted without hashing a password or attempting an INSERT.
        async with sessions() as session, session.begin():
            row = await UserRepository(session).get_by_email(email)
            outcome = None if row is None else _promote(row)
        if outcome is None:
            # Hashed with no transaction open (on SQLite that would hold the database's write lock).
            hashed_password = await PasswordHasher.from_settings(settings).hash(password)
            async with sessions() as session, session.begin():
                outcome = await _create_or_promote(UserRepository(session), email, hashed_password)
    finally:
        await engine.dispose()
    logger.info("first superuser %s: %s", email, outcome.value)
    return outcome


async def _create_or_promote(users: UserRepository, email: str, hashed_password: str) -> SuperuserOutcome:
    now = utcnow()
    candidate = UserRow(
        id=new_id(),
        email=email,
        hashed_password=hashed_password,
        full_name=None,
        is_active=True,
        is_superuser=True,
        token_version=0,
        created_at=now,
        updated_at=now,
    )
    try:
        # In a savepoint: losing the race to a concurrent prestart only rolls that back.
        await users.add(candidate)
    except EmailTakenError:
        # Created meanwhile by another prestart; the unique constraint decided, now it is visible.
        row = await users.get_by_email(email)
        if row is None:
            raise
        return _promote(row)
    return SuperuserOutcome.CREATED


def _promote(row: UserRow) -> SuperuserOutcome:
    if row.is_superuser and row.is_active:
        return SuperuserOutcome.UNCHANGED
    row.is_superuser = True
    row.is_active = True
    row.updated_at = utcnow()
    return SuperuserOutcome.PROMOTED


def _check_superuser_credentials(email: str, password: str) -> None:
    if "@" not in email or len(email) > _EMAIL_MAX:
        raise PrestartConfigError(f"FIRST_SUPERUSER_EMAIL must be an email address of at most {_EMAIL_MAX} characters")
    if not _PASSWORD_MIN <= len(password) <= _PASSWORD_MAX or "\x00" in password:
        raise PrestartConfigError(
            f"FIRST_SUPERUSER_PASSWORD must be {_PASSWORD_MIN} to {_PASSWORD_MAX} characters without NUL "
            "(the API's password rules), or the superuser could never log in"
        )


# --- all together ------------------------------------------------------------------------------------


async def prestart(
    settings: Settings, *, wait_seconds: float = DEFAULT_WAIT_SECONDS, create_missing_database: bool = False
) -> SuperuserOutcome:
    """Wait for the database (creating it first if asked to and missing), migrate it to head, then bootstrap the
    first superuser."""
    try:
        await wait_for_database(settings.database_url, wait_seconds)
    except DatabaseMissingError:
        if not create_missing_database:
            raise
        await create_database(settings.database_url)
        await wait_for_database(settings.database_url, wait_seconds)
    await migrate(settings.database_url)
    return await ensure_first_superuser(settings)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s [%(name)s] %(message)s")
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"prestart: refusing to start, invalid settings:\n{describe_validation_error(exc)}", file=sys.stderr)
        return EXIT_CONFIG
    logger.setLevel(settings.log_level)
    try:
        asyncio.run(prestart(settings, wait_seconds=args.wait_seconds, create_missing_database=args.create_database))
    except DatabaseUnavailableError as exc:
        print(f"prestart: giving up: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except DatabaseRefusedError as exc:
        print(f"prestart: not retrying: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except PrestartConfigError as exc:
        print(f"prestart: refusing to start: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except Exception:
        # Unexpected (a failing migration, say): the traceback is what the operator needs.
        logger.exception("prestart failed")
        return EXIT_FAILURE
    return EXIT_OK


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.prestart",
        description="Wait for the database, migrate it to head and create the first superuser.",
    )
    parser.add_argument(
        "--wait-seconds",
        type=_positive_float,
        # A string default goes through `type`, so a bad environment value is reported like a bad flag.
        default=os.environ.get(WAIT_SECONDS_ENV) or str(DEFAULT_WAIT_SECONDS),
        help=f"how long to wait for the database (default: ${WAIT_SECONDS_ENV} or {DEFAULT_WAIT_SECONDS:g})",
    )
    parser.add_argument(
        "--create-database",
        action="store_true",
        default=os.environ.get(CREATE_DATABASE_ENV, "").strip().lower() in ("1", "true", "yes"),
        help=f"create a missing PostgreSQL database (default: ${CREATE_DATABASE_ENV}=1)",
    )
    return parser.parse_args(argv)


def _positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0 < number < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {value!r}")
    return number


def describe_validation_error(error: ValidationError) -> str:
    # Never str(error): pydantic includes the input values, and one of them may be the secret key.
    lines = []
    for detail in error.errors(include_input=False, include_url=False):
        message = str(detail["msg"]).removeprefix("Value error, ")
        location = ".".join(str(part) for part in detail["loc"]).upper()
        lines.append(f"  - {location}: {message}" if location else f"  - {message}")
    return "\n".join(lines)


def _describe_error(error: BaseException) -> str:
    # SQLAlchemy's messages append the SQL and a documentation link; the first line is the reason.
    message = str(error).strip().splitlines()
    first = message[0] if message else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


def _masked(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL fails properly on the first attempt; never echo it whole
        return "<unparsable database URL>"


if __name__ == "__main__":
    sys.exit(main())
