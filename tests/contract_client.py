"""Response validation against openapi.yaml for every httpx response a test receives.

``contract_client()`` builds an ``httpx.AsyncClient`` whose response event hook validates each response with
openapi-core before the test sees it:

- a response to an operation of the spec must have a declared status, a declared content type, a body that
  validates against the declared schema (``application/problem+json`` included) and every required header; a
  response declared without content must have an empty body; a problem document's ``status`` must equal the HTTP
  status and its ``instance`` must be the request path;
- a response outside the spec (``/docs``, ``/openapi.json``, unknown paths) is not checked against an operation,
  but when its status is >= 400 it must be a problem document (``application/problem+json`` that validates
  against ``#/components/schemas/Problem``); a method the spec does not declare on a spec path must get 405.

A violation raises ``AssertionError`` naming the operation, the status and the validation error. The spec is
parsed once per process.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import jsonschema  # type: ignore[import-untyped]
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

__all__ = [
    "HTTP_METHODS",
    "PROBLEM_MEDIA_TYPE",
    "SPEC_PATH",
    "ContractValidator",
    "contract_client",
    "is_uri_reference",
    "openapi",
    "operations",
    "spec_document",
]

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"
PROBLEM_MEDIA_TYPE = "application/problem+json"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# RFC 3986 section 4.1: URI-reference = URI / relative-ref. Checked character by character (every character must be
# unreserved, reserved or part of a percent-encoding), then the scheme, if any, must be well formed (appendix B
# splits the reference; section 3.1 gives the scheme grammar).
_URI_CHARACTERS = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
_URI_SPLIT = re.compile(r"^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")


def is_uri_reference(value: object) -> bool:
    """The ``uri-reference`` format (RFC 3986 URI-reference); non-strings pass, as JSON Schema formats do."""
    if not isinstance(value, str):
        return True
    if not _URI_CHARACTERS.fullmatch(value):
        return False
    parts = _URI_SPLIT.match(value)
    if parts is None:
        return False
    scheme = parts.group(1)
    return scheme is None or _SCHEME.fullmatch(scheme) is not None


@functools.cache
def spec_document() -> dict[str, Any]:
    """openapi.yaml as a plain document (parsed once)."""
    document = yaml.safe_load(SPEC_PATH.read_bytes())
    assert isinstance(document, dict)
    return document


@functools.cache
def openapi() -> OpenAPI:
    """The openapi-core application for openapi.yaml (built once)."""
    config = Config(
        extra_media_type_deserializers={PROBLEM_MEDIA_TYPE: json.loads},
        extra_format_validators={"uri-reference": is_uri_reference},
    )
    return OpenAPI.from_file_path(str(SPEC_PATH), config=config)


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    """Every operation of the spec as (path, method, operation object), in document order."""
    found: list[tuple[str, str, dict[str, Any]]] = []
    for path, item in spec_document()["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                found.append((path, method, item[method]))
    return found


@functools.cache
def _problem_validator() -> Any:
    document = spec_document()
    schema = {"$ref": "#/components/schemas/Problem", "components": document["components"]}
    checker = jsonschema.FormatChecker()
    checker.checks("uri-reference")(is_uri_reference)
    validator_class = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return validator_class(schema, format_checker=checker)


@functools.cache
def _path_templates() -> list[tuple[re.Pattern[str], str]]:
    templates = []
    for path in spec_document()["paths"]:
        regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path))
        templates.append((re.compile(regex), path))
    return templates


def _spec_path_for(path: str) -> str | None:
    """The spec path a request path falls under (a literal path wins over a template: /v1/users/me)."""
    if path in spec_document()["paths"]:
        return path
    for regex, template in _path_templates():
        if regex.fullmatch(path):
            return template
    return None


class HttpxOpenAPIRequest:
    """openapi-core's ``Request`` protocol over an ``httpx.Request``."""

    def __init__(self, request: httpx.Request, path_pattern: str) -> None:
        self._request = request
        # Tells openapi-core which spec path this is (``SupportsPathPattern``): its own matching is laxer than the
        # server's (it takes /v1/items/ for /v1/items).
        self.path_pattern = path_pattern
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(request.url.params.multi_items())),
            header=Headers(list(request.headers.multi_items())),
            cookie=ImmutableMultiDict(),
        )

    @property
    def host_url(self) -> str:
        return f"{self._request.url.scheme}://{self._request.url.netloc.decode('ascii')}"

    @property
    def path(self) -> str:
        return self._request.url.path

    @property
    def method(self) -> str:
        return self._request.method.lower()

    @property
    def body(self) -> bytes | None:
        try:
            return self._request.content
        except httpx.RequestNotRead:
            return None

    @property
    def content_type(self) -> str:
        return str(self._request.headers.get("content-type", "application/octet-stream")).lower()


