"""The log configuration itself: JSON lines with the common fields, console in development, LOG_LEVEL for our
loggers, uvicorn's and SQLAlchemy's, secrets redacted from structured fields."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import structlog

from impl.observability.logging import REDACTED, effective_log_format, uvicorn_log_options
from impl.settings import Settings
from tests.observability.conftest import LogLines


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **{"log_level": "INFO", "log_format": "json", **values})


def test_stdlib_and_structlog_loggers_write_one_json_object_per_line(capture_logs: Any) -> None:
    lines: LogLines = capture_logs(settings())
    logging.getLogger("impl.items").warning("stock is %s", "low")
    structlog.get_logger("impl.auth").info("login refused", reason="wrong password")
    logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("contract_runtime").exception("unhandled error in getItem")

    records = lines.records()
    assert [r["event"] for r in records] == [
        "stock is low",
        "login refused",
        "Started server process [42]",
        "unhandled error in getItem",
    ]
    for record in records:
        assert {"timestamp", "level", "logger", "event"} <= record.keys()
        assert record["timestamp"].endswith("Z")
    assert [r["logger"] for r in records] == ["impl.items", "impl.auth", "uvicorn.error", "contract_runtime"]
    assert [r["level"] for r in records] == ["warning", "info", "info", "error"]
    assert records[1]["reason"] == "wrong password"
    # The traceback travels inside the one JSON line.
    assert "RuntimeError: boom" in records[3]["exception"]
    assert len(lines.text().strip().splitlines()) == 4


def test_request_context_is_on_every_line_bound_during_a_request(capture_logs: Any) -> None:
    lines: LogLines = capture_logs(settings())
    with structlog.contextvars.bound_contextvars(request_id="req-1"):
        logging.getLogger("impl").info("inside")
    logging.getLogger("impl").info("outside")
    inside, outside = lines.records()
    assert inside["request_id"] == "req-1"
    assert "request_id" not in outside


@pytest.mark.parametrize(
    "key", ["password", "new_password", "access_token", "refresh_token", "authorization", "cookie", "secret_key"]
)
def test_secret_fields_are_redacted_whoever_logs_them(capture_logs: Any, key: str) -> None:
    lines: LogLines = capture_logs(settings())
    structlog.get_logger("impl").info("oops", **{key: "hunter2-value"})
    logging.getLogger("impl").info("oops too", extra={key: "hunter2-value"})
    assert "hunter2-value" not in lines.text()
    assert [r[key] for r in lines.records()] == [REDACTED, REDACTED]


@pytest.mark.parametrize(
    ("level", "shown", "hidden"),
    [
        ("DEBUG", ["impl", "uvicorn.error", "sqlalchemy.engine.Engine:info"], ["sqlalchemy.engine.Engine:debug"]),
        ("INFO", ["impl", "uvicorn.error"], ["impl:debug", "sqlalchemy.engine.Engine:info"]),
        ("WARNING", ["impl:warning", "sqlalchemy.engine.Engine:warning"], ["impl", "uvicorn.error"]),
        ("ERROR", ["impl:error"], ["impl:warning", "uvicorn.error:warning"]),
    ],
)
def test_log_level_applies_to_ours_uvicorns_and_sqlalchemys(
    capture_logs: Any, level: str, shown: list[str], hidden: list[str]
) -> None:
    """`name` logs at INFO, `name:level` at that level. SQLAlchemy's statements (INFO) only at DEBUG, its result
    rows (DEBUG) never; other libraries never below INFO."""
    lines: LogLines = capture_logs(settings(log_level=level))

    def emit(spec: str) -> None:
        name, _, at = spec.partition(":")
        logging.getLogger(name).log(logging.getLevelNamesMapping()[(at or "info").upper()], spec)

    for spec in [*shown, *hidden]:
        emit(spec)
    assert [r["event"] for r in lines.records()] == shown


def test_libraries_never_log_below_info(capture_logs: Any) -> None:
    lines: LogLines = capture_logs(settings(log_level="DEBUG"))
    logging.getLogger("aiosqlite").debug("executing INSERT ... ('ada@example.com', 'hash')")
    logging.getLogger("impl").debug("ours")
    assert [r["event"] for r in lines.records()] == ["ours"]


def test_uvicorn_access_log_is_off_ours_replaces_it(capture_logs: Any) -> None:
    lines: LogLines = capture_logs(settings())
    logging.getLogger("uvicorn.access").info('127.0.0.1 - "GET /v1/items?password=x HTTP/1.1" 200')
    assert lines.text() == ""
    assert uvicorn_log_options() == {"log_config": None, "access_log": False}


def test_console_format_in_development_json_elsewhere(capture_logs: Any) -> None:
    assert effective_log_format(Settings(_env_file=None, environment="development")) == "console"
    assert effective_log_format(Settings(_env_file=None, environment="test")) == "json"
    assert effective_log_format(Settings(_env_file=None, environment="development", log_format="json")) == "json"
    lines: LogLines = capture_logs(Settings(_env_file=None, environment="development", log_level="INFO"))
    structlog.get_logger("impl").info("readable", answer=42)
    text = lines.text()
    assert "readable" in text
    assert "answer=42" in text
    with pytest.raises(json.JSONDecodeError):
        json.loads(text.splitlines()[0])


def test_configuring_twice_keeps_one_handler(capture_logs: Any) -> None:
    capture_logs(settings())
    lines: LogLines = capture_logs(settings())
    logging.getLogger("impl").info("once")
    assert len(lines.records()) == 1


def test_log_level_and_format_are_case_insensitive() -> None:
    configured = Settings(_env_file=None, log_level="debug", log_format="JSON")
    assert (configured.log_level, configured.log_format) == ("DEBUG", "json")
