"""Which database errors mean "the database is unavailable" (an answer of 503), as opposed to a bug (500).

The drivers report an unreachable, stopped, frozen or overloaded database in many shapes: the socket's own errors
(refused, reset), timeouts (connect, command, the pool's checkout), the server telling a session it is shutting
down or cancelling a statement that outlived `statement_timeout`, asyncpg noticing the connection is gone, and
SQLite's "database is locked" once the busy timeout has passed. All of them are classified here, in one place.
"""

from __future__ import annotations

import sqlite3
from typing import Final

import asyncpg
from sqlalchemy import exc as sa_exc

from impl.outages import describe

__all__ = ["database_unavailable_cause", "describe_database_error"]

# SQLSTATE classes and codes that say the server cannot do the work now, not that the request is wrong:
# 08 connection exception, 53 insufficient resources (e.g. too many connections), 57014 query_canceled (our
# statement_timeout), 57P0x the server is shutting down / starting up, 40P01 deadlock and 40001 serialization
# failures are NOT here: they are races, which the operations handle as such.
_UNAVAILABLE_SQLSTATE_CLASSES: Final = ("08", "53")
_UNAVAILABLE_SQLSTATES: Final = frozenset({"57014", "57P01", "57P02", "57P03", "57P04", "57P05"})

# asyncpg's client-side errors when the connection broke (its "connection is closed" InterfaceError) or was left
# mid-operation by a timeout (InternalClientError). Other InterfaceErrors are misuse, i.e. bugs: not here.
_CLOSED_CONNECTION_TEXT: Final = "closed"


def _sqlstate(error: BaseException) -> str | None:
    state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    return state if isinstance(state, str) else None


def _driver_error_is_unavailable(error: BaseException) -> bool:
    if isinstance(error, OSError):  # refused, reset, unreachable; TimeoutError is one too
        return True
    if isinstance(error, asyncpg.exceptions.InternalClientError):
        return True
    if isinstance(error, asyncpg.exceptions.InterfaceError):
        return _CLOSED_CONNECTION_TEXT in str(error)
    state = _sqlstate(error)
    if state is not None:
        return state in _UNAVAILABLE_SQLSTATES or state.startswith(_UNAVAILABLE_SQLSTATE_CLASSES)
    if isinstance(error, sqlite3.OperationalError):
        text = str(error).lower()
        return "database is locked" in text or "unable to open database" in text
    return False


def database_unavailable_cause(error: BaseException) -> BaseException | None:
    """The underlying error when `error` means the database is unavailable (503); None for anything else."""
    if isinstance(error, sa_exc.TimeoutError):  # the pool had no connection to give within pool_timeout
        return error
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return error.orig or error
        original = error.orig
        # SQLAlchemy wraps the driver's error; asyncpg's own is one level further down.
        for candidate in (original, getattr(original, "__cause__", None)):
            if candidate is not None and _driver_error_is_unavailable(candidate):
                return candidate
        return None
    if _driver_error_is_unavailable(error):
        return error
    return None


def describe_database_error(error: BaseException) -> str:
    """One line naming the cause (parameters are hidden by the engine; no traceback)."""
    cause = database_unavailable_cause(error) or error
    if isinstance(cause, TimeoutError | sa_exc.TimeoutError):
        kind = "pool checkout timed out" if isinstance(cause, sa_exc.TimeoutError) else "no answer in time"
        return f"{kind} ({type(cause).__name__})"
    return describe(cause)
