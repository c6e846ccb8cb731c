"""Parameters: read from the path, query, headers and cookies as the spec's `style` and `explode` say, decoded by
their schemas. Validation (types, bounds, patterns) is Pydantic's, on the operation's generated parameters type.

The validators below remain for the parts of JSON Schema formats Pydantic reads more loosely than the spec.
"""

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BeforeValidator, Strict
from starlette.requests import Request

from contract_runtime import jsontext, text
from contract_runtime.contract import ParameterSpec, Schema

_UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_INT_TEXT = re.compile(r"[+-]?[0-9]{1,20}")


def _uuid_text(value: object) -> object:
    if isinstance(value, str) and not _UUID_TEXT.fullmatch(value):
        raise ValueError("must be a UUID in its canonical 8-4-4-4-12 form")
    return value


def _int_text(value: object) -> object:
    if isinstance(value, str) and not _INT_TEXT.fullmatch(value):
        raise ValueError("must be an integer")
    return value


def _bool_text(value: object) -> object:
    if isinstance(value, str):
        if value not in ("true", "false"):
            raise ValueError("must be `true` or `false`")
        return value == "true"
    return value


# RFC 3339 full-date and date-time: Pydantic also reads `0` or `1700000000` as a date (a Unix time).
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DATE_TIME_PATTERN = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _date_text(value: object) -> object:
    if not isinstance(value, str) or not DATE_PATTERN.fullmatch(value):
        raise ValueError("must be an RFC 3339 full-date (YYYY-MM-DD)")
    return value


def _date_time_text(value: object) -> object:
    if not isinstance(value, str) or not DATE_TIME_PATTERN.fullmatch(value):
        raise ValueError("must be an RFC 3339 date-time")
    return value


_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s]*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


def _uri_text(value: object) -> object:
    if isinstance(value, str) and not _URI.fullmatch(value):
        raise ValueError("must be an absolute URI")
    return value


def _email_text(value: object) -> object:
    if isinstance(value, str) and not _EMAIL.fullmatch(value):
        raise ValueError("must be an email address")
    return value


URI_TEXT = BeforeValidator(_uri_text)
EMAIL_TEXT = BeforeValidator(_email_text)
DATE_TEXT = BeforeValidator(_date_text)
DATE_TIME_TEXT = BeforeValidator(_date_time_text)
UUID_TEXT = BeforeValidator(_uuid_text)
INT_TEXT = BeforeValidator(_int_text)
BOOL_TEXT = BeforeValidator(_bool_text)
# Numbers are never coerced from text or booleans: decoded text and JSON (jsontext) already hold ints and floats.
STRICT_NUMBER = Strict()

ABSENT: Any = object()

# (is an array, is an object) per declared parameter: asked on every request, fixed for the process (the entry
# keeps the contract's spec and registry alive, as they are anyway).
_SHAPES: dict[tuple[int, int], tuple[ParameterSpec, Mapping[str, Schema], bool, bool]] = {}


def _shape(spec: ParameterSpec, registry: Mapping[str, Schema]) -> tuple[bool, bool]:
    key = (id(spec), id(registry))
    found = _SHAPES.get(key)
    if found is None:
        found = (spec, registry, text.is_array(spec.schema, registry), text.is_object(spec.schema, registry))
        _SHAPES[key] = found
    return found[2], found[3]


