"""A production-shaped cluster on this machine, 127.0.0.1 only, no Docker: `make cluster` / `make cluster-down`.

    client -> HAProxy -> N API instances (uvicorn, W workers each) -> PgBouncer (transaction pooling) -> PostgreSQL
                                         \\-> Redis (shared rate-limit counters)

PostgreSQL and Redis are private to the cluster (Debian's binaries, started here on free ports), never the shared
servers on 5432/6379. Configurations are written from deploy/cluster/*.in; every process is recorded in
.cluster/state.json, and `down` stops exactly those. The migrations run once, as their own step, after the
instances are already up: the instances answer readiness 503 until the schema is at head (HAProxy then sends them
traffic).
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from string import Template
from typing import Any, Final, Literal

from scripts.cluster import processes
from scripts.cluster.haproxy_admin import HAProxyAdmin
from scripts.cluster.processes import RecordedProcess

__all__ = [
    "CLUSTER_DIR",
    "PROXY_SOURCE",
    "STORAGE_SWITCH",
    "Cluster",
    "ClusterError",
    "ClusterSpec",
    "ClusterState",
    "instance_settings",
    "render_haproxy_config",
    "render_pgbouncer_config",
]

PROJECT_ROOT: Final = Path(__file__).resolve().parents[2]
CLUSTER_DIR: Final = PROJECT_ROOT / ".cluster"
TEMPLATES: Final = PROJECT_ROOT / "deploy" / "cluster"
#: HAProxy connects to the instances from this address, the only one they trust X-Forwarded-For from.
PROXY_SOURCE: Final = "127.0.0.2"
DATABASE: Final = "app"
DATABASE_ROLE: Final = "app"
#: The switch for the rate-limit counters: `redis` (shared, the default) or `memory` (per process, no global quota).
STORAGE_SWITCH: Final = "CLUSTER_RATE_LIMIT_STORAGE"
#: Instances keep idle connections longer than HAProxy does (its `timeout http-keep-alive`), so HAProxy closes first.
INSTANCE_KEEP_ALIVE_SECONDS: Final = 75
#: uvicorn finishes in-flight requests for at most this long after SIGTERM (the drain).
DRAIN_SECONDS: Final = 20
START_TIMEOUT_SECONDS: Final = 60.0
_POLL_SECONDS: Final = 0.1

# OWASP's minimum Argon2id parameters (19 MiB, 2 iterations, 1 lane): production-grade, and cheap enough for the
# logins and registrations of a scale test on two cores.
_ARGON2 = {"ARGON2_TIME_COST": "2", "ARGON2_MEMORY_COST_KIB": "19456", "ARGON2_PARALLELISM": "1"}


class ClusterError(Exception):
    """The cluster could not be started, found or stopped; the message says which part and why."""


@dataclass(frozen=True)
class ClusterSpec:
    instances: int = 3
    workers: int = 2
    rate_limit_storage: Literal["redis", "memory"] = "redis"
    # Per client address. The scale test's load spreads over many source addresses, each far below these; its
    # quota case spends one address's quota exactly.
    rate_limit: str = "3000/minute"
    auth_rate_limit: str = "300/minute"


@dataclass
class ClusterState:
    """Everything `down`, `status` and the scale test need, written to .cluster/state.json."""

    spec: ClusterSpec
    frontend_url: str
    instance_ports: list[int]
    postgres_port: int
    pgbouncer_port: int
    redis_port: int
    rate_limit_storage_url: str
    pooled_database_url: str  # what the instances use: through PgBouncer
    direct_database_url: str  # PostgreSQL itself: the migration step and the scale test's checks
    admin_socket: str
    # Data, configurations and sockets: outside the project, where the `postgres` user can reach them (a clone
    # under /root cannot be entered by it) and socket paths stay short.
    runtime_dir: str = ""
    # Client source addresses the scale test has used (each a client with its own quota): a later run against the
    # same cluster starts after them, so no quota bucket it uses has been touched before.
    client_addresses_used: int = 0
    processes: dict[str, RecordedProcess] = field(default_factory=dict)
    startup: dict[str, Any] = field(default_factory=dict)

    def instance_names(self) -> list[str]:
        return [instance_name(index) for index in range(len(self.instance_ports))]

    def instance_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.instance_ports[instance_index(name)]}"

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_json(cls, text: str) -> ClusterState:
        raw = json.loads(text)
        raw["spec"] = ClusterSpec(**raw["spec"])
        raw["processes"] = {name: RecordedProcess(**value) for name, value in raw["processes"].items()}
        return cls(**raw)


def instance_name(index: int) -> str:
    return f"api{index + 1}"


def instance_index(name: str) -> int:
    return int(name.removeprefix("api")) - 1


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def postgres_bin(program: str) -> Path:
    """Debian's PostgreSQL programs (/usr/lib/postgresql/<major>/bin), the newest major installed."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{program}"), key=lambda path: int(path.parts[-3]), reverse=True
    )
    if not candidates:
        raise ClusterError(f"PostgreSQL's {program} is not installed (scripts/cluster/install.sh installs it)")
    return candidates[0]


