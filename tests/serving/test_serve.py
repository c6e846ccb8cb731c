"""``python -m scripts.serve``, the one serving entry point: the settings decide where and how it serves, request heads
are bounded before they are parsed whole, and idle connections live as long as KEEP_ALIVE_TIMEOUT_SECONDS says."""

from __future__ import annotations

import json
import select
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from impl.http_protocol import BoundedHttpToolsProtocol
from impl.settings import Settings
from scripts.serve import uvicorn_options
from tests.serving.server import (
    PROJECT_ROOT,
    SERVE,
    RunningServer,
    request,
    running_server,
    server_environment,
)

HEAD_LIMIT = 8192
KEEP_ALIVE_SECONDS = 30
# uvicorn's own keep-alive timeout, the one that dropped requests behind proxies.
UVICORN_DEFAULT_KEEP_ALIVE_SECONDS = 5


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(
        tmp_path_factory.mktemp("serve"),
        MAX_REQUEST_HEAD_BYTES=str(HEAD_LIMIT),
        KEEP_ALIVE_TIMEOUT_SECONDS=str(KEEP_ALIVE_SECONDS),
    ) as running:
        yield running


def connect(server: RunningServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=10)


def read_response(connection: socket.socket) -> bytes:
    """Everything until the server closes the connection (a reset after the answer included)."""
    received = b""
    while True:
        try:
            chunk = connection.recv(65536)
        except ConnectionResetError:
            return received
        if not chunk:
            return received
        received += chunk


def read_one_response(connection: socket.socket) -> tuple[int, bytes]:
    """One response with a Content-Length body from a connection that stays open."""
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(65536)
        assert chunk, f"the connection closed after {received!r}"
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    while len(body) < int(headers["content-length"]):
        body += connection.recv(65536)
    return int(lines[0].split()[1]), body


