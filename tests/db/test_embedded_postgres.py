"""The suite's embedded PostgreSQL (used without TEST_DATABASE_URL) survives other test runs on the same machine.

It used to live under pytest's base temporary directory, which other pytest runs make private again (as root,
postgres runs as pgserver's own user and then PANICs) and prune or, with --basetemp, wipe: two runs at once killed
each other's database mid-run. Now each run's server lives in a locked directory of its own
(scripts.live_server.embedded_postgres); these tests run real pytest processes and real servers.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy.engine import make_url

from scripts.live_server import embedded_postgres, embedded_postgres_home
from tests.dbutil import PROJECT_ROOT

PROBE = "tests/db/embedded_postgres_probe.py"
# Liveness bounds, not timings: a loaded two-core machine takes a minute to import and start a run.
RUN_DEADLINE_SECONDS = 600.0


def _environment(**extra: str) -> dict[str, str]:
    environment = {name: value for name, value in os.environ.items() if name != "TEST_DATABASE_URL"}
    return {**environment, **extra}


def _start_probe(basetemp: Path, hold: Path) -> subprocess.Popen[str]:
    hold.mkdir(parents=True)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp", str(basetemp), PROBE]
    return subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=_environment(PROBE_HOLD_DIR=str(hold)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for_file(path: Path, process: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + RUN_DEADLINE_SECONDS
    while not path.exists():
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"the run ended (exit {process.returncode}) before {path.name}:\n{output}")
        assert time.monotonic() < deadline, f"no {path} within {RUN_DEADLINE_SECONDS} s"
        time.sleep(0.1)  # polling another program's file, with a deadline
    return path.read_text(encoding="utf-8")


def _socket_directory(url: str) -> Path:
    return Path(str(make_url(url).query["host"]))


def test_two_concurrent_runs_both_pass_whatever_pytest_does_to_their_temporary_directories(tmp_path: Path) -> None:
    roots = [tmp_path / "first", tmp_path / "second"]
    runs = [_start_probe(root / "basetemp", root / "hold") for root in roots]
    try:
        # Both databases are up and in use at once: the runs overlap.
        urls = [_wait_for_file(root / "hold" / "ready", run) for root, run in zip(roots, runs, strict=True)]
        sockets = [_socket_directory(url) for url in urls]
        assert sockets[0] != sockets[1], "each run has its own server"
        for socket_directory, root in zip(sockets, roots, strict=True):
            assert not socket_directory.is_relative_to(root), "the server must not live in pytest's temp dir"
            assert socket_directory.is_relative_to(embedded_postgres_home())
        # What other pytest runs do to base temporary directories while these runs work. Each run starting makes
        # its temporary root (/tmp/pytest-of-<user>) private again, 0700: as root, pgserver runs postgres as its
        # own user, whose checkpointer then cannot reach global/pg_control and PANICs (the DROP DATABASE at the
        # end of a test forces a checkpoint). And old base temporary directories are pruned, a reused --basetemp
        # wiped.
        roots[0].chmod(0o700)
        assert (roots[1] / "basetemp").is_dir()
        shutil.rmtree(roots[1] / "basetemp")
        for root in roots:
            (root / "hold" / "release").touch()
        outputs = [run.communicate(timeout=RUN_DEADLINE_SECONDS)[0] for run in runs]
    finally:
        for run in runs:
            if run.poll() is None:
                run.kill()
                run.wait()

    assert [run.returncode for run in runs] == [0, 0], "\n\n".join(outputs)
    for socket_directory in sockets:
        assert not socket_directory.exists(), "a finished run removes its server's directory"


_HOLD_A_SERVER = """
import sys
from scripts.live_server import embedded_postgres
with embedded_postgres() as url:
    print(url, flush=True)
    sys.stdin.read()
"""


def _process_is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")  # a zombie has stopped; only its parent has not collected it yet


def test_a_killed_run_is_cleaned_up_by_the_next_one() -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_A_SERVER],
        cwd=PROJECT_ROOT,
        env=_environment(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        pgdata = _socket_directory(holder.stdout.readline())
        postmaster = int((pgdata / "postmaster.pid").read_text(encoding="utf-8").split()[0])
    finally:
        os.kill(holder.pid, signal.SIGKILL)  # no clean-up code runs: the server is left behind
        holder.wait()
    assert _process_is_running(postmaster), "a killed run leaves its server running"

    with embedded_postgres():  # the next run, in this process
        assert not _process_is_running(postmaster), "the next run stops the abandoned server"
        assert not pgdata.parent.exists(), "and removes its directory"