def _service_user() -> str | None:
    """PostgreSQL and PgBouncer refuse to run as root: as root, run them as `postgres` (Debian's package user)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise ClusterError("running as root needs the `postgres` system user (Debian's postgresql package)") from None
    return "postgres"


class Cluster:
    """Start, find, control and stop the cluster whose state lives in ``directory``."""

    def __init__(self, directory: Path = CLUSTER_DIR) -> None:
        self.directory = directory
        self.state_path = directory / "state.json"
        self.logs = directory / "logs"
        self._children: dict[str, subprocess.Popen[bytes]] = {}

    # --- finding it ------------------------------------------------------------------------------------------

    def load(self) -> ClusterState | None:
        if not self.state_path.exists():
            return None
        return ClusterState.from_json(self.state_path.read_text())

    def running(self) -> ClusterState | None:
        """The recorded cluster if every one of its processes is still running."""
        state = self.load()
        if state is None or not all(processes.is_running(p) for p in state.processes.values()):
            return None
        return state

    def admin(self, state: ClusterState) -> HAProxyAdmin:
        return HAProxyAdmin(Path(state.admin_socket))

    # --- starting it -----------------------------------------------------------------------------------------

    def up(self, spec: ClusterSpec, *, say: Any = print) -> ClusterState:
        if self.running() is not None:
            raise ClusterError(f"a cluster is already running (state: {self.state_path}); `make cluster-down` first")
        if self.load() is not None:
            say("cluster: a previous cluster left state behind; stopping what is left of it")
            self.down(say=say)
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True)
        (self.directory / ".gitignore").write_text("*\n")
        ports = [free_port() for _ in range(4 + spec.instances)]
        runtime = Path(tempfile.mkdtemp(prefix="contract-cluster-"))
        runtime.chmod(0o755)
        state = ClusterState(
            spec=spec,
            frontend_url=f"http://127.0.0.1:{ports[0]}",
            instance_ports=ports[4:],
            postgres_port=ports[1],
            pgbouncer_port=ports[2],
            redis_port=ports[3],
            rate_limit_storage_url=(
                f"redis://127.0.0.1:{ports[3]}/0" if spec.rate_limit_storage == "redis" else "memory://"
            ),
            pooled_database_url=f"postgresql+asyncpg://{DATABASE_ROLE}@127.0.0.1:{ports[2]}/{DATABASE}",
            direct_database_url=f"postgresql+asyncpg://{DATABASE_ROLE}@127.0.0.1:{ports[1]}/{DATABASE}",
            admin_socket=str(runtime / "haproxy" / "admin.sock"),
            runtime_dir=str(runtime),
        )
        try:
            self._start_postgres(state, say)
            self._start_redis(state, say)
            self._check_rate_limit_storage(state)
            self._start_pgbouncer(state, say)
            self._start_haproxy(state, say)
            secret_key = secrets.token_urlsafe(48)
            for name in state.instance_names():
                self._write_instance_env(state, name, secret_key)
                self.start_instance(state, name)
            self.save(state)
            state.startup["readiness_before_migration"] = self._readiness_before_migration(state)
            self._migrate(state, say)
            admin = self.admin(state)
            for name in state.instance_names():
                admin.wait_for(name, "UP", START_TIMEOUT_SECONDS)
            say(f"cluster: {spec.instances} instances x {spec.workers} workers UP behind HAProxy")
        except BaseException:
            self.save(state)
            say("cluster: start failed; stopping what was started")
            self.down(say=say)
            raise
        self.save(state)
        return state

    def save(self, state: ClusterState) -> None:
        self.state_path.write_text(state.to_json())

    def _record(self, state: ClusterState, recorded: RecordedProcess, child: subprocess.Popen[bytes]) -> None:
        state.processes[recorded.name] = recorded
        self._children[recorded.name] = child
        self.save(state)

    def _owned_directory(self, state: ClusterState, name: str) -> Path:
        path = Path(state.runtime_dir) / name
        path.mkdir(parents=True, exist_ok=True)
        user = _service_user()
        if user is not None:
            shutil.chown(path, user, user)
        return path

    def _start_postgres(self, state: ClusterState, say: Any) -> None:
        home = self._owned_directory(state, "postgres")
        data = home / "data"
        user = _service_user()
        initdb = subprocess.run(
            [
                str(postgres_bin("initdb")),
                *("-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"),
                *("--no-locale", "--no-sync", "--no-instructions"),
            ],
            capture_output=True,
            text=True,
            user=user,
            check=False,
        )
        if initdb.returncode != 0:
            raise ClusterError(f"initdb failed:\n{initdb.stdout}{initdb.stderr}")
        command = [
            str(postgres_bin("postgres")),
            "-D",
            str(data),
            "-p",
            str(state.postgres_port),
            "-k",
            str(home),
            "-c",
            "listen_addresses=127.0.0.1",
            # PgBouncer's pool is what connects; a few more for the migration step, the checks and psql.
            "-c",
            "max_connections=60",
            "-c",
            "shared_buffers=64MB",
        ]
        recorded, child = processes.start_detached(
            "postgres", command, marker=str(data), log_path=self.logs / "postgres.log", user=user
        )
        self._record(state, recorded, child)
        self._wait(lambda: self._psql(state.postgres_port, "postgres", "postgres", "SELECT 1"), "PostgreSQL")
        self._psql(state.postgres_port, "postgres", "postgres", f"CREATE ROLE {DATABASE_ROLE} LOGIN")
        self._psql(state.postgres_port, "postgres", "postgres", f"CREATE DATABASE {DATABASE} OWNER {DATABASE_ROLE}")
        say(f"cluster: PostgreSQL on 127.0.0.1:{state.postgres_port} (private, data in {data})")

    def _psql(self, port: int, user: str, database: str, sql: str) -> str:
        result = subprocess.run(
            [
                str(postgres_bin("psql")),
                *("-h", "127.0.0.1", "-p", str(port), "-U", user, "-d", database),
                *("-v", "ON_ERROR_STOP=1", "-qtAX", "-c", sql),
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if result.returncode != 0:
            raise ClusterError(f"psql on port {port}: {result.stderr.strip()}")
        return result.stdout.strip()

    def _start_redis(self, state: ClusterState, say: Any) -> None:
        home = self._owned_directory(state, "redis")
        command = [
            shutil.which("redis-server") or "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(state.redis_port),
            "--dir",
            str(home),
            # Counters only: nothing to persist.
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            # Keep the command line as started (Redis rewrites it by default): it carries the marker.
            "--set-proc-title",
            "no",
        ]
        recorded, child = processes.start_detached("redis", command, marker=str(home), log_path=self.logs / "redis.log")
        self._record(state, recorded, child)
        self._wait(lambda: _redis_ping(state.redis_port), "Redis")
        say(f"cluster: Redis on 127.0.0.1:{state.redis_port} (private)")

    def _check_rate_limit_storage(self, state: ClusterState) -> None:
        """Fail early, saying what to do, when the app cannot use the chosen rate-limit storage."""
        probe = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from limits import parse; from impl.rate_limit import ClientRateLimiter; "
                "ClientRateLimiter(parse('1/minute'), parse('1/minute'), sys.argv[1])",
                state.rate_limit_storage_url,
            ],
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
            check=False,
        )
        if probe.returncode != 0:
            reason = (probe.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise ClusterError(
                f"the API cannot use RATE_LIMIT_STORAGE_URL={state.rate_limit_storage_url}: {reason}\n"
                f"Set {STORAGE_SWITCH}=memory to run the cluster with per-process counters instead (no global "
                "quota: the scale test then reports its quota case as not run)."
            )

    def _start_pgbouncer(self, state: ClusterState, say: Any) -> None:
        home = self._owned_directory(state, "pgbouncer")
        auth_file = home / "userlist.txt"
        auth_file.write_text(f'"{DATABASE_ROLE}" ""\n"postgres" ""\n')
        config = home / "pgbouncer.ini"
        config.write_text(render_pgbouncer_config(state, auth_file))
        user = _service_user()
        if user is not None:
            for path in (auth_file, config):
                shutil.chown(path, user, user)
        recorded, child = processes.start_detached(
            "pgbouncer",
            [shutil.which("pgbouncer") or "/usr/sbin/pgbouncer", str(config)],
            marker=str(config),
            log_path=self.logs / "pgbouncer.log",
            user=user,
        )
        self._record(state, recorded, child)
        self._wait(lambda: self._psql(state.pgbouncer_port, DATABASE_ROLE, DATABASE, "SELECT 1"), "PgBouncer")
        say(f"cluster: PgBouncer 1.18 on 127.0.0.1:{state.pgbouncer_port} (transaction pooling)")

    def _start_haproxy(self, state: ClusterState, say: Any) -> None:
        home = self._owned_directory(state, "haproxy")
        config = home / "haproxy.cfg"
        config.write_text(render_haproxy_config(state))
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        checked = subprocess.run([haproxy, "-c", "-f", str(config)], capture_output=True, text=True, check=False)
        if checked.returncode != 0:
            raise ClusterError(f"haproxy -c refused {config}:\n{checked.stdout}{checked.stderr}")
        # -db: stay in the foreground (the recorded PID is HAProxy itself); -W: master-worker is not needed.
        recorded, child = processes.start_detached(
            "haproxy", [haproxy, "-db", "-f", str(config)], marker=str(config), log_path=self.logs / "haproxy.log"
        )
        self._record(state, recorded, child)
        self._wait(lambda: self.admin(state).servers(), "HAProxy's admin socket")
        say(f"cluster: HAProxy on {state.frontend_url}")

    # --- the API instances -----------------------------------------------------------------------------------

    def instance_env_path(self, name: str) -> Path:
        return self.directory / "api" / f"{name}.env"

    def _write_instance_env(self, state: ClusterState, name: str, secret_key: str) -> None:
        path = self.instance_env_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        settings = {**instance_settings(state, secret_key), "PORT": str(state.instance_ports[instance_index(name)])}
        path.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))

    def start_instance(self, state: ClusterState, name: str) -> None:
        """Start (or restart) one instance: uvicorn with its workers, settings from its env file (the marker)."""
        env_file = self.instance_env_path(name)
        # The one serving entry point (scripts/serve.py), as in production; every setting is in the env file.
        command = [sys.executable, "-m", "scripts.serve", "--env-file", str(env_file)]
        # A clean environment: the settings come from the env file alone, not from whoever ran `make cluster`.
        # The working directory has no .env file for the settings to pick up either.
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(PROJECT_ROOT), "LANG": "C.UTF-8"}
        recorded, child = processes.start_detached(
            name, command, marker=str(env_file), log_path=self.logs / f"{name}.log", env=env, cwd=env_file.parent
        )
        self._record(state, recorded, child)

    def kill_instance(self, state: ClusterState, name: str) -> None:
        """SIGKILL the instance's whole process group at once: a crashed machine or an OOM-killed container."""
        processes.kill(state.processes[name], whole_group=True)
        if not processes.wait_gone(state.processes[name], 10.0, whole_group=True):
            raise ClusterError(f"{name} survived SIGKILL")

    def stop_instance(self, state: ClusterState, name: str) -> None:
        """Take the instance out of rotation, then SIGTERM its uvicorn master; uvicorn finishes what it has in
        flight, then exits. The order matters: HAProxy keeps idle connections to each instance, and a request sent on
        one just as a stopping instance closes it is lost (a POST cannot be retried). Kubernetes does the same with
        the readiness probe, the endpoint removal and the preStop delay before its SIGTERM."""
        self.admin(state).set_state(name, "drain")
        os.kill(state.processes[name].pid, signal.SIGTERM)

    def wait_instance_gone(self, state: ClusterState, name: str, timeout: float) -> bool:
        return processes.wait_gone(state.processes[name], timeout, whole_group=True)

    def _readiness_before_migration(self, state: ClusterState) -> dict[str, Any]:
        """What each instance's readiness says before the migration step ran (it must refuse: 503)."""
        observed: dict[str, Any] = {}
        for name in state.instance_names():
            url = f"{state.instance_url(name)}/health/ready"
            self._wait(lambda url=url: _http_status(url) is not None or _raise("no answer"), f"{name} answering")
            status, body = _http_get(url)
            observed[name] = {"status": status, "body": body}
        return observed

    def _migrate(self, state: ClusterState, say: Any) -> None:
        """The migration step, once, as its own process: scripts/prestart.py straight against PostgreSQL."""
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "DATABASE_URL": state.direct_database_url}
        for inherited in ("FIRST_SUPERUSER_EMAIL", "FIRST_SUPERUSER_PASSWORD", "ENVIRONMENT", "SECRET_KEY"):
            env.pop(inherited, None)
        log_path = self.logs / "migrate.log"
        with log_path.open("ab") as log:
            result = subprocess.run(
                [sys.executable, "-m", "scripts.prestart", "--wait-seconds", "30"],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=False,
            )
        if result.returncode != 0:
            raise ClusterError(f"the migration step failed ({result.returncode}); see {log_path}")
        say("cluster: migrations applied once (scripts/prestart.py, under its advisory lock)")

    # --- stopping it -----------------------------------------------------------------------------------------

    def down(self, *, say: Any = print) -> None:
        state = self.load()
        if state is None:
            say("cluster: nothing recorded, nothing to stop")
            return
        # Front to back: nothing is sent to a part that is already gone.
        order = [*state.instance_names(), "haproxy", "pgbouncer", "redis", "postgres"]
        for name in order:
            recorded = state.processes.get(name)
            if recorded is None:
                continue
            if name.startswith("api") and "haproxy" in state.processes:
                with contextlib.suppress(OSError, RuntimeError):
                    self.admin(state).set_state(name, "drain")  # no new requests first, as in stop_instance
            # PostgreSQL: SIGINT is its "fast" shutdown (SIGTERM would wait for every client to leave).
            outcome = (
                _stop_postgres(recorded)
                if name == "postgres"
                else processes.stop(recorded, timeout=DRAIN_SECONDS + 10, whole_group=True)
            )
            say(f"cluster: {name} (pid {recorded.pid}): {outcome}")
        for name in order:
            child = self._children.pop(name, None)
            if child is not None:
                child.poll()
        # Data and configuration go; the logs stay for whoever wants to read them.
        for entry in self.directory.iterdir():
            if entry.name != "logs":
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        if state.runtime_dir.startswith(tempfile.gettempdir()):
            shutil.rmtree(state.runtime_dir, ignore_errors=True)

    # --- helpers ---------------------------------------------------------------------------------------------

    def _wait(self, probe: Any, what: str, timeout: float = START_TIMEOUT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            try:
                if probe() is not False:
                    return
            except Exception as error:  # not there yet
                last_error = error
            for name, child in self._children.items():
                if child.poll() is not None:
                    raise ClusterError(f"{name} exited with {child.returncode}; see {self.logs / name}.log")
            time.sleep(_POLL_SECONDS)
        raise ClusterError(f"{what} did not come up within {timeout:g} s (last error: {last_error})")


def render_haproxy_config(state: ClusterState) -> str:
    servers = "\n".join(
        f"    server {name} 127.0.0.1:{port}"
        for name, port in zip(state.instance_names(), state.instance_ports, strict=True)
    )
    return Template((TEMPLATES / "haproxy.cfg.in").read_text()).substitute(
        ADMIN_SOCKET=state.admin_socket,
        FRONTEND_PORT=state.frontend_url.rsplit(":", 1)[1],
        PROXY_SOURCE=PROXY_SOURCE,
        INSTANCE_KEEP_ALIVE=INSTANCE_KEEP_ALIVE_SECONDS,
        SERVER_MAXCONN=64,
        SERVERS=servers,
    )


def _worker_pool_limit() -> int:
    from impl.settings import Settings

    fields = Settings.model_fields
    limit: int = fields["db_pool_size"].default + fields["db_pool_max_overflow"].default
    return limit


def render_pgbouncer_config(state: ClusterState, auth_file: Path) -> str:
    return Template((TEMPLATES / "pgbouncer.ini.in").read_text()).substitute(
        DATABASE=DATABASE,
        POSTGRES_PORT=state.postgres_port,
        PGBOUNCER_PORT=state.pgbouncer_port,
        AUTH_FILE=auth_file,
        # Fewer server connections than PostgreSQL allows, and far fewer than the client side: each worker's
        # SQLAlchemy pool may hold DB_POOL_SIZE + DB_POOL_MAX_OVERFLOW connections (room for twice that).
        POOL_SIZE=20,
        MAX_CLIENT_CONN=max(100, state.spec.instances * state.spec.workers * _worker_pool_limit() * 2),
    )


def instance_settings(state: ClusterState, secret_key: str) -> dict[str, str]:
    """What every API instance runs with (its env file): production settings, PgBouncer, shared counters."""
    return {
        "ENVIRONMENT": "production",
        "SECRET_KEY": secret_key,
        "DATABASE_URL": state.pooled_database_url,
        # PgBouncer 1.18 in transaction pooling mode: see impl/settings.py.
        "DATABASE_STATEMENT_CACHE": "false",
        "RATE_LIMIT_STORAGE_URL": state.rate_limit_storage_url,
        "RATE_LIMIT": state.spec.rate_limit,
        "AUTH_RATE_LIMIT": state.spec.auth_rate_limit,
        # Client addresses come from X-Forwarded-For only when HAProxy sent it (impl/forwarded.py).
        "TRUSTED_PROXIES": PROXY_SOURCE,
        "HOST": "127.0.0.1",
        "WORKERS": str(state.spec.workers),
        "KEEP_ALIVE_TIMEOUT_SECONDS": str(INSTANCE_KEEP_ALIVE_SECONDS),
        "GRACEFUL_SHUTDOWN_SECONDS": str(DRAIN_SECONDS),
        "LOG_LEVEL": "WARNING",
        **_ARGON2,
    }


def _stop_postgres(recorded: RecordedProcess) -> str:
    if not processes.is_running(recorded):
        return "not running"
    os.kill(recorded.pid, signal.SIGINT)
    if processes.wait_gone(recorded, 30.0):
        return "stopped"
    return processes.stop(recorded, timeout=5.0)


def _redis_ping(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=2.0) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(64).startswith(b"+PONG")


def _http_get(url: str) -> tuple[int | None, str]:
    try:
        with urllib.request.urlopen(url, timeout=5.0) as response:  # noqa: S310 (a URL we built: 127.0.0.1)
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except OSError:
        return None, ""


def _http_status(url: str) -> int | None:
    return _http_get(url)[0]


def _raise(message: str) -> bool:
    raise ClusterError(message)


def env_file_settings(path: Path) -> Mapping[str, str]:
    """The settings an instance runs with (its env file), e.g. for the scale test's report."""
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key: ("<secret>" if key == "SECRET_KEY" else value) for key, value in pairs}
