"""Log configuration: every log line, ours and the libraries', as one JSON object (or a readable console line).

structlog renders both structlog's loggers and the standard library's (uvicorn, SQLAlchemy, our modules' `logging`
loggers) through one handler on the root logger, so every line has the same fields: `timestamp`, `level`,
`logger`, `event`, and during a request `request_id` and `operation_id` (plus `trace_id`/`span_id` when tracing).

`configure_logging` is idempotent and cheap: the app factory calls it in every worker process, and the serving
entry point may call it first so the supervisor's own lines look the same. uvicorn must not install its own
handlers on top: pass it `uvicorn_log_options()` (`log_config=None`, no access log: ours replaces it, without
query strings).
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any, Literal, TextIO

import structlog
from opentelemetry import trace
from structlog.typing import EventDict, Processor, WrappedLogger

from impl.observability.current_request import current_scope, operation_id_of
from impl.settings import Settings

HANDLER_NAME = "contract-api"
ACCESS_LOGGER = "access"

# Our own code: LOG_LEVEL applies as it is.
_OWN_LOGGERS = ("impl", "generated", "contract_runtime", "scripts", "alembic", ACCESS_LOGGER)
_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.asgi")

# Keys whose values never reach a log line, whoever logs them (values of structured fields, not message text).
_SECRET_KEY = re.compile(r"(?i)pass(word|wd)?|secret|token|authori[sz]ation|cookie|api[-_]?key|credential")
REDACTED = "[redacted]"


def effective_log_format(settings: Settings) -> Literal["json", "console"]:
    if settings.log_format is not None:
        return settings.log_format
    return "console" if settings.environment == "development" else "json"


def _add_request_fields(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    scope = current_scope.get()
    if scope is not None:
        operation_id = operation_id_of(scope)
        if operation_id is not None:
            event_dict.setdefault("operation_id", operation_id)
    span_context = trace.get_current_span().get_span_context()
    if span_context.is_valid:
        event_dict.setdefault("trace_id", format(span_context.trace_id, "032x"))
        event_dict.setdefault("span_id", format(span_context.span_id, "016x"))
    return event_dict


def _redact_secrets(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    for key in list(event_dict):
        if not key.startswith("_") and _SECRET_KEY.search(key):
            event_dict[key] = REDACTED
    return event_dict


def _drop_duplicates(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    # uvicorn sends a second, ANSI-coloured copy of some messages as an `extra`; a record another handler formatted
    # first carries its text again as `message`.
    event_dict.pop("color_message", None)
    event_dict.pop("message", None)
    return event_dict


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        _add_request_fields,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
        _drop_duplicates,
        _redact_secrets,
    ]


def _renderer(log_format: Literal["json", "console"], stream: TextIO) -> list[Processor]:
    if log_format == "json":
        return [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
    # Plain tracebacks: rich's would print every frame's local variables, passwords included.
    return [
        structlog.dev.ConsoleRenderer(
            colors=stream.isatty(), exception_formatter=structlog.dev.plain_traceback, sort_keys=False
        )
    ]


def _configure_structlog() -> None:
    # The same chain whatever the settings (the renderer is the handler's), so loggers may be cached on first use.
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


# At import, before any module of ours can log through structlog.
_configure_structlog()


def configure_logging(settings: Settings, *, stream: TextIO | None = None) -> None:
    """Route every logger through one structlog-formatted handler on stderr (or `stream`), at LOG_LEVEL."""
    stream = stream or sys.stderr
    level = logging.getLevelNamesMapping()[settings.log_level]
    shared = _shared_processors()
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.ExtraAdder(), *shared],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            *_renderer(effective_log_format(settings), stream),
        ],
    )
    handler = logging.StreamHandler(stream)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(formatter)

    root = logging.getLogger()
    for existing in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(existing)
    root.addHandler(handler)
    # Other libraries never log below INFO: their debug output can carry data (aiosqlite logs each statement with
    # its parameters, multipart parsers log form fields).
    root.setLevel(max(level, logging.INFO))
    for name in _OWN_LOGGERS:
        logging.getLogger(name).setLevel(level)
    for name in _UVICORN_LOGGERS:
        _propagate_only(name, level)
    # Our access log replaces uvicorn's, which prints query strings (credentials in a URL would end up in logs).
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    access.disabled = True
    # SQLAlchemy logs every statement at INFO and result rows at DEBUG: statements only with LOG_LEVEL=DEBUG
    # (their parameters are hidden by the engine), rows never.
    _propagate_only("sqlalchemy", logging.INFO if level <= logging.DEBUG else max(level, logging.WARNING))


def _propagate_only(name: str, level: int) -> None:
    logger = logging.getLogger(name)
    logger.handlers.clear()
    logger.propagate = True
    logger.disabled = False
    logger.setLevel(level)


def uvicorn_log_options() -> dict[str, Any]:
    """Keyword arguments for `uvicorn.run`/`uvicorn.Config`: leave logging to `configure_logging`."""
    return {"log_config": None, "access_log": False}


_access_logger = structlog.get_logger(ACCESS_LOGGER)


def access_logger() -> Any:
    return _access_logger
