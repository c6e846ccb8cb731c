"""A real server for the gates: a fresh PostgreSQL database, migrated, served by uvicorn on 127.0.0.1.

Used by the live test suites (SDK flows, docs in a browser, end-to-end) and by ``make contract``/``make sdk-test``
through its command line::

    python -m scripts.live_server [--seed-users] [--env NAME=VALUE ...] -- COMMAND [ARGS...]

starts the server, runs COMMAND with ``API_BASE_URL`` (and, with ``--seed-users``, ``API_USERS_FILE``: a JSON
file of two registered accounts) in its environment, stops the server, drops the database and exits with
COMMAND's status.

PostgreSQL: ``TEST_DATABASE_URL`` (CI: the machine's server) or, when unset, an embedded server (pgserver), so
the gates run on a laptop without PostgreSQL too.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import hashlib
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import warnings
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from scripts.prestart import migrate

__all__ = [
    "GATE_ENVIRONMENT",
    "SEED_PASSWORD",
    "LiveServer",
    "SeededUser",
    "embedded_postgres",
    "embedded_postgres_home",
    "live_server",
    "main",
    "postgres_server_url",
    "seed_users",
]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
# Not a secret: a throw-away key for throw-away servers on 127.0.0.1 (production refuses the default key anyway).
GATE_SECRET_KEY = "live-server-gate-key-not-for-production-0123456789"
SEED_PASSWORD = "correct horse battery staple"

# Cheap password hashing (the gates measure behaviour, not cost) and rate limits far above what a gate sends: the
# limits stay on, so their headers are still checked, but a fuzzer's thousands of requests are never throttled.
GATE_ENVIRONMENT: Mapping[str, str] = {
    "ENVIRONMENT": "test",
    "SECRET_KEY": GATE_SECRET_KEY,
    "ARGON2_TIME_COST": "1",
    "ARGON2_MEMORY_COST_KIB": "8",
    "ARGON2_PARALLELISM": "1",
    "LOG_LEVEL": "WARNING",
    "RATE_LIMIT": "1000000/minute",
    "AUTH_RATE_LIMIT": "1000000/minute",
}


@dataclass(frozen=True)
class SeededUser:
    email: str
    password: str
    id: str
    access_token: str


@dataclass
class LiveServer:
    base_url: str
    database_url: str
    log_path: Path
    users: list[SeededUser] = field(default_factory=list)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL


def embedded_postgres_home() -> Path:
    """Where this checkout's embedded PostgreSQL servers live: per user, keyed by the project's path.

    Not under pytest's base temporary directory: every pytest run that starts makes ``/tmp/pytest-of-<user>``
    private again (0700), and prunes (or, with ``--basetemp``, wipes) base temporary directories. As root, pgserver
    runs postgres as its own ``pgserver`` user and opens every parent directory of the data directory to it; once a
    parent is private again, the checkpointer cannot reach ``global/pg_control`` and the server PANICs. For the same
    reason root's servers live under the temporary directory rather than in /root.
    """
    key = f"{PROJECT_ROOT.name}-{hashlib.sha256(str(PROJECT_ROOT).encode()).hexdigest()[:12]}"
    if os.geteuid() == 0:
        return Path(tempfile.gettempdir()) / "embedded-postgres-root" / key
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "embedded-postgres" / key


def _make_home(home: Path) -> None:
    """Create ``home``, refusing one that another user owns or a symbolic link (it may sit in a shared /tmp)."""
    home.mkdir(parents=True, exist_ok=True)
    for directory in (home.parent, home):
        status = directory.lstat()
        if stat.S_ISLNK(status.st_mode) or status.st_uid != os.geteuid():
            raise RuntimeError(f"{directory} is a symbolic link or belongs to another user: remove it and retry")


@contextmanager
def embedded_postgres(home: Path | None = None) -> Iterator[str]:
    """An embedded PostgreSQL (pgserver) of this process's own; yields its asyncpg URL. Unix socket only.

    Each server lives in a run directory of its own under ``home`` (default: ``embedded_postgres_home()``) that
    this process keeps locked while the server runs, so concurrent runs never share or remove each other's
    server. On the way out the server is stopped and its directory removed; a run that died without doing so
    (killed, crashed) leaves a directory whose lock is free, and the next start stops that server and removes it.
    """
    with warnings.catch_warnings():
        # Importing pgserver warns when XDG_RUNTIME_DIR is unset (containers, CI); its /tmp fallback is fine.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        from pgserver.postgres_server import get_server

    with _run_directory(home or embedded_postgres_home()) as run_directory:
        server = get_server(run_directory / "pgdata", cleanup_mode="stop")
        try:
            # get_uri() is "postgresql://postgres:@/postgres?host=<socket dir>" (libpq style).
            url = make_url(server.get_uri()).set(drivername="postgresql+asyncpg", password=None)
            yield url.render_as_string(hide_password=False)
        finally:
            server.cleanup()


_RUN_PREFIX = "run-"
_OWNER_LOCK = "owner.lock"


@contextmanager
def _run_directory(home: Path) -> Iterator[Path]:
    """A new directory under ``home``, locked by this process until the block ends, then removed."""
    _make_home(home)
    # The home lock orders creating, reaping and removing run directories: a reaper never sees a directory
    # whose owner has not locked it yet, nor one its owner is half-way through removing.
    with _locked(home / ".lock"):
        _remove_abandoned_runs(home)
        run_directory = Path(tempfile.mkdtemp(prefix=_RUN_PREFIX, dir=home))
        owner = (run_directory / _OWNER_LOCK).open("w")
        fcntl.flock(owner, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the kernel releases it when this process dies
    try:
        yield run_directory
    finally:
        with _locked(home / ".lock"):
            shutil.rmtree(run_directory, ignore_errors=True)
            owner.close()


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)  # someone may have emptied the cache meanwhile
    with path.open("a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def _remove_abandoned_runs(home: Path) -> None:
    """Stop the server of every run directory whose owner died, and remove the directory. Holds the home lock."""
    for run_directory in sorted(home.glob(f"{_RUN_PREFIX}*")):
        owner_lock = run_directory / _OWNER_LOCK
        try:
            with owner_lock.open("a") as owner:
                fcntl.flock(owner, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # its owner is alive
        _stop_server(run_directory / "pgdata")
        shutil.rmtree(run_directory, ignore_errors=True)


def _stop_server(pgdata: Path) -> None:
    """Stop the postmaster of ``pgdata`` if one still runs (immediate mode: its data is thrown away anyway)."""
    from pgserver import pg_ctl  # type: ignore[attr-defined]
    from pgserver.utils import PostmasterInfo
    from psutil import Error as ProcessError

    info = PostmasterInfo.read_from_pgdata(pgdata)
    # A psutil.Process while the server runs (pgserver annotates it as None).
    process: Any = info.process if info is not None else None
    try:
        # The pid in postmaster.pid may belong to another process by now: stop only this data directory's server.
        if process is None or str(pgdata.resolve()) not in process.cmdline():
            return
    except ProcessError:
        return  # it exited meanwhile
    # pg_ctl refuses to run as root; pgserver runs its servers as the "pgserver" user then.
    user = "pgserver" if os.geteuid() == 0 else None
    with suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
        pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=pgdata, user=user, timeout=30)


@contextmanager
def postgres_server_url() -> Iterator[str]:
    """TEST_DATABASE_URL when set, else an embedded server for the duration of the block."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    with embedded_postgres() as url:
        yield url


