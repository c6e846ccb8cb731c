"""The README's first command on a fresh machine: a fresh clone's ``make run`` with only the system python3.

    python3 scripts/fresh_clone_check.py        (make fresh-clone; .ci/run runs it)

Clones the committed HEAD into a temporary directory and runs ``make run`` there under ``env -i`` with a new, empty
HOME and ``PATH=/usr/bin:/bin`` (on Debian 12 that python3 is "externally managed": pip refuses to install into it),
first with ``PORT=<a free port>``, then again with another one. Each time it waits until /health/ready answers 200
on that port, checks that / leads to the docs, stops the server and checks that nothing it started is left. It also
checks that uv came from the project's own bootstrap and that serving installed no development tools.

Standard library only. Exit status 0 when every check holds.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The first run downloads uv and the runtime dependencies into an empty cache.
READY_TIMEOUT_SECONDS = 900.0
STOP_TIMEOUT_SECONDS = 30.0
MINIMAL_PATH = "/usr/bin:/bin"
# Development tools that `make run` must not install.
DEV_ONLY_PACKAGES = ("mypy", "schemathesis", "pgserver", "pytest", "ruff")


class CheckFailed(Exception):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def get(port: int, path: str) -> tuple[int, dict[str, str], bytes] | None:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()
    except OSError:
        return None


def session_members(session_id: int) -> list[int]:
    """Live processes of a session (zombies excluded)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == session_id and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def signal_session(session_id: int, signum: int) -> None:
    for pid in session_members(session_id):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)


def serve_once(clone: Path, home: Path, port: int, log_path: Path) -> None:
    """``PORT=<port> make run`` in the clone, as a newcomer with only the system python3; stopped afterwards."""
    env = {"HOME": str(home), "PATH": MINIMAL_PATH, "PORT": str(port)}
    print(f"fresh clone: env -i HOME={home} PATH={MINIMAL_PATH} PORT={port} make run", flush=True)
    started = time.monotonic()
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            ["/usr/bin/env", "-i", *(f"{name}={value}" for name, value in env.items()), "make", "run"],
            cwd=clone,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        while (answer := get(port, "/health/ready")) is None or answer[0] != 200:
            if time.monotonic() - started > READY_TIMEOUT_SECONDS:
                raise CheckFailed(f"nothing ready on port {port} after {READY_TIMEOUT_SECONDS:g} s")
            try:
                code = process.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                continue
            raise CheckFailed(f"make run exited with {code} before serving on port {port}")
        print(f"fresh clone: /health/ready answered 200 on port {port} after {time.monotonic() - started:.0f} s")
        root = get(port, "/")
        if root is None or root[0] not in (307, 308) or root[1].get("location") != "/docs":
            raise CheckFailed(f"/ does not lead to /docs: {root and root[:2]}")
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to everything make started (what Ctrl-C does to the terminal's group), then check nothing is left."""
    session = process.pid
    signal_session(session, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    while session_members(session) and time.monotonic() < deadline:
        time.sleep(0.1)  # polling with a deadline
    left = session_members(session)
    if left:
        signal_session(session, signal.SIGKILL)
    process.wait(timeout=STOP_TIMEOUT_SECONDS)
    if left:
        raise CheckFailed(f"processes still running {STOP_TIMEOUT_SECONDS:g} s after SIGTERM: {left}")


def check_install(clone: Path, home: Path) -> None:
    uv = clone / ".tools" / "uv" / "uv"
    version = subprocess.run([str(uv), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    print(f"fresh clone: {version} at {uv.relative_to(clone)}")
    if (home / ".local" / "bin" / "uv").exists():
        raise CheckFailed("uv was installed into ~/.local/bin")
    listing = subprocess.run(
        [str(uv), "pip", "list", "--format", "json", "--python", str(clone / ".venv" / "bin" / "python")],
        cwd=clone,
        capture_output=True,
        text=True,
        check=True,
        env={"HOME": str(home), "PATH": MINIMAL_PATH},
    ).stdout
    installed = {package["name"].lower() for package in json.loads(listing)}
    print(f"fresh clone: make run installed {len(installed)} packages")
    unwanted = sorted(installed & set(DEV_ONLY_PACKAGES))
    if unwanted:
        raise CheckFailed(f"make run installed development tools: {', '.join(unwanted)}")


def main() -> int:
    python = Path(MINIMAL_PATH.split(":")[0]) / "python3"
    managed = sorted(Path("/usr/lib").glob("python3*/EXTERNALLY-MANAGED"))
    print(f"fresh clone: {python} is {'externally managed (PEP 668)' if managed else 'not externally managed'}")
    scratch = Path(tempfile.mkdtemp(prefix="fresh-clone-"))
    try:
        clone, home = scratch / "clone", scratch / "home"
        home.mkdir()
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(PROJECT_ROOT), str(clone)], check=True)
        log_path = scratch / "make-run.log"
        try:
            serve_once(clone, home, free_port(), log_path)
            check_install(clone, home)
            serve_once(clone, home, free_port(), log_path)
        except (CheckFailed, subprocess.CalledProcessError) as error:
            print(f"--- make run log ---\n{log_path.read_text(errors='replace')}", file=sys.stderr)
            print(f"fresh clone: FAILED: {error}", file=sys.stderr)
            return 1
        print("fresh clone: passed")
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
