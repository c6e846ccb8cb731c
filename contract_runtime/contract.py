"""What the spec declares per operation, as generated code hands it to the runtime.

Everything here is plain data: the generator writes one `OperationContract` per operation (and one
`OutgoingContract` per webhook or callback), and the runtime enforces it both ways.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# A decoding skeleton of a JSON Schema: `type`, `items`, `properties`, `additionalProperties`, `oneOf`/`anyOf`,
# `format`, `xml`, and `{"$ref": "<name>"}` into the package's schema registry. Text inputs (parameters, forms,
# multipart parts, XML) are decoded by it before Pydantic validates them.
Schema = Mapping[str, Any]

# Media kinds: how a body of that media type is read and written.
JSON, XML, FORM, MULTIPART, TEXT, BINARY = "json", "xml", "form", "multipart", "text", "binary"


@dataclass(frozen=True)
class Encoding:
    """How one property of a form or multipart body is encoded (OpenAPI Encoding Object)."""

    content_type: str | None = None
    style: str = "form"
    explode: bool = True


@dataclass(frozen=True)
class MediaSpec:
    """One declared media type of a body: how it is read or written, and the Python type it holds."""

    media_type: str  # as declared; may be a range such as image/*
    kind: str  # JSON, XML, FORM, MULTIPART, TEXT or BINARY
    type: Any = None  # what a body of this media type validates into; None: no schema (any bytes)
    schema: Schema = field(default_factory=dict)
    encoding: Mapping[str, Encoding] = field(default_factory=dict)
    xml_name: str | None = None  # the root element of an XML body


@dataclass(frozen=True)
class RequestBodySpec:
    required: bool
    media: tuple[MediaSpec, ...]


@dataclass(frozen=True)
class ParameterSpec:
    name: str  # as the spec spells it
    location: str  # path, query, header or cookie
    keyword: str  # the keyword the implementation receives
    required: bool = False
    style: str = "form"
    explode: bool = True
    schema: Schema = field(default_factory=dict)
    content_type: str | None = None  # a content-typed parameter (its value is a document, e.g. JSON)


@dataclass(frozen=True)
class HeaderSpec:
    name: str
    required: bool = False
    schema: Schema = field(default_factory=dict)
    supplied_by: str | None = None  # `x-supplied-by`: a runtime hook adds it (e.g. the rate limiter)
    const: str | None = None  # a fixed value: the runtime sends it itself
    keyword: str | None = None  # the typed result's attribute, when the implementation supplies it
    type: Any = None  # what a value the implementation supplies must validate as (its schema's constraints)


@dataclass(frozen=True)
class DeclaredResponse:
    status: str  # "200", "2XX" or "default"
    content: tuple[MediaSpec, ...] = ()
    headers: tuple[HeaderSpec, ...] = ()
    defaults: Mapping[str, Any] = field(default_factory=dict)  # of required problem members, from the spec

    @property
    def required_headers(self) -> tuple[str, ...]:
        return tuple(h.name for h in self.headers if h.required)

    @property
    def fixed_headers(self) -> dict[str, str]:
        return {h.name: h.const for h in self.headers if h.const is not None}

    def header(self, name: str) -> HeaderSpec | None:
        lowered = name.lower()
        return next((h for h in self.headers if h.name.lower() == lowered), None)


@dataclass(frozen=True)
class SecurityScheme:
    name: str
    type: str  # apiKey, http, oauth2 or openIdConnect
    location: str | None = None  # apiKey: header, query or cookie
    parameter: str | None = None  # apiKey: the header, query parameter or cookie name
    http_scheme: str | None = None  # http: basic, bearer, ...


@dataclass(frozen=True)
class SecurityRequirement:
    scheme: SecurityScheme
    scopes: tuple[str, ...] = ()


# One alternative of an operation's `security`: every requirement in it must hold (AND). An empty alternative
# makes authentication optional.
Alternative = tuple[SecurityRequirement, ...]


def response_for(responses: Mapping[str, DeclaredResponse], status: int) -> DeclaredResponse | None:
    """The declared response for a status: the exact code, else its range (4XX), else `default`."""
    return responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")


@dataclass(frozen=True)
class OperationContract:
    operation_id: str
    method: str
    path: str
    responses: Mapping[str, DeclaredResponse]
    parameters: tuple[ParameterSpec, ...] = ()
    parameters_type: type | None = None  # a dataclass the decoded parameters validate into
    body: RequestBodySpec | None = None
    security: tuple[Alternative, ...] = ()  # no alternatives: the operation is public
    # How the implementation receives the principal: "single" (one scheme: its principal) or "authenticated"
    # (several schemes: an `Authenticated` naming the schemes that held).
    principal_mode: str = "single"
    # How the implementation answers: "bare" (the body of `default_status`) or "result" (a typed result object).
    result_mode: str = "bare"
    default_status: int | None = None
    schemas: Mapping[str, Schema] = field(default_factory=dict)  # the package's skeleton registry
    # pattern -> the spec's `x-pattern-message`: what a value breaking that pattern is told instead of the regex.
    pattern_messages: Mapping[str, str] = field(default_factory=dict)
    unique_item_paths: tuple[tuple[str, ...], ...] = ()
    # Checked before the operation runs, each only when the spec declares the status that answers it.
    rate_limited: bool = False  # 429
    max_body_bytes: int | None = None  # 413
    max_json_depth: int | None = None  # 400

    def response_for(self, status: int) -> DeclaredResponse | None:
        return response_for(self.responses, status)

    @property
    def success_media_types(self) -> tuple[str, ...]:
        """Every media type a success of this operation may come in (what `Accept` is negotiated against)."""
        found: list[str] = []
        for key, declared in self.responses.items():
            if key.startswith("2") or key == "default":
                found.extend(m.media_type for m in declared.content if m.media_type not in found)
        return tuple(found)


@dataclass(frozen=True)
class OutgoingContract:
    """A request this API sends (a webhook or a callback), and the replies it may get."""

    name: str
    method: str
    responses: Mapping[str, DeclaredResponse]
    parameters: tuple[ParameterSpec, ...] = ()
    body: RequestBodySpec | None = None
    schemas: Mapping[str, Schema] = field(default_factory=dict)


class ContractViolation(Exception):
    """The implementation produced something the spec does not allow."""
