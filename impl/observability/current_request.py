"""The request being answered, for log lines and metrics: its ASGI scope and what answered it.

The router records the matched route in the scope (`scope["route"]`) before the operation runs, so log lines
written during an operation can name its operationId without the operation passing it along.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from contextvars import ContextVar
from typing import Any

Scope = MutableMapping[str, Any]

current_scope: ContextVar[Scope | None] = ContextVar("current_scope", default=None)

# The label of a request no route answered (404) or no route allowed (405): a fixed value keeps the metrics'
# label sets bounded whatever paths clients try.
UNMATCHED = "unmatched"


def _matched_route(scope: Scope) -> Any:
    route = scope.get("route")
    methods = getattr(route, "methods", None)
    # A 405 comes from a route that matched the path only: it did not answer this method.
    if route is None or (methods and scope.get("method") not in methods):
        return None
    return route


def operation_id_of(scope: Scope) -> str | None:
    """The spec's operationId of the operation that answered, if one did."""
    operation_id = getattr(_matched_route(scope), "operation_id", None)
    return operation_id if isinstance(operation_id, str) else None


def route_label_of(scope: Scope) -> str:
    """operationId for spec operations, the path template for other routes (docs, /metrics, mounted assets),
    else `unmatched`."""
    route = _matched_route(scope)
    operation_id = getattr(route, "operation_id", None)
    if isinstance(operation_id, str):
        return operation_id
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    if route is None and "endpoint" in scope and scope.get("root_path"):
        # A Mount (static files) records where it is mounted, not a route.
        return f"{scope['root_path']}/{{path}}"
    return UNMATCHED
