"""The container entry point, run for real on a SQLite file, and static checks of the Dockerfile,
.dockerignore and docker-compose.yml (no Docker engine is needed)."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest
import yaml
from alembic.script import ScriptDirectory

from impl.settings import DEFAULT_SECRET_KEY, Settings
from scripts.prestart import WAIT_SECONDS_ENV
from tests.dbutil import alembic_config

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = PROJECT_ROOT / "scripts" / "entrypoint.sh"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"
DOCKERIGNORE = PROJECT_ROOT / ".dockerignore"
COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
APP_TABLES = {"users", "items", "articles", "refresh_tokens", "idempotency_keys", "alembic_version"}
SUPERUSER_EMAIL = "root@example.com"


# --- running scripts/entrypoint.sh -------------------------------------------------------------------


def entrypoint_env(database: Path, **extra: str) -> dict[str, str]:
    """The caller's environment minus every app setting, plus a SQLite database and this venv's tools."""
    ignored = {name.upper() for name in Settings.model_fields} | {WAIT_SECONDS_ENV, "SKIP_PRESTART"}
    env = {name: value for name, value in os.environ.items() if name not in ignored}
    env.update(
        PYTHON=sys.executable,
        ENVIRONMENT="test",
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        FIRST_SUPERUSER_EMAIL=SUPERUSER_EMAIL,
        FIRST_SUPERUSER_PASSWORD="correct horse battery staple",
        # Low but real Argon2 cost, as in test_passwords.py.
        ARGON2_TIME_COST="1",
        ARGON2_MEMORY_COST_KIB="1024",
        ARGON2_PARALLELISM="1",
        PRESTART_WAIT_SECONDS="10",
    )
    env.update(extra)
    return env


def run_entrypoint(cwd: Path, env: dict[str, str], *command: str) -> subprocess.CompletedProcess[str]:
    # The working directory is not the project: the script must find the app on its own.
    return subprocess.run(
        [str(ENTRYPOINT), *command], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def table_names(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        return {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def superusers(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return [email for (email,) in connection.execute("SELECT email FROM users WHERE is_superuser")]


def database_revision(database: Path) -> str:
    with sqlite3.connect(database) as connection:
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert isinstance(revision, str)
    return revision


def test_entrypoint_is_executable_posix_sh() -> None:
    assert os.access(ENTRYPOINT, os.X_OK)
    assert ENTRYPOINT.read_text().startswith("#!/bin/sh\n")
    assert subprocess.run(["/bin/sh", "-n", str(ENTRYPOINT)], check=False).returncode == 0


def test_runs_the_prestart_then_the_given_command(tmp_path: Path) -> None:
    database = tmp_path / "app.db"

    result = run_entrypoint(tmp_path, entrypoint_env(database), sys.executable, "-c", "print('ran')")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ran"
    assert table_names(database) >= APP_TABLES
    assert database_revision(database) == ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert superusers(database) == [SUPERUSER_EMAIL]


def test_the_command_replaces_the_script_and_its_status_is_returned(tmp_path: Path) -> None:
    result = run_entrypoint(
        tmp_path, entrypoint_env(tmp_path / "app.db"), sys.executable, "-c", "import sys; sys.exit(7)"
    )

    assert result.returncode == 7, result.stderr


def test_a_failed_prestart_stops_before_the_command(tmp_path: Path) -> None:
    database = tmp_path / "app.db"
    env = entrypoint_env(database, ENVIRONMENT="production")  # with the default SECRET_KEY

    result = run_entrypoint(tmp_path, env, sys.executable, "-c", "print('ran')")

    assert result.returncode == 2
    assert "ran" not in result.stdout
    assert "SECRET_KEY is the public default" in result.stderr
    assert "Traceback" not in result.stderr
    assert not database.exists()


def test_skip_prestart(tmp_path: Path) -> None:
    database = tmp_path / "app.db"
    env = entrypoint_env(database, SKIP_PRESTART="1")

    result = run_entrypoint(tmp_path, env, sys.executable, "-c", "print('ran')")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ran"
    assert "SKIP_PRESTART=1" in result.stderr
    assert not database.exists()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def get(port: int, path: str) -> tuple[int, dict[str, str], bytes] | None:
    """One GET; None while nothing accepts connections on the port yet."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    except OSError:
        return None
    finally:
        connection.close()


