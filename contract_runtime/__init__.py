"""The contract runtime: the hand-written library every generated package imports.

Generated code stays thin (models, interfaces, per-operation contracts and adapters); everything that enforces the
contract at run time lives here, typed and tested like any other code:

- `contract`: what the spec declares (`OperationContract`, `DeclaredResponse`, media, parameters, security);
- `routing`: the operation pipeline and its routes, `build_app`, the app-level 404/405/500 handlers;
- `params`, `text`, `bodies`, `xml`: reading parameters and bodies as the spec's styles and media types say;
- `responses`, `encoding`, `media`: only declared statuses, media types (negotiated on Accept), bodies and headers
  leave;
- `security`: credentials per scheme, alternatives, the principal; `middleware`: operation middlewares;
- `problems`: the RFC 9457 problem family; `checks`: limits and clean text; `files`: uploads and binary answers;
- `interfaces`: the generated interfaces' base; `webhooks`: validated outgoing requests;
- `protocols`: the rate limiter and request scope an application plugs in;
- `request_context`: what the application supplies per request (headers every answer carries, the request id);
- `unchecked`: answer models built fast without validation (the runtime validates every answer it sends).
"""

from contract_runtime import formats  # noqa: F401  (configures format checks on import)
from contract_runtime.contract import (
    Alternative,
    ContractViolation,
    DeclaredResponse,
    Encoding,
    HeaderSpec,
    MediaSpec,
    OperationContract,
    OutgoingContract,
    ParameterSpec,
    RequestBodySpec,
    SecurityRequirement,
    SecurityScheme,
)
from contract_runtime.files import Binary, UploadedFile, UploadedFiles
from contract_runtime.interfaces import MissingOperations, OperationInterface, check_implementation
from contract_runtime.middleware import CallNext, OperationMiddleware
from contract_runtime.params import (
    BOOL_TEXT,
    DATE_TEXT,
    DATE_TIME_TEXT,
    EMAIL_TEXT,
    INT_TEXT,
    STRICT_NUMBER,
    URI_TEXT,
    UUID_TEXT,
)
from contract_runtime.problems import PROBLEM_MEDIA_TYPE, ProblemError, validation_problem
from contract_runtime.protocols import Principal, RateLimiter, RequestScope
from contract_runtime.request_context import reset_request_context, supply_request_context
from contract_runtime.routing import (
    Arguments,
    BoundOperation,
    Runtime,
    build_app,
    install_problem_handlers,
    mount,
)
from contract_runtime.security import Authenticated, Authenticator, Credential
from contract_runtime.unchecked import construct, construct_root
from contract_runtime.webhooks import HttpTransport, Reply, UndeclaredReply, WebhookTransport, send

__all__ = [
    "BOOL_TEXT",
    "DATE_TEXT",
    "DATE_TIME_TEXT",
    "EMAIL_TEXT",
    "INT_TEXT",
    "PROBLEM_MEDIA_TYPE",
    "STRICT_NUMBER",
    "URI_TEXT",
    "UUID_TEXT",
    "Alternative",
    "Arguments",
    "Authenticated",
    "Authenticator",
    "Binary",
    "BoundOperation",
    "CallNext",
    "ContractViolation",
    "Credential",
    "DeclaredResponse",
    "Encoding",
    "HeaderSpec",
    "HttpTransport",
    "MediaSpec",
    "MissingOperations",
    "OperationContract",
    "OperationInterface",
    "OperationMiddleware",
    "OutgoingContract",
    "ParameterSpec",
    "Principal",
    "ProblemError",
    "RateLimiter",
    "Reply",
    "RequestBodySpec",
    "RequestScope",
    "Runtime",
    "SecurityRequirement",
    "SecurityScheme",
    "UndeclaredReply",
    "UploadedFile",
    "UploadedFiles",
    "WebhookTransport",
    "build_app",
    "check_implementation",
    "construct",
    "construct_root",
    "install_problem_handlers",
    "mount",
    "reset_request_context",
    "send",
    "supply_request_context",
    "validation_problem",
]