# ---------------------------------------------------------------------------------------------------------------
# The server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _wait_until_ready(process: asyncio.subprocess.Process, server: LiveServer) -> None:
    """Poll /health/ready until it answers 200; fail at once if the process exits, and after a bounded time."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_TIMEOUT_SECONDS
    async with httpx.AsyncClient(base_url=server.base_url, timeout=5.0) as http:
        while True:
            with suppress(httpx.TransportError):
                response = await http.get("/health/ready")
                if response.status_code == 200:
                    return
            if loop.time() > deadline:
                raise RuntimeError(f"the live server was not ready in time; its log:\n{server.log()}")
            # Waiting for the process to exit paces the loop and notices a crash at once.
            with suppress(TimeoutError):
                code = await asyncio.wait_for(process.wait(), timeout=0.1)
                raise RuntimeError(f"the live server exited with {code}; its log:\n{server.log()}")


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    process.terminate()
    try:
        await asyncio.wait_for(process.wait(), timeout=STOP_TIMEOUT_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()


@asynccontextmanager
async def live_server(
    postgres_url: str,
    log_path: Path,
    *,
    environment: Mapping[str, str] | None = None,
) -> AsyncIterator[LiveServer]:
    """uvicorn serving ``impl.app:create_app`` on a free port, on a new migrated database of ``postgres_url``.

    The database is dropped afterwards. ``environment`` adds to (and overrides) GATE_ENVIRONMENT.
    """
    # Imported here: tests.dbutil is the one place that creates and drops throw-away databases.
    from tests.dbutil import create_database, drop_database, unique_database_name

    name = unique_database_name("live")
    database_url = await create_database(postgres_url, name)
    try:
        await migrate(database_url)
        port = _free_port()
        env = {**os.environ, **GATE_ENVIRONMENT, **(environment or {})}
        env["PYTHONPATH"] = str(PROJECT_ROOT)
        env["DATABASE_URL"] = database_url
        for inherited in ("FIRST_SUPERUSER_EMAIL", "FIRST_SUPERUSER_PASSWORD", "SPEC_PATH"):
            env.pop(inherited, None)
        with log_path.open("ab") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "impl.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
                cwd=str(PROJECT_ROOT),
                env=env,
                stdout=log,
                stderr=log,
            )
        server = LiveServer(base_url=f"http://127.0.0.1:{port}", database_url=database_url, log_path=log_path)
        try:
            await _wait_until_ready(process, server)
            yield server
        finally:
            await _stop(process)
    finally:
        await drop_database(postgres_url, name)


async def seed_users(server: LiveServer, count: int = 2) -> list[SeededUser]:
    """Register ``count`` accounts through the API itself and log each in; adds them to ``server.users``."""
    users: list[SeededUser] = []
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30.0) as http:
        for index in range(count):
            email = f"seed-{index + 1}@example.com"
            registered = await http.post("/v1/auth/register", json={"email": email, "password": SEED_PASSWORD})
            if registered.status_code != 201:
                raise RuntimeError(f"seeding {email}: {registered.status_code} {registered.text}")
            token = await http.post(
                "/v1/auth/token",
                data={"grant_type": "password", "username": email, "password": SEED_PASSWORD},
            )
            if token.status_code != 200:
                raise RuntimeError(f"logging in {email}: {token.status_code} {token.text}")
            users.append(SeededUser(email, SEED_PASSWORD, registered.json()["id"], token.json()["access_token"]))
    server.users.extend(users)
    return users


# ---------------------------------------------------------------------------------------------------------------
# Command line


def _parse_env(pairs: Sequence[str]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for pair in pairs:
        name, separator, value = pair.partition("=")
        if not separator:
            raise SystemExit(f"--env wants NAME=VALUE, got {pair!r}")
        parsed[name] = value
    return parsed


async def _run(arguments: argparse.Namespace) -> int:
    with postgres_server_url() as postgres_url, tempfile.TemporaryDirectory(prefix="live-server-") as scratch:
        log_path = Path(arguments.log) if arguments.log else Path(scratch) / "uvicorn.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        async with live_server(postgres_url, log_path, environment=_parse_env(arguments.env)) as server:
            child_env: dict[str, Any] = {**os.environ, "API_BASE_URL": server.base_url}
            if arguments.seed_users:
                users = await seed_users(server, arguments.seed_users)
                users_file = Path(scratch) / "users.json"
                users_file.write_text(json.dumps([user.__dict__ for user in users], indent=2))
                child_env["API_USERS_FILE"] = str(users_file)
            print(f"live server: {server.base_url} (log: {log_path})", file=sys.stderr, flush=True)
            child = await asyncio.create_subprocess_exec(*arguments.command, env=child_env)
            code = await child.wait()
            if code != 0 and not arguments.log:
                print(f"--- live server log ---\n{server.log()}", file=sys.stderr)
            return code


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed-users", type=int, default=0, metavar="N", help="register and log in N accounts")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="server environment")
    parser.add_argument("--log", help="write the server log here (default: a temporary file)")
    parser.add_argument("command", nargs="+", help="the command to run against the server (after --)")
    arguments = parser.parse_args(argv)
    return asyncio.run(_run(arguments))


if __name__ == "__main__":
    sys.exit(main())