def test_without_a_command_it_serves_the_app(tmp_path: Path) -> None:
    database = tmp_path / "app.db"
    port = free_port()
    env = entrypoint_env(database, HOST="127.0.0.1", PORT=str(port), WORKERS="1")
    log_path = tmp_path / "server.log"

    with log_path.open("w") as log:
        # Own session: whatever happens, the cleanup below can end the server and anything it started.
        server = subprocess.Popen(
            [str(ENTRYPOINT)], cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 90
        while (answer := get(port, "/health/ready")) is None or answer[0] != 200:
            assert time.monotonic() < deadline, f"not ready in time:\n{log_path.read_text()}"
            try:
                # Wait a moment for the server to exit: it must not (and this paces the polling).
                returncode = server.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                continue
            pytest.fail(f"the server exited with {returncode}:\n{log_path.read_text()}")

        _, headers, body = answer
        assert json.loads(body)["status"] == "ok"
        assert "server" not in headers
        # exec: the entry point's process is the serving entry point itself, the one `make run` uses.
        command_line = Path(f"/proc/{server.pid}/cmdline").read_bytes().split(b"\0")
        assert command_line[:3] == [sys.executable.encode(), b"-m", b"scripts.serve"]
        # The pre-start ran before the server started.
        assert table_names(database) >= APP_TABLES
        assert superusers(database) == [SUPERUSER_EMAIL]

        # What `docker stop` sends; uvicorn shuts down gracefully, then re-raises the signal.
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) in {0, -signal.SIGTERM}, log_path.read_text()
        assert "Application shutdown complete" in log_path.read_text()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)


# --- Dockerfile ------------------------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        instructions.append((keyword.upper(), " ".join(arguments.split())))
        pending = ""
    assert not pending, "the Dockerfile ends inside a continuation line"
    return instructions


def instruction_arguments(keyword: str) -> list[str]:
    return [arguments for name, arguments in dockerfile_instructions() if name == keyword]


def global_args() -> dict[str, str]:
    """ARG defaults declared before the first FROM (the ones FROM lines may use)."""
    values: dict[str, str] = {}
    for keyword, arguments in dockerfile_instructions():
        if keyword == "FROM":
            break
        if keyword == "ARG":
            name, _, default = arguments.partition("=")
            values[name] = default
    return values


def test_dockerfile_is_multi_stage_on_python_3_11_slim() -> None:
    stages = instruction_arguments("FROM")
    assert len(stages) >= 2
    images = [re.sub(r"\$\{(\w+)\}", lambda m: global_args()[m.group(1)], stage.split()[0]) for stage in stages]
    assert set(images) == {"python:3.11-slim"}, images
    assert "builder" in {stage.split()[-1] for stage in stages if " AS " in stage.upper()}
    assert any(arguments.startswith("--from=builder /app") for arguments in instruction_arguments("COPY"))


def test_dockerfile_installs_the_locked_runtime_dependencies_with_uv() -> None:
    runs = instruction_arguments("RUN")
    assert any(re.search(r"pip install --no-cache-dir uv==\d+\.\d+\.\d+", run) for run in runs)
    [sync] = [run for run in runs if "uv sync" in run]
    for flag in ("--frozen", "--no-dev", "--no-install-project"):
        assert flag in sync
    assert "UV_PROJECT_ENVIRONMENT=/app/.venv" in " ".join(instruction_arguments("ENV"))


def test_dockerfile_runs_as_a_non_root_user() -> None:
    user = instruction_arguments("USER")[-1]
    uid = user.split(":")[0]
    assert uid not in {"root", "0"}
    # The user the image creates.
    assert any(f"--uid {uid}" in run for run in instruction_arguments("RUN")), user