class HttpxOpenAPIResponse:
    """openapi-core's ``Response`` protocol over a read ``httpx.Response``."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self._headers = Headers(list(response.headers.multi_items()))

    @property
    def data(self) -> bytes:
        return self._response.content

    @property
    def status_code(self) -> int:
        return self._response.status_code

    @property
    def content_type(self) -> str:
        return str(self._response.headers.get("content-type", "")).lower()

    @property
    def headers(self) -> Headers:
        return self._headers


def _describe(error: BaseException) -> str:
    parts = [f"{type(error).__name__}: {error}"]
    cause = error.__cause__
    while cause is not None:
        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            parts.extend(f"  - {e.message} at {list(e.absolute_path)}" for e in schema_errors)
        else:
            parts.append(f"  caused by {type(cause).__name__}: {cause}")
        cause = cause.__cause__
    return "\n".join(parts)


def _media_type(response: httpx.Response) -> str:
    return str(response.headers.get("content-type", "")).split(";", 1)[0].strip().lower()


class ContractValidator:
    """Checks one response against openapi.yaml; counts what it checked (the tests check the hook ran)."""

    def __init__(self) -> None:
        self.validated = 0

    def validate(self, response: httpx.Response) -> None:
        request = response.request
        label = f"{request.method} {request.url.path} -> {response.status_code}"
        template = _spec_path_for(request.url.path)
        operation = spec_document()["paths"][template].get(request.method.lower()) if template else None
        if template is None or operation is None:
            self._validate_outside(response, label, undeclared_method=template is not None)
        else:
            operation_id = operation.get("operationId", "?")
            errors = list(
                openapi().iter_response_errors(HttpxOpenAPIRequest(request, template), HttpxOpenAPIResponse(response))
            )
            if errors:
                details = "\n".join(_describe(e) for e in errors)
                raise AssertionError(f"response breaks the contract of {operation_id} ({label}):\n{details}")
            self._validate_no_content(response, operation, operation_id, label)
            self._validate_problem_members(response, f"{operation_id} ({label})")
        self.validated += 1

    async def hook(self, response: httpx.Response) -> None:
        await response.aread()
        self.validate(response)

    @staticmethod
    def _validate_no_content(
        response: httpx.Response, operation: Mapping[str, Any], operation_id: str, label: str
    ) -> None:
        declared = operation["responses"].get(str(response.status_code))
        if declared is None:
            return
        if "$ref" in declared:
            name = declared["$ref"].rsplit("/", 1)[-1]
            declared = spec_document()["components"]["responses"][name]
        if "content" not in declared:
            assert response.content == b"", (
                f"{operation_id} ({label}) declares no content, but the body is {response.content[:200]!r}"
            )

    def _validate_outside(self, response: httpx.Response, label: str, *, undeclared_method: bool) -> None:
        request = response.request
        if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
            # A CORS preflight: the browser's protocol (Fetch standard), answered by the CORS middleware for the
            # origins a deployment allows, not an operation of the API. Anything else undeclared must be a 405.
            return
        if undeclared_method:
            assert response.status_code == 405, (
                f"{label}: the spec does not declare this method on this path, so the answer must be 405"
            )
        if response.status_code >= 400:
            self._validate_problem_members(response, label)
            self._validate_problem_schema(response, label)

    @staticmethod
    def _validate_problem_members(response: httpx.Response, where: str) -> None:
        if response.status_code < 400:
            return
        assert _media_type(response) == PROBLEM_MEDIA_TYPE, (
            f"{where}: an error must be {PROBLEM_MEDIA_TYPE}, got {response.headers.get('content-type')!r}"
        )
        try:
            body = json.loads(response.content)
        except ValueError as exc:
            raise AssertionError(f"{where}: the problem document is not JSON: {response.content[:200]!r}") from exc
        assert isinstance(body, dict), f"{where}: the problem document is not an object: {body!r}"
        assert body.get("status") == response.status_code, (
            f"{where}: the problem's status {body.get('status')!r} is not the HTTP status"
        )
        if "instance" in body:
            # The path as sent may be percent-encoded in the document (it must be, to be a URI reference).
            assert isinstance(body["instance"], str), f"{where}: instance is not a string"
            # RFC 3986 section 3.3: a path starting with "//" is written "/.//..." (the dot segment resolves away).
            instance = unquote(body["instance"])
            instance = instance.removeprefix("/.") if instance.startswith("/.//") else instance
            assert instance == response.request.url.path, (
                f"{where}: the problem's instance {body['instance']!r} is not the request path"
            )

    @staticmethod
    def _validate_problem_schema(response: httpx.Response, label: str) -> None:
        body = json.loads(response.content)
        problems = [f"  - {e.message} at {list(e.absolute_path)}" for e in _problem_validator().iter_errors(body)]
        assert not problems, f"{label}: the problem document breaks #/components/schemas/Problem:\n" + "\n".join(
            problems
        )


def contract_client(
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    base_url: str = "http://testserver",
    validator: ContractValidator | None = None,
    **options: Any,
) -> httpx.AsyncClient:
    """An AsyncClient whose every response is validated against openapi.yaml before the caller sees it."""
    checker = validator or ContractValidator()
    return httpx.AsyncClient(
        transport=transport,
        base_url=base_url,
        event_hooks={"response": [checker.hook]},
        **options,
    )
