"""Fixtures for the SDK flow tests: the generated Python SDK on ``sys.path`` and one live server for the session.

The SDK is build output (``make sdk`` writes it to dist/sdk/python), so these tests run through ``make sdk-test``,
which builds it first, and not in ``make test``.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from scripts.live_server import LiveServer, live_server

SDK_ROOT = Path(__file__).resolve().parents[2] / "dist" / "sdk" / "python"
SDK_PACKAGE = "contract_api_client"

# Checked at import time so a missing SDK is one clear error, not an ImportError per test module.
if not (SDK_ROOT / SDK_PACKAGE / "__init__.py").is_file():
    raise pytest.UsageError(f"the Python SDK is not built ({SDK_ROOT / SDK_PACKAGE} is missing): run `make sdk` first")
sys.path.insert(0, str(SDK_ROOT))


@pytest.fixture(scope="session")
async def server(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveServer]:
    """uvicorn on a fresh migrated PostgreSQL database; each test registers its own accounts on it."""
    async with live_server(postgres_url, tmp_path_factory.mktemp("sdk-live-server") / "uvicorn.log") as running:
        yield running
