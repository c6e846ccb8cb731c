"""Bodies and header values written in their declared media type and schema (responses and outgoing requests)."""

import json
from collections.abc import AsyncIterable, Mapping
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import PydanticSerializationError

from contract_runtime import visibility, xml
from contract_runtime.contract import BINARY, FORM, JSON, TEXT, XML, ContractViolation, MediaSpec, Schema
from contract_runtime.files import Binary


@cache
def adapter(python_type: Any) -> TypeAdapter[Any]:
    return TypeAdapter(python_type)


def fits(spec: MediaSpec, body: Any) -> bool:
    """Whether a body the implementation returned can be sent as this media type."""
    if spec.kind == BINARY or (spec.kind == TEXT and spec.type is bytes):
        return isinstance(body, Binary | bytes)
    if isinstance(body, Binary):
        return False
    if spec.type is None:
        return True
    if isinstance(spec.type, type) and issubclass(spec.type, BaseModel):
        if isinstance(body, spec.type):
            return True
        if not isinstance(body, BaseModel):
            return False
        # Media types of one response may have their own models of one shape (JSON and XML variants differing only
        # in `xml` hints): a body fits the one it validates against.
        try:
            spec.type.model_validate(body.model_dump(by_alias=True))
        except ValidationError:
            return False
        return True
    try:
        adapter(spec.type).validate_python(body)
    except ValidationError:
        return False
    return True


def checked(spec: MediaSpec, body: Any, where: str) -> Any:
    """The body re-validated against its declared type (it may have been built or mutated without validation),
    as a JSON-like value."""
    if spec.type is None:
        return body.model_dump(mode="json", by_alias=True) if isinstance(body, BaseModel) else body
    if isinstance(spec.type, type) and issubclass(spec.type, BaseModel):
        return _fresh_model(spec.type, body, where).model_dump(mode="json", by_alias=True)
    try:
        value = adapter(spec.type).validate_python(body)
    except ValidationError as exc:
        raise ContractViolation(f"{where}: body breaks its schema: {exc}") from exc
    return adapter(spec.type).dump_python(value, mode="json", by_alias=True)


def _fresh_model(model: type[BaseModel], body: Any, where: str) -> BaseModel:
    """`body` validated anew against `model` (it may have been built or mutated without validation)."""
    if not isinstance(body, BaseModel):
        raise ContractViolation(f"{where}: body is {type(body).__name__}, the spec declares {model.__name__}")
    try:
        return model.model_validate(body.model_dump(by_alias=True))
    except ValidationError as exc:
        raise ContractViolation(f"{where}: body breaks its schema: {exc}") from exc


def _checked_json(model: type[BaseModel], body: Any, where: str) -> bytes:
    """`body` (built or mutated without validation) as JSON bytes that validate strictly against `model`: written
    once by `model`'s own serializer (only its members, whatever the body's class carries besides), and those very
    bytes validated. A value not of its member's type is not written as found: such a body takes the longer way
    (validated, which converts or refuses it, then written)."""
    try:
        content = model.__pydantic_serializer__.to_json(body, by_alias=True, warnings="error")
    except PydanticSerializationError:
        return _fresh_model(model, body, where).model_dump_json(by_alias=True).encode()
    try:
        model.__pydantic_validator__.validate_json(content, strict=True)
    except ValidationError as exc:
        raise ContractViolation(f"{where}: body breaks its schema: {exc}") from exc
    return content


def encode(
    spec: MediaSpec,
    media_type: str,
    body: Any,
    registry: Mapping[str, Schema],
    where: str,
    hidden: str = "writeOnly",
) -> bytes | AsyncIterable[bytes]:
    """The body's bytes in `media_type` (one of the spec's, concrete), without the members marked `hidden`
    (writeOnly ones in answers, readOnly ones in requests this API sends)."""
    if spec.kind == BINARY or (spec.kind == TEXT and spec.type is bytes):
        return body.content if isinstance(body, Binary) else body  # type: ignore[no-any-return,unused-ignore]
    if (
        spec.kind == JSON
        and isinstance(spec.type, type)
        and issubclass(spec.type, BaseModel)
        and not (spec.schema and visibility.mentions(spec.schema, registry, hidden))
    ):
        # Nothing to leave out: written by pydantic-core and validated as written (no intermediate dict).
        if not isinstance(body, BaseModel):
            raise ContractViolation(f"{where}: body is {type(body).__name__}, the spec declares {spec.type.__name__}")
        return _checked_json(spec.type, body, where)
    value = checked(spec, body, where)
    if spec.schema:
        value = visibility.without(value, spec.schema, registry, hidden)
    elif spec.kind == JSON and isinstance(spec.type, type) and issubclass(spec.type, BaseModel):
        return spec.type.model_validate(value).model_dump_json(by_alias=True).encode()
    if spec.kind == JSON:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    if spec.kind == XML:
        return xml.dumps(value, spec.schema, spec.xml_name or "root", registry)
    if spec.kind == FORM:
        return urlencode({k: header_text(v) for k, v in value.items()} if isinstance(value, dict) else {}).encode()
    if spec.kind == TEXT:
        return str(value).encode()
    raise ContractViolation(f"{where}: cannot write {media_type}")


def header_text(value: Any) -> str:
    """A typed header value as text (RFC 9110 list syntax for arrays; style `simple`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return header_text(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ",".join(header_text(v) for v in value)
    if isinstance(value, Mapping):
        return ",".join(f"{k},{header_text(v)}" for k, v in value.items())
    if isinstance(value, BaseModel):
        return header_text(value.model_dump(mode="json", by_alias=True))
    return str(value)


def header_value_fits(schema: Schema, raw: str) -> bool:
    """A cheap check of a header value against its schema's type and enum (the value is already text)."""
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds] if kinds else []
    if "enum" in schema and raw not in [header_text(v) for v in schema["enum"]]:
        return False
    if kinds == ["integer"]:
        return raw.lstrip("+-").isdigit()
    if kinds == ["boolean"]:
        return raw in ("true", "false")
    if kinds == ["number"]:
        try:
            float(raw)
        except ValueError:
            return False
    return True


def to_json_text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
