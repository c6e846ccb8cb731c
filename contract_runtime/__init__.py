"""The contract runtime: the hand-written library every generated package imports.

Generated code stays thin (models, interfaces, routes and one `OperationContract` per operation); everything that
enforces the contract at run time lives here, typed and tested like any other code:

- `contract`: what the spec declares per operation (`OperationContract`, `DeclaredResponse`);
- `problems`: the RFC 9457 problem family and its rendering;
- `checks`: request checks Pydantic cannot express (media type, body size, JSON depth, clean text, uniqueItems);
- `params`: validators for parameter text (UUID, integer, boolean);
- `responses`: only declared statuses, bodies and headers leave the server;
- `routing`: the route class that runs the pipeline, and app-level 404/405 problem handlers;
- `protocols`: what an application plugs in (authenticator, rate limiter, request scope);
- `request_context`: what the application supplies per request (headers every answer carries, the request id).
"""

from contract_runtime import formats  # noqa: F401  (configures format checks on import)
from contract_runtime.contract import ContractViolation, DeclaredResponse, OperationContract
from contract_runtime.params import BOOL_TEXT, INT_TEXT, UUID_TEXT
from contract_runtime.problems import PROBLEM_MEDIA_TYPE, ProblemError, validation_problem
from contract_runtime.protocols import Authenticator, Principal, RateLimiter, RequestScope
from contract_runtime.request_context import reset_request_context, supply_request_context
from contract_runtime.responses import render
from contract_runtime.routing import contract_route, install_problem_handlers

__all__ = [
    "BOOL_TEXT",
    "INT_TEXT",
    "PROBLEM_MEDIA_TYPE",
    "UUID_TEXT",
    "Authenticator",
    "ContractViolation",
    "DeclaredResponse",
    "OperationContract",
    "Principal",
    "ProblemError",
    "RateLimiter",
    "RequestScope",
    "contract_route",
    "install_problem_handlers",
    "render",
    "reset_request_context",
    "supply_request_context",
    "validation_problem",
]