def test_dockerfile_runtime_environment_port_healthcheck_and_entrypoint() -> None:
    env = " ".join(instruction_arguments("ENV"))
    for setting in (
        "PATH=/app/.venv/bin:$PATH",
        "PYTHONPATH=/app",
        "ENVIRONMENT=production",
        # Read by scripts.serve through the settings, like every other setting.
        "HOST=0.0.0.0",
        "PORT=8000",
        "WORKERS=2",
    ):
        assert setting in env
    assert instruction_arguments("EXPOSE") == ["8000"]

    [healthcheck] = instruction_arguments("HEALTHCHECK")
    assert "--timeout=" in healthcheck
    assert "/health/ready" in healthcheck
    assert "python" in healthcheck
    assert "curl" not in healthcheck  # not in the slim image

    [entrypoint] = instruction_arguments("ENTRYPOINT")
    assert json.loads(entrypoint) == ["/app/scripts/entrypoint.sh"]


def dockerignore_patterns() -> list[str]:
    lines = (line.strip() for line in DOCKERIGNORE.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_build_context() -> None:
    patterns = set(dockerignore_patterns())
    assert {".venv", ".git", "tests", "node_modules", "**/*.db", ".env"} <= patterns
    assert not any(pattern.startswith("!") for pattern in patterns)


def test_everything_the_dockerfile_copies_is_in_the_build_context() -> None:
    patterns = dockerignore_patterns()
    sources = []
    for arguments in instruction_arguments("COPY"):
        parts = [part for part in arguments.split() if not part.startswith("--")]
        if arguments.startswith("--from="):
            continue
        sources.extend(parts[:-1])
    expected = {
        "pyproject.toml",
        "uv.lock",
        "openapi.yaml",
        "alembic.ini",
        "contract_runtime",
        "generated",
        "impl",
        "alembic",
        "scripts",
    }
    assert expected <= set(sources)
    for source in [*sources, "scripts/entrypoint.sh", "scripts/prestart.py", "scripts/serve.py", "scripts/__init__.py"]:
        assert (PROJECT_ROOT / source).exists(), source
        assert not any(fnmatch(source, pattern) for pattern in patterns), source


# --- docker-compose.yml ---------------------------------------------------------------------------------


def compose() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(document, dict)
    return document


def test_compose_database_has_a_healthcheck_and_a_named_volume() -> None:
    document = compose()
    db = document["services"]["db"]
    assert db["image"] == "postgres:15"
    assert {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"} <= set(db["environment"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    [volume] = db["volumes"]
    name = volume.split(":")[0]
    assert name in document["volumes"]


def test_compose_migrates_once_then_the_replicas_serve_in_production() -> None:
    # The whole shape (PgBouncer, Redis, HAProxy, settings) is checked in tests/deploy/test_compose.py.
    services = compose()["services"]
    migrate, api = services["migrate"], services["api"]
    assert migrate["build"] == api["build"] == "."
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert migrate["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert migrate["environment"]["DATABASE_URL"].endswith("@db:5432/${POSTGRES_DB:-app}")
    assert {"FIRST_SUPERUSER_EMAIL", "FIRST_SUPERUSER_PASSWORD"} <= set(migrate["environment"])
    assert api["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert api["environment"]["ENVIRONMENT"] == "production"
    assert api["environment"]["SKIP_PRESTART"] == "1"
    assert "${HTTP_PORT:-8000}:8000" in services["haproxy"]["ports"]
    # Forwarded headers are the app's business (TRUSTED_PROXIES: HAProxy only), not uvicorn's.
    assert "FORWARDED_ALLOW_IPS" not in api["environment"]


def test_compose_has_no_default_secret() -> None:
    text = COMPOSE_FILE.read_text()
    env = compose()["services"]["api"]["environment"]
    # Required from the environment: compose refuses to start without it.
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]*\}", env["SECRET_KEY"])
    assert DEFAULT_SECRET_KEY not in text
    # No secret-like variable falls back to a non-empty value written in the file.
    for name, default in re.findall(r"\$\{(\w+):?-([^}]*)\}", text):
        if "SECRET" in name or "PASSWORD" in name:
            assert default == "", f"{name} has a default in docker-compose.yml"
