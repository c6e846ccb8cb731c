"""A real uvicorn (the way the serving entry point runs it), its stderr kept: every line a JSON object with the
common fields, one access line per request, no secret or query string anywhere even at DEBUG; and /metrics adding
up two worker processes."""

from __future__ import annotations

import asyncio
import secrets
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from impl.settings import Settings
from tests.observability.conftest import Server, parse_json_lines, stop, uvicorn_server
from tests.observability.metrics_text import sample

ACCESS_FIELDS = {
    "timestamp",
    "level",
    "logger",
    "event",
    "request_id",
    "operation_id",
    "method",
    "path",
    "status",
    "duration_ms",
    "client",
}


async def _exercise_with_secrets(server: Server) -> tuple[list[str], dict[str, tuple[str, int, str | None]]]:
    """Register, log in, refresh, read, with credentials in a form, headers, a cookie and query strings.
    Returns the secrets sent and, per request id sent, the (path, status, operationId) expected in the log."""
    password = "Pa55-" + secrets.token_hex(8)
    email = f"secret-{uuid.uuid4().hex[:10]}@example.com"
    cookie = "cookie-" + secrets.token_hex(8)
    query_secret = "query-" + secrets.token_hex(8)
    expected: dict[str, tuple[str, int, str | None]] = {}
    sent: list[str] = [password, email, cookie, query_secret]

    async with httpx.AsyncClient(base_url=server.base_url, timeout=30.0) as http:

        async def call(method: str, path: str, status: int, operation: str | None, **kwargs: Any) -> httpx.Response:
            request_id = f"t-{len(expected)}-{uuid.uuid4().hex[:8]}"
            headers = {"X-Request-ID": request_id, **kwargs.pop("headers", {})}
            response = await http.request(method, path, headers=headers, **kwargs)
            assert response.status_code == status, response.text
            assert response.headers["x-request-id"] == request_id
            expected[request_id] = (path, status, operation)
            return response

        await call("POST", "/v1/auth/register", 201, "registerUser", json={"email": email, "password": password})
        form = {"grant_type": "password", "username": email, "password": password}
        tokens = (await call("POST", "/v1/auth/token", 200, "issueToken", data=form)).json()
        access, refresh = tokens["access_token"], tokens["refresh_token"]
        sent += [access, refresh]
        bearer = {"Authorization": f"Bearer {access}", "Cookie": f"session={cookie}"}
        await call("GET", "/v1/users/me", 200, "getCurrentUser", headers=bearer)
        await call("GET", "/v1/items", 200, "listItems", headers=bearer, params={"q": query_secret, "limit": "5"})
        await call("GET", "/v1/users/me", 200, "getCurrentUser", headers=bearer, params={"access_token": access})
        wrong = {"grant_type": "password", "username": email, "password": password + "-wrong"}
        await call("POST", "/v1/auth/token", 400, "issueToken", data=wrong)
        renewed = (
            await call(
                "POST",
                "/v1/auth/token",
                200,
                "issueToken",
                data={"grant_type": "refresh_token", "refresh_token": refresh},
            )
        ).json()
        sent += [renewed["access_token"], renewed["refresh_token"]]
        await call("GET", "/nowhere", 404, None, params={"password": password})
        await call("POST", "/v1/auth/logout", 204, "logout", json={"refresh_token": renewed["refresh_token"]})
    return sent, expected


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
async def test_stderr_is_json_lines_with_an_access_line_per_request_and_no_secrets(
    database_url: str, tmp_path: Path, level: str
) -> None:
    environment = {"LOG_LEVEL": level, "LOG_FORMAT": "json"}
    async with uvicorn_server(database_url, tmp_path, environment=environment) as server:
        sent, expected = await _exercise_with_secrets(server)
        await stop(server)  # every line written, shutdown included
    text = server.stderr()
    records = parse_json_lines(text)  # fails on the first line that is not JSON

    for record in records:
        assert {"timestamp", "level", "logger", "event"} <= record.keys(), record
    events = [record["event"] for record in records]
    assert any(event.startswith("Started server process") for event in events)
    assert "Application shutdown complete." in events

    access = {r["request_id"]: r for r in records if r["logger"] == "access" and r["request_id"] in expected}
    assert access.keys() == expected.keys()
    for request_id, (path, status, operation) in expected.items():
        line = access[request_id]
        assert line.keys() >= ACCESS_FIELDS, line
        assert (line["path"], line["status"], line["operation_id"]) == (path, status, operation)
        assert line["client"] == "127.0.0.1"
        assert line["duration_ms"] > 0
    # Every line written during a request names it.
    in_requests = [r for r in records if r.get("request_id") in expected]
    assert len(in_requests) >= len(expected)

    for secret in sent:
        assert secret not in text, f"a secret reached the log: {secret[:12]}..."
    assert "?" not in "".join(r["path"] for r in access.values())
    assert "Authorization" not in text
    assert "session=" not in text

    levels = {record["level"] for record in records}
    statements = [r for r in records if r["logger"].startswith("sqlalchemy")]
    if level == "DEBUG":
        assert "debug" in levels
        # Statements are logged, their parameters never.
        assert statements
        assert any("parameters hidden" in r["event"] for r in statements)
    else:
        assert "debug" not in levels
        assert statements == []


def _counter_pids(directory: Path) -> set[str]:
    return {file.stem.rsplit("_", 1)[-1] for file in directory.glob("counter_*.db")}


async def test_metrics_add_up_every_worker(database_url: str, tmp_path: Path) -> None:
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"stale, from a previous run")
    environment = {"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "LOG_LEVEL": "WARNING", "LOG_FORMAT": "json"}
    async with uvicorn_server(database_url, tmp_path, workers=2, environment=environment) as server:
        assert not (metrics_dir / "counter_1.db").exists()  # emptied at start
        sent = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60.0
        # New connections, several at a time, until both workers have answered some (the kernel picks).
        while len(_counter_pids(metrics_dir)) < 2:
            assert loop.time() < deadline, "one worker answered everything"

            async def one() -> None:
                async with httpx.AsyncClient(base_url=server.base_url, timeout=10.0) as http:
                    assert (await http.get("/health/live")).status_code == 200

            await asyncio.gather(*(one() for _ in range(10)))
            sent += 10
        # Scrapes land on either worker; each must see the sum over both.
        for _ in range(4):
            async with httpx.AsyncClient(base_url=server.base_url, timeout=10.0) as http:
                text = (await http.get("/metrics")).text
            assert sample(text, "http_requests_total", operation="getLiveness", method="GET", status="200") == sent
            assert sample(text, "http_request_duration_seconds_count", operation="getLiveness", method="GET") == sent
            # Only this scrape is in flight, summed over the live workers.
            assert sample(text, "http_requests_in_flight") == 1
            # PASSWORD_HASH_CONCURRENCY per worker.
            assert sample(text, "password_hash_slots") == 2 * Settings.model_fields["password_hash_concurrency"].default
        await stop(server)
    for record in parse_json_lines(server.stderr()):
        assert {"timestamp", "level", "logger", "event"} <= record.keys()