def status_and_problem(response: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    problem = json.loads(body[: int(headers["content-length"])])
    assert isinstance(problem, dict)
    return int(lines[0].split()[1]), problem


# --- the settings decide ---------------------------------------------------------------------------------------------


def test_every_serving_option_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("HOST", "192.0.2.10")
    monkeypatch.setenv("PORT", "8531")
    monkeypatch.setenv("WORKERS", "3")
    monkeypatch.setenv("KEEP_ALIVE_TIMEOUT_SECONDS", "90")
    monkeypatch.setenv("MAX_REQUEST_HEAD_BYTES", "4096")
    monkeypatch.setenv("GRACEFUL_SHUTDOWN_SECONDS", "7")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")

    options = uvicorn_options(Settings(_env_file=None))

    assert (options["host"], options["port"], options["workers"]) == ("192.0.2.10", 8531, 3)
    assert options["timeout_keep_alive"] == 90
    assert options["h11_max_incomplete_event_size"] == 4096
    assert options["http"] is BoundedHttpToolsProtocol
    assert options["timeout_graceful_shutdown"] == 7
    assert options["log_level"] == "warning"
    assert options["log_config"] is None  # impl/observability configures logging (JSON lines)
    assert options["access_log"] is False  # our access log leaves query strings out
    # The app resolves forwarded headers (impl/forwarded.py); uvicorn must not do it first.
    assert options["proxy_headers"] is False
    assert options["server_header"] is False


def test_the_default_keep_alive_outlasts_common_proxy_idle_timeouts() -> None:
    # AWS ALB and nginx keep idle upstream connections 60 s: the server must not close first.
    assert Settings(_env_file=None).keep_alive_timeout_seconds > 60


def test_invalid_settings_stop_it_with_a_message(tmp_path: Path) -> None:
    env = server_environment(tmp_path / "app.db", PORT="0", WORKERS="1000")

    result = subprocess.run(
        list(SERVE), cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 2
    assert "PORT" in result.stderr
    assert "WORKERS" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_serves_on_the_port_of_the_settings_and_the_root_leads_to_the_docs(server: RunningServer) -> None:
    answer = request(server.port, "GET", "/")
    assert answer is not None
    status, headers, _ = answer
    assert status == 307
    assert headers["location"] == "/docs"
    assert "server" not in headers

    docs = request(server.port, "GET", headers["location"])
    assert docs is not None
    assert docs[0] == 200
    assert b"swagger-ui" in docs[2]


# --- request heads are bounded -----------------------------------------------------------------------------------


def test_a_huge_header_is_refused_at_the_limit_instead_of_being_read_whole(server: RunningServer) -> None:
    total = 64 * 1024 * 1024
    chunk = b"a" * 65536
    sent = 0
    with connect(server) as connection:
        connection.sendall(b"GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Huge: ")
        while sent < total:
            readable, _, _ = select.select([connection], [], [], 0)
            if readable:
                break  # the server has answered
            try:
                connection.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break  # ... and closed the connection
            sent += len(chunk)
        response = read_response(connection)

    status, problem = status_and_problem(response)
    assert status == 431
    assert problem["status"] == 431
    assert problem["title"] == "Request Header Fields Too Large"
    assert str(HEAD_LIMIT) in str(problem["detail"])
    # Answered while the header was still arriving, not after reading all 64 MB of it.
    assert sent < total
    # The worker is free for everyone else.
    answer = request(server.port, "GET", "/health/live")
    assert answer is not None
    assert answer[0] == 200


def test_a_whole_oversized_head_in_one_read_is_refused(server: RunningServer) -> None:
    with connect(server) as connection:
        connection.sendall(
            b"GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"b" * (HEAD_LIMIT + 100) + b"\r\n\r\n"
        )
        status, problem = status_and_problem(read_response(connection))

    assert status == 431
    assert problem["status"] == 431


def test_an_oversized_request_target_is_refused_with_414(server: RunningServer) -> None:
    with connect(server) as connection:
        target = b"/v1/articles/" + b"a" * (2 * HEAD_LIMIT)
        connection.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: localhost\r\n\r\n")
        status, problem = status_and_problem(read_response(connection))

    assert status == 414
    assert problem["title"] == "URI Too Long"


def test_heads_under_the_limit_and_large_bodies_are_served(server: RunningServer) -> None:
    header_value = "h" * (HEAD_LIMIT - 1024)
    answer = request(server.port, "GET", "/health/live", headers={"X-Large": header_value})
    assert answer is not None
    assert answer[0] == 200

    # A body is not part of the head, and the next request on the same connection starts a fresh count.
    body = json.dumps({"email": "someone@example.com", "password": "x" * (4 * HEAD_LIMIT)}).encode()
    with connect(server) as connection:
        connection.sendall(
            b"POST /v1/auth/register HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        status, _ = read_one_response(connection)
        assert status == 422  # the password is too long: the app read the body and answered
        connection.sendall(
            b"GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Large: " + header_value.encode() + b"\r\n\r\n"
        )
        status, _ = read_one_response(connection)
        assert status == 200


# --- keep-alive ------------------------------------------------------------------------------------------------


def test_an_idle_connection_outlives_uvicorns_default_keep_alive(server: RunningServer) -> None:
    with connect(server) as connection:
        connection.sendall(b"GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert read_one_response(connection)[0] == 200
        # Idle past the 5 s after which uvicorn would have closed it: the idle time is what is tested.
        time.sleep(UVICORN_DEFAULT_KEEP_ALIVE_SECONDS + 1)
        connection.sendall(b"GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert read_one_response(connection)[0] == 200


def test_an_idle_connection_is_closed_after_the_keep_alive_timeout(tmp_path: Path) -> None:
    with running_server(tmp_path, KEEP_ALIVE_TIMEOUT_SECONDS="1") as short, connect(short) as connection:
        connection.sendall(b"GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert read_one_response(connection)[0] == 200
        connection.settimeout(UVICORN_DEFAULT_KEEP_ALIVE_SECONDS - 1)
        # The server closes it (EOF) before uvicorn's own 5 s would have.
        assert connection.recv(1) == b""


@pytest.mark.parametrize(
    "request_head",
    [
        pytest.param(b"FROBNICATE /v1/items HTTP/1.1\r\nHost: localhost\r\n\r\n", id="unknown-method"),
        pytest.param(b"GET /v1/items HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n", id="header-without-colon"),
        pytest.param(b"GET /v1/items HTTP/9.9\r\nHost: localhost\r\n\r\n", id="unknown-version"),
        pytest.param(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", id="tls-to-a-plain-port"),
    ],
)
def test_a_request_the_server_cannot_parse_is_refused_with_a_problem(
    server: RunningServer, request_head: bytes
) -> None:
    with connect(server) as connection:
        connection.sendall(request_head)
        status, problem = status_and_problem(read_response(connection))

    assert status == 400
    assert problem["status"] == 400
    assert problem["title"] == "Bad Request"
