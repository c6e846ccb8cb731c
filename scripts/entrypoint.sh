#!/bin/sh
# Container entry point: run the pre-start (wait for the database, migrate, first superuser),
# then serve with uvicorn, or run the given command instead, e.g. `docker run IMAGE alembic current`.
#
# Environment:
#   SKIP_PRESTART=1       skip the pre-start (e.g. a one-off command against a database that is down)
#   HOST, PORT, WORKERS   uvicorn bind address, port and worker processes (0.0.0.0, 8000, 2)
#   FORWARDED_ALLOW_IPS   proxies trusted for X-Forwarded-* headers (127.0.0.1)
#   PYTHON, UVICORN       the interpreter and uvicorn executables (python, uvicorn: found on PATH)
#   PRESTART_WAIT_SECONDS how long the pre-start waits for the database (60)
set -eu

PYTHON="${PYTHON:-python}"
UVICORN="${UVICORN:-uvicorn}"

# The app directory (this script's parent) must be importable for `-m scripts.prestart` and
# `impl.app`, whatever the working directory.
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

# exec: uvicorn becomes this process and receives the container's SIGTERM directly.
exec "$UVICORN" --factory impl.app:create_app \
    --host "${HOST:-0.0.0.0}" \
    --port "${PORT:-8000}" \
    --workers "${WORKERS:-2}" \
    --proxy-headers \
    --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" \
    --no-server-header
