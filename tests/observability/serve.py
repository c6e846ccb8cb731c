"""Serve the app the way a serving entry point should (see impl.observability): logging configured first, the
metrics directory prepared before the workers start, uvicorn told to leave logging alone.

    python -m tests.observability.serve --port PORT [--workers N]

Imports live inside `main`: uvicorn's workers are spawned processes that import this module again (as
`__mp_main__`) before they answer the supervisor's health check, so heavy top-level imports on a busy machine get
workers killed as hung (uvicorn's `timeout_worker_healthcheck`, 5 s by default).
"""

from __future__ import annotations

import argparse


def main() -> None:
    import uvicorn

    from impl.observability.logging import configure_logging, uvicorn_log_options
    from impl.observability.metrics import prepare_metrics_directory
    from impl.settings import Settings

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    arguments = parser.parse_args()
    configure_logging(Settings())
    prepare_metrics_directory(arguments.workers)
    uvicorn.run(
        "impl.app:create_app",
        factory=True,
        host="127.0.0.1",
        port=arguments.port,
        workers=arguments.workers,
        # A worker importing the app on a loaded machine is slow, not hung.
        timeout_worker_healthcheck=60,
        **uvicorn_log_options(),
    )


if __name__ == "__main__":
    main()
