"""A private PostgreSQL cluster that a fault test may stop, freeze and bring back (never the shared server).

Uses the PostgreSQL binaries bundled with pgserver (a dev dependency, so the same on every machine), listens on a
free TCP port of 127.0.0.1 (like a real deployment: a stopped server refuses connections, a frozen one accepts
them and never answers). As root, it runs as the `postgres` user when there is one, else as `pgserver`.

    with PrivatePostgres.started(directory) as pg:
        pg.stop()      # down: connections refused
        pg.start()     # back, same port and data
        pg.freeze()    # SIGSTOP the postmaster and every backend: connections hang
        pg.thaw()      # SIGCONT
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

__all__ = ["PrivatePostgres"]

START_TIMEOUT_SECONDS = 30


def _bin_dir() -> Path:
    with warnings.catch_warnings():
        # Importing pgserver warns when XDG_RUNTIME_DIR is unset (containers, CI); we only want its binaries.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        from pgserver._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _system_user() -> str | None:
    """None when not root (run as ourselves); else a non-root user PostgreSQL agrees to run as."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "pgserver"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    subprocess.run(["useradd", "--system", "--no-create-home", "pgserver"], check=True, capture_output=True)
    return "pgserver"


def _make_traversable(path: Path) -> None:
    """Let the server's user reach `path` (chmod o+x up the tree, as pgserver itself does)."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if mode & 0o011 != 0o011:
            parent.chmod(mode | 0o055)


class PrivatePostgres:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.socket_dir = directory / "socket"
        self.log_path = directory / "postgres.log"
        self.port = _free_port()
        self.user = _system_user()
        self.frozen: list[psutil.Process] = []

    @property
    def url(self) -> str:
        """The asyncpg URL of its `postgres` database."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    @classmethod
    @contextmanager
    def started(cls, directory: Path) -> Iterator[PrivatePostgres]:
        server = cls(directory)
        server.init()
        server.start()
        try:
            yield server
        finally:
            server.destroy()

    def _run(self, tool: str, *arguments: str) -> None:
        command = [str(_bin_dir() / tool), *arguments]
        result = subprocess.run(command, user=self.user, capture_output=True, text=True, timeout=60, check=False)
        if result.returncode != 0:
            log = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
            raise RuntimeError(f"{tool} {arguments} failed:\n{result.stdout}\n{result.stderr}\n{log}")

    def init(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if self.user is not None:
            _make_traversable(_bin_dir())
            _make_traversable(self.directory)
            for path in (self.directory, self.socket_dir):
                shutil.chown(path, self.user, self.user)
        self._run("initdb", "-D", str(self.data), "--auth=trust", "--encoding=utf8", "-U", "postgres")

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.socket_dir} -c max_connections=40 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-o", options, "-w", "start")

    def stop(self) -> None:
        """Fast shutdown: sessions are told the server is going away, then every new connection is refused."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def processes(self) -> list[psutil.Process]:
        pid_file = self.data / "postmaster.pid"
        if not pid_file.exists():
            return []
        postmaster = psutil.Process(int(pid_file.read_text().split()[0]))
        return [postmaster, *postmaster.children(recursive=True)]

    def freeze(self) -> None:
        """SIGSTOP the postmaster first (no new backends), then every child: the server accepts TCP connections
        (the kernel does) but never answers."""
        self.frozen = self.processes()
        for process in self.frozen:
            process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        for process in reversed(self.frozen):
            if process.is_running():
                process.send_signal(signal.SIGCONT)
        self.frozen = []

    def destroy(self) -> None:
        self.thaw()
        if (self.data / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            except RuntimeError:
                for process in self.processes():
                    process.kill()
        shutil.rmtree(self.directory, ignore_errors=True)
