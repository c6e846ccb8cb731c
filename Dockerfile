# syntax=docker/dockerfile:1
# Production image: `docker build -t contract-api .`, then see docker-compose.yml for a full stack.
# Both stages use the same base image: the virtualenv built in the first links to its interpreter.
ARG PYTHON_IMAGE=python:3.11-slim

# --- builder: resolve the locked runtime dependencies into /app/.venv ------------------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

# The uv release the lock file was made with.
RUN pip install --no-cache-dir uv==0.13.9

WORKDIR /app

# Dependencies first: this layer is rebuilt only when pyproject.toml or uv.lock change.
# --frozen: install exactly uv.lock, fail instead of re-resolving; --no-dev: no test tooling.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project

COPY openapi.yaml alembic.ini ./
COPY contract_runtime ./contract_runtime
COPY generated ./generated
COPY impl ./impl
COPY alembic ./alembic
COPY scripts ./scripts
# The executable bit does not survive every checkout (e.g. on Windows); set it here.
RUN chmod 0755 scripts/entrypoint.sh \
    && python -m compileall -q contract_runtime generated impl alembic scripts

# --- runtime: the virtualenv and the app, run as an unprivileged user ------------------------------
FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="contract-api" \
      org.opencontainers.image.description="Contract-first Users / Items / Articles HTTP API"

# No login shell, no home, no write access to the code (it stays owned by root).
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin app

ENV PATH=/app/.venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ENVIRONMENT=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    WORKERS=2

WORKDIR /app
COPY --from=builder /app /app

# Numeric (the `app` user created above), so Kubernetes' runAsNonRoot can verify it.
USER 10001:10001

EXPOSE 8000

# slim has no curl: ask Python. Any error or non-2xx status (urlopen raises) marks the container unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/health/ready', timeout=4)"]

ENTRYPOINT ["/app/scripts/entrypoint.sh"]
