#!/bin/sh
# Container entry point: run the pre-start (wait for the database, migrate, first superuser),
# then serve (python -m scripts.serve, the same entry point as `make run`), or run the given command
# instead, e.g. `docker run IMAGE alembic current`.
#
# Environment:
#   SKIP_PRESTART=1       skip the pre-start (e.g. a one-off command against a database that is down)
#   PYTHON                the interpreter (python: found on PATH)
#   PRESTART_WAIT_SECONDS how long the pre-start waits for the database (60)
#   HOST, PORT, WORKERS and the other settings (impl/settings.py, README): read by the app and scripts.serve
set -eu

PYTHON="${PYTHON:-python}"

# The app directory (this script's parent) must be importable for `-m scripts.prestart` and
# `-m scripts.serve`, whatever the working directory.
APP_DIR="$(cd "$(dirname "$0")/.." && pwd)"
export PYTHONPATH="${APP_DIR}${PYTHONPATH:+:${PYTHONPATH}}"

if [ "${SKIP_PRESTART:-0}" = "1" ]; then
    echo "entrypoint: SKIP_PRESTART=1, not running the pre-start" >&2
else
    "$PYTHON" -m scripts.prestart
fi

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

# exec: the server becomes this process and receives the container's SIGTERM directly.
exec "$PYTHON" -m scripts.serve