_DELIMITERS = {"form": ",", "simple": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


class ParameterError(Exception):
    def __init__(self, message: str, kind: str = "value_error") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


def _pairs_object(parts: list[str], schema: Schema, registry: Mapping[str, Schema]) -> dict[str, Any]:
    if len(parts) % 2:
        raise ParameterError("must be a list of name,value pairs")
    keys, values = parts[0::2], parts[1::2]
    return {
        k: text.scalar(v, text.property_schema(schema, k, registry), registry)
        for k, v in zip(keys, values, strict=True)
    }


def _exploded_object(parts: list[str], schema: Schema, registry: Mapping[str, Schema]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for part in parts:
        key, equals, raw = part.partition("=")
        if not equals:
            raise ParameterError("must be a list of name=value pairs")
        found[key] = text.scalar(raw, text.property_schema(schema, key, registry), registry)
    return found


def _split(raw: str, delimiter: str) -> list[str]:
    return raw.split(delimiter) if raw != "" else []


def _from_text(raw: str, spec: ParameterSpec, registry: Mapping[str, Schema], delimiter: str = ",") -> Any:
    """A simple-, form- or header-style value (one string) decoded by the parameter's schema."""
    schema = spec.schema
    array, object_ = _shape(spec, registry)
    if array:
        return text.value(_split(raw, delimiter), schema, registry)
    if object_:
        parts = _split(raw, delimiter)
        return _exploded_object(parts, schema, registry) if spec.explode else _pairs_object(parts, schema, registry)
    return text.scalar(raw, schema, registry)


def _path_value(raw: str, spec: ParameterSpec, registry: Mapping[str, Schema]) -> Any:
    if spec.style == "label":
        if not raw.startswith("."):
            raise ParameterError("must start with `.` (label style)")
        return _from_text(raw[1:], spec, registry, "." if spec.explode else ",")
    if spec.style == "matrix":
        prefix = f";{spec.name}="
        if not raw.startswith(";"):
            raise ParameterError("must start with `;` (matrix style)")
        if text.is_array(spec.schema, registry) and spec.explode:
            parts = raw.split(";")[1:]
            if not all(p.startswith(f"{spec.name}=") for p in parts):
                raise ParameterError(f"must be `;{spec.name}=` values (matrix style)")
            return text.value([p.partition("=")[2] for p in parts], spec.schema, registry)
        if text.is_object(spec.schema, registry) and spec.explode:
            return _exploded_object(raw.split(";")[1:], spec.schema, registry)
        if not raw.startswith(prefix):
            raise ParameterError(f"must start with `{prefix}` (matrix style)")
        return _from_text(raw[len(prefix) :], spec, registry)
    return _from_text(raw, spec, registry)


def _query_value(pairs: list[tuple[str, str]], spec: ParameterSpec, registry: Mapping[str, Schema]) -> Any:
    schema = spec.schema
    if spec.style == "deepObject":
        prefix = spec.name + "["
        found: dict[str, Any] = {}
        for key, raw in pairs:
            if key.startswith(prefix) and key.endswith("]"):
                name = key[len(prefix) : -1]
                found[name] = text.value([raw], text.property_schema(schema, name, registry), registry)
        return found if found else ABSENT
    array, object_ = _shape(spec, registry)
    if object_ and spec.explode:
        properties = text.declared_properties(schema, registry)
        found = {k: text.scalar(v, properties[k], registry) for k, v in pairs if k in properties}
        return found if found else ABSENT
    values = [raw for key, raw in pairs if key == spec.name]
    if not values:
        return ABSENT
    if array:
        if spec.explode and spec.style == "form":
            return text.value(values, schema, registry)
        if len(values) != 1:
            raise ParameterError("must be sent once")
        return text.value(_split(values[0], _DELIMITERS.get(spec.style, ",")), schema, registry)
    if len(values) != 1:
        raise ParameterError("must be sent once")
    return _from_text(values[0], spec, registry)


def _content_value(raw: str) -> Any:
    try:
        return jsontext.loads(raw)
    except ValueError:
        raise ParameterError("must be a JSON document", "json_invalid") from None


def read_parameter(
    request: Request, path_params: Mapping[str, str], spec: ParameterSpec, registry: Mapping[str, Schema]
) -> Any:
    """The parameter's decoded value, or ABSENT when the request does not carry it."""
    if spec.location == "path":
        raw = path_params.get(spec.name)
        if raw is None:
            return ABSENT
        return _content_value(raw) if spec.content_type else _path_value(raw, spec, registry)
    if spec.location == "query":
        pairs = request.query_params.multi_items()
        if spec.content_type:
            values = [raw for key, raw in pairs if key == spec.name]
            return _content_value(values[0]) if values else ABSENT
        return _query_value(pairs, spec, registry)
    if spec.location == "header":
        lines = request.headers.getlist(spec.name)
        if not lines:
            return ABSENT
        raw = ", ".join(lines) if len(lines) > 1 else lines[0]
        if spec.content_type:
            return _content_value(raw)
        if _shape(spec, registry)[0]:
            return text.value([part.strip() for part in _split(raw, ",")], spec.schema, registry)
        return _from_text(raw, spec, registry)
    if spec.location == "cookie":
        raw_cookie = request.cookies.get(spec.name)
        if raw_cookie is None:
            return ABSENT
        return _content_value(raw_cookie) if spec.content_type else _from_text(raw_cookie, spec, registry)
    return ABSENT


def read_parameters(
    request: Request, path_params: Mapping[str, str], specs: tuple[ParameterSpec, ...], registry: Mapping[str, Schema]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Every declared parameter's decoded value by field name, and an error per missing or unreadable one."""
    values: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    for spec in specs:
        try:
            found = read_parameter(request, path_params, spec, registry)
        except ParameterError as error:
            errors.append({"loc": (spec.location, spec.name), "msg": error.message, "type": error.kind})
            continue
        if found is ABSENT:
            if spec.required:
                errors.append({"loc": (spec.location, spec.name), "msg": "Field required", "type": "missing"})
            continue
        values[spec.keyword] = found
    return values, errors
