"""The typed model of a document's operations that the templates render. The reader (reader.py) builds it from
the bundled document; the support check (support.py) refuses what it cannot hold; nothing here knows Jinja."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Param:
    name: str  # as the spec spells it
    location: str  # path, query, header, cookie
    keyword: str  # the implementation's keyword argument
    required: bool
    style: str
    explode: bool
    schema: Any  # the schema as written (may be a $ref)
    content_type: str | None
    description: str
    pointer: str
    # Filled by the type step:
    py_type: str = ""  # what the implementation receives
    field_meta: str = ""  # Pydantic Field(...) and validators, for the parameters dataclass
    default: str | None = None  # Python source of the default, for optional parameters
    skeleton: Any = None


@dataclass
class Encoding:
    content_type: str | None
    style: str
    explode: bool


@dataclass
class Media:
    media_type: str
    kind: str  # json, xml, form, multipart, text, binary
    schema: Any  # as written, or a $ref to the hoisted component
    encoding: dict[str, Encoding]
    examples: list[Any]
    pointer: str
    py_type: str = ""  # the body's type in the interface
    runtime_type: str = "None"  # what MediaSpec.type is
    skeleton: Any = None
    xml_name: str | None = None

    @property
    def is_problem(self) -> bool:
        return self.media_type.split(";")[0].strip().lower() in ("application/problem+json", "application/problem+xml")


@dataclass
class Body:
    required: bool
    media: list[Media]
    pointer: str

    @property
    def py_type(self) -> str:
        return " | ".join(dict.fromkeys(m.py_type for m in self.media))


@dataclass
class Header:
    name: str
    required: bool
    schema: Any
    supplied_by: str | None
    const: str | None
    keyword: str | None = None  # set when the implementation supplies it
    py_type: str = ""
    runtime_type: str = ""  # the type (with its constraints) a value the implementation supplies is checked by
    skeleton: Any = None


@dataclass
class Response:
    status: str  # "200", "2XX", "default"
    description: str
    media: list[Media]
    headers: list[Header]
    shared_name: str | None  # the constant of a shared response (components/responses)
    defaults: dict[str, Any]
    pointer: str
    class_name: str = ""  # its typed result, when the implementation answers with one

    @property
    def exact(self) -> bool:
        return self.status.isdigit()

    @property
    def is_problem_only(self) -> bool:
        return bool(self.media) and all(m.is_problem for m in self.media)

    @property
    def result_headers(self) -> list[Header]:
        return [h for h in self.headers if h.keyword]

    @property
    def body_type(self) -> str | None:
        if not self.media:
            return None
        return " | ".join(dict.fromkeys(m.py_type for m in self.media))


@dataclass
class Requirement:
    scheme: str
    scopes: list[str]


@dataclass
class SecurityScheme:
    name: str
    constant: str
    type: str
    location: str | None
    parameter: str | None
    http_scheme: str | None


@dataclass
class Operation:
    operation_id: str  # as the spec spells it (or derived)
    name: str  # the interface method
    constant: str
    method: str
    path: str
    group: str  # the interface it belongs to
    summary: str
    description: str
    params: list[Param]
    body: Body | None
    responses: list[Response]
    security: list[list[Requirement]]  # alternatives; [] for none; an empty alternative makes it optional
    pointer: str
    callbacks: list[Outgoing] = field(default_factory=list)
    head_of: Operation | None = None  # a HEAD served by this GET
    rate_limited: bool = False
    max_body_bytes: int | None = None
    max_json_depth: int | None = None
    unique_item_paths: list[list[str]] = field(default_factory=list)
    # Filled by the type step:
    params_class: str = ""
    principal_mode: str = "single"
    result_mode: str = "bare"
    default_status: int | None = None
    return_type: str = "None"
    aliases: dict[str, str] = field(default_factory=dict)  # named Literal types of enum parameters
    # When its answers' media types hold different Python types (a model as JSON, a string as CSV), the
    # implementation is told which one the client negotiated, as this keyword.
    media_type_keyword: str | None = None
    media_type_alias: str = ""  # its type: a named Literal of the media types

    @property
    def principal_type(self) -> str:
        base = "Principal" if self.principal_mode == "single" else "Authenticated[Principal]"
        return f"{base} | None" if self.optional_security else base

    @property
    def secured(self) -> bool:
        return any(alt for alt in self.security)

    @property
    def optional_security(self) -> bool:
        return any(not alt for alt in self.security)

    @property
    def results(self) -> list[Response]:
        return [r for r in self.responses if r.class_name]

    @property
    def label(self) -> str:
        return f"{self.operation_id} ({self.method} {self.path})"


@dataclass
class Outgoing:
    """A webhook or callback request this API sends."""

    name: str  # the sender method
    constant: str
    label: str  # webhook name or callback name + expression
    method: str
    url_expression: str | None  # callbacks: the runtime expression for the URL
    params: list[Param]
    body: Body | None
    responses: list[Response]
    pointer: str
    reply_type: str = "Any"  # the body of a reply the spec declares: a model (JSON), bytes, or None (empty)


@dataclass
class Group:
    name: str  # the tag (or "default")
    module: str
    class_name: str
    keyword: str  # create_app's keyword argument
    operations: list[Operation]

    @property
    def generic(self) -> bool:
        return any(op.secured for op in self.operations)


@dataclass
class Api:
    source: str
    title: str
    openapi: str
    groups: list[Group]
    operations: list[Operation]
    heads: list[Operation]  # HEAD operations served by their GET
    webhooks: list[Outgoing]
    schemes: dict[str, SecurityScheme]
    shared_responses: list[Response]
    skeletons: dict[str, Any] = field(default_factory=dict)
    pattern_messages: dict[str, str] = field(default_factory=dict)  # pattern -> its x-pattern-message

    @property
    def secured(self) -> bool:
        return any(op.secured for op in self.operations)

    @property
    def callbacks(self) -> list[tuple[Operation, Outgoing]]:
        return [(op, cb) for op in self.operations for cb in op.callbacks]
