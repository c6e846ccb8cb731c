from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.codegen import features


@pytest.fixture(scope="session")
def feature_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every feature fixture generated once per session (see tests/codegen/features.py)."""
    root = tmp_path_factory.mktemp("features")
    features.build(root)
    return root


Connect = Callable[[Any], httpx.AsyncClient]


@pytest.fixture
async def connect() -> AsyncIterator[Connect]:
    """An HTTP client for an app, in process (ASGI): requests go through the generated routes and the runtime."""
    clients: list[httpx.AsyncClient] = []

    def client(app: Any) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        made = httpx.AsyncClient(transport=transport, base_url="http://test")
        clients.append(made)
        return made

    yield client
    for made in clients:
        await made.aclose()
