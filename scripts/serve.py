"""Serve the API: the one way to start the server, used by ``make run`` and the container's entry point.

    python -m scripts.serve [--env-file PATH]

Everything comes from the settings (impl/settings.py; the environment or .env): HOST, PORT, WORKERS,
KEEP_ALIVE_TIMEOUT_SECONDS, MAX_REQUEST_HEAD_BYTES, GRACEFUL_SHUTDOWN_SECONDS and LOG_LEVEL. Run the pre-start
(``python -m scripts.prestart``) first; this only serves.

Besides the settings, serving here means:
- request heads are bounded (impl/http_protocol.py: 414/431 instead of parsing a huge header);
- uvicorn's own X-Forwarded-* handling is off: the app decides who the client is (impl/forwarded.py, TRUSTED_PROXIES);
- with several workers, each worker dies with the process that started it, even when that one is killed with
  SIGKILL (no orphaned workers keep the port).

Exit status: 0 after a clean shutdown; 2 when the settings are invalid; otherwise uvicorn's.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any, Final

import uvicorn
from dotenv import dotenv_values
from fastapi import FastAPI
from pydantic import ValidationError

from impl.http_protocol import BoundedHttpToolsProtocol
from impl.observability.logging import configure_logging, uvicorn_log_options
from impl.observability.metrics import prepare_metrics_directory
from impl.settings import Settings
from scripts.prestart import describe_validation_error

__all__ = ["LAUNCHER_PID_ENV", "create_worker_app", "die_with_launcher", "main", "uvicorn_options"]

logger = logging.getLogger("scripts.serve")

EXIT_CONFIG: Final = 2
#: Set by the launcher for its workers: the process whose death ends theirs.
LAUNCHER_PID_ENV: Final = "CONTRACT_API_LAUNCHER_PID"
_PR_SET_PDEATHSIG: Final = 1  # linux/prctl.h


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """uvicorn.run's keyword arguments for these settings."""
    return {
        "factory": True,
        "host": settings.host,
        "port": settings.port,
        "workers": settings.workers,
        "http": BoundedHttpToolsProtocol,
        # The same bound for uvicorn's h11 protocol, and where BoundedHttpToolsProtocol reads it.
        "h11_max_incomplete_event_size": settings.max_request_head_bytes,
        "timeout_keep_alive": settings.keep_alive_timeout_seconds,
        "timeout_graceful_shutdown": settings.graceful_shutdown_seconds,
        # The app resolves forwarded headers itself, from TRUSTED_PROXIES only (impl/forwarded.py).
        "proxy_headers": False,
        "forwarded_allow_ips": "",
        "server_header": False,
        "log_level": settings.log_level.lower(),
        # Logging is configured by the app (impl/observability): JSON lines, our own access log without queries.
        **uvicorn_log_options(),
        # A worker importing the app on a busy machine is slow, not hung (uvicorn's default allows 5 s).
        "timeout_worker_healthcheck": 30,
    }


def create_worker_app() -> FastAPI:
    """uvicorn's app factory: in a worker process, first tie its life to the launcher's."""
    launcher = os.environ.get(LAUNCHER_PID_ENV)
    if launcher and launcher.isdigit() and int(launcher) != os.getpid():
        die_with_launcher(int(launcher))
    from impl.app import create_app  # here, not at the top: every spawned worker imports this module first

    return create_app()


def die_with_launcher(launcher_pid: int) -> None:
    """Have the kernel send SIGTERM (a graceful shutdown) to this process when its parent, the launcher, dies.

    Linux's PR_SET_PDEATHSIG; elsewhere nothing (uvicorn's workers then rely on their launcher stopping them). If
    the launcher died before this ran, this process was handed to another parent: shut down at once.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            logger.warning("could not tie worker %d to its launcher: errno %d", os.getpid(), ctypes.get_errno())
    if os.getppid() != launcher_pid:
        os.kill(os.getpid(), signal.SIGTERM)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(argv or ())
    if arguments[:1] == ["--env-file"] and len(arguments) == 2:
        # Settings from a file (systemd, a supervisor, `make cluster`): into the environment, so workers inherit them.
        os.environ.update({k: v for k, v in dotenv_values(arguments[1]).items() if v is not None})
    elif arguments:
        print(__doc__, file=sys.stderr)
        return EXIT_CONFIG
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"serve: refusing to start, invalid settings:\n{describe_validation_error(error)}", file=sys.stderr)
        return EXIT_CONFIG
    configure_logging(settings)
    prepare_metrics_directory(settings.workers)  # before the workers start: they inherit the directory
    os.environ[LAUNCHER_PID_ENV] = str(os.getpid())  # inherited by the workers
    uvicorn.run("scripts.serve:create_worker_app", **uvicorn_options(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
