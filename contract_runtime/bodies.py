"""Request bodies: the declared media type the body came in (415 otherwise), read as its kind says, decoded by
its schema, ready for Pydantic. JSON, forms, multipart (files arrive as `UploadedFile`), XML, text and bytes."""

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import UploadFile
from starlette.requests import Request

from contract_runtime import jsontext, media, text, xml
from contract_runtime.checks import check_json_depth, format_errors, text_errors, unique_errors
from contract_runtime.contract import (
    BINARY,
    FORM,
    JSON,
    MULTIPART,
    TEXT,
    XML,
    MediaSpec,
    OperationContract,
    RequestBodySpec,
    Schema,
)
from contract_runtime.files import UploadedFile
from contract_runtime.refusals import Refusal

NO_BODY: Any = object()


class BodyErrors(Exception):
    """Field errors found while decoding (before Pydantic validation)."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("invalid body")
        self.errors = errors


def has_body(request: Request, body: bytes) -> bool:
    return bool(body) or ("content-type" in request.headers and request.headers.get("content-length", "0") != "0")


def choose_media(request: Request, spec: RequestBodySpec) -> MediaSpec:
    """The declared media type of the body; 415 naming the declared ones when it is none of them."""
    declared = " or ".join(m.media_type for m in spec.media)
    if all(m.kind in (JSON, FORM) for m in spec.media):
        declared += " (UTF-8)"
    content_type = request.headers.get("content-type")
    if content_type is None:
        chosen = next((m for m in spec.media if m.media_type in ("*/*", "application/octet-stream")), None)
        if chosen is None:
            raise Refusal(415, f"The request body must be {declared}.")
        return chosen
    chosen = media.select_body_media(spec.media, content_type)
    parsed = media.parse(content_type)
    charset = parsed.params.get("charset") if parsed else None
    if chosen is None:
        raise Refusal(415, f"The request body must be {declared}.")
    if chosen.kind in (JSON, FORM) and charset is not None and charset.lower() != "utf-8":
        raise Refusal(415, f"The request body must be {declared}.")
    return chosen


def _json(body: bytes, contract: OperationContract, spec: MediaSpec) -> Any:
    if contract.max_json_depth is not None:
        check_json_depth(body, contract.max_json_depth)
    try:
        payload = jsontext.loads(body)
    except ValueError:
        raise Refusal(400, "The request body is not valid JSON.") from None
    errors: list[dict[str, Any]] = []
    text_errors(payload, (), errors)
    unique_errors(payload, contract.unique_item_paths, errors)
    if spec.schema:
        format_errors(payload, spec.schema, contract.schemas, (), errors)
    if errors:
        raise BodyErrors(errors)
    return payload


def _json_field(name: str, spec: MediaSpec, schema: Schema, registry: Mapping[str, Schema]) -> bool:
    """Whether a form or multipart field holds JSON: its Encoding says so, or, by OpenAPI's default content
    types, it is an object or an array of objects (and no style says otherwise)."""
    encoding = spec.encoding.get(name)
    if encoding is not None and encoding.content_type:
        return media.kind_of(encoding.content_type) == JSON
    if encoding is not None and (encoding.style != "form" or not encoding.explode):
        return False
    if text.is_array(schema, registry):
        return text.is_object(text.item_schema(schema, registry), registry)
    return text.is_object(schema, registry)


def _field_value(name: str, texts: list[str], schema: Schema, spec: MediaSpec, registry: Mapping[str, Schema]) -> Any:
    if _json_field(name, spec, schema, registry):
        try:
            if text.is_array(schema, registry):
                return [jsontext.loads(t) for t in texts]
            return jsontext.loads(texts[0]) if len(texts) == 1 else text.Rejected(",".join(texts))
        except ValueError:
            error = {"loc": ("body", name), "msg": "must be a JSON document", "type": "json_field_invalid"}
            raise BodyErrors([error]) from None
    encoding = spec.encoding.get(name)
    if encoding is not None and not encoding.explode and text.is_array(schema, registry) and len(texts) == 1:
        delimiter = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(encoding.style, ",")
        texts = texts[0].split(delimiter) if texts[0] else []
    return text.value(texts, schema, registry)


def _form(body: bytes, spec: MediaSpec, registry: Mapping[str, Schema]) -> dict[str, Any]:
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise Refusal(400, "The form body is not UTF-8.") from None
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    declared = text.declared_properties(spec.schema, registry) if spec.schema else {}
    # Fields the schema says nothing about (no property, no additionalProperties schema, not forbidden).
    others = text.resolve(spec.schema, registry).get("additionalProperties", True) if spec.schema else True
    errors: list[dict[str, Any]] = []
    for key, values in list(grouped.items()):
        bad_text: list[dict[str, Any]] = []
        text_errors(key, (), bad_text)
        for value in values:
            text_errors(value, (key,), bad_text)
        if bad_text and key not in declared and others is True:
            # A field the schema does not name, in a form that allows others: ignored, whatever it holds (OAuth2's
            # token endpoint must ignore unrecognized parameters, RFC 6749 section 3.2).
            del grouped[key]
            continue
        errors.extend(bad_text)
    if errors:
        raise BodyErrors(errors)
    found = {
        key: _field_value(key, values, text.property_schema(spec.schema, key, registry), spec, registry)
        for key, values in grouped.items()
    }
    return _with_empty_arrays(found, spec.schema, registry)


def _required(schema: Schema, registry: Mapping[str, Schema]) -> list[str]:
    resolved = text.resolve(schema, registry)
    found = [str(name) for name in resolved.get("required", ())]
    for part in resolved.get("allOf", ()):
        found.extend(_required(part, registry))
    return found


def _with_empty_arrays(found: dict[str, Any], schema: Schema, registry: Mapping[str, Schema]) -> dict[str, Any]:
    """A form or multipart body says `[]` by leaving the field out: an empty list expands to nothing (form style,
    RFC 6570 3.2.8), so a required array that is absent is an empty one."""
    for name in _required(schema, registry):
        if name not in found and text.is_array(text.property_schema(schema, name, registry), registry):
            found[name] = []
    return found


async def _multipart(request: Request, spec: MediaSpec, registry: Mapping[str, Schema]) -> dict[str, Any]:
    try:
        form = await request.form()
    except Exception:  # python-multipart's parse errors, an unterminated or boundary-less body
        raise Refusal(400, "The multipart body could not be read.") from None
    grouped: dict[str, list[Any]] = {}
    for key, value in form.multi_items():
        grouped.setdefault(key, []).append(value)
    found: dict[str, Any] = {}
    for key, values in grouped.items():
        schema = text.property_schema(spec.schema, key, registry)
        files = [v for v in values if isinstance(v, UploadFile)]
        _check_part_types(key, files, spec)
        if files:
            uploaded = [UploadedFile(await f.read(), filename=f.filename, content_type=f.content_type) for f in files]
            found[key] = (
                uploaded if text.is_array(schema, registry) else uploaded[0] if len(uploaded) == 1 else uploaded
            )
            continue
        found[key] = _field_value(key, [str(v) for v in values], schema, spec, registry)
    await form.close()
    return _with_empty_arrays(found, spec.schema, registry)


def _check_part_types(name: str, files: list[UploadFile], spec: MediaSpec) -> None:
    """File parts come in the media types their Encoding declares (a comma-separated list, ranges allowed)."""
    encoding = spec.encoding.get(name)
    if encoding is None or not encoding.content_type or not files:
        return
    allowed = [part.strip() for part in encoding.content_type.split(",") if part.strip()]
    for file in files:
        if not any(media.matches(declared, file.content_type or "application/octet-stream") for declared in allowed):
            raise Refusal(415, f"The part `{name}` must be {' or '.join(allowed)}.")


_CHARSET = re.compile(r"[A-Za-z0-9._-]{1,40}")


def _text(request: Request, body: bytes) -> str:
    parsed = media.parse(request.headers.get("content-type", "text/plain"))
    charset = (parsed.params.get("charset") if parsed else None) or "utf-8"
    try:
        return body.decode(charset if _CHARSET.fullmatch(charset) else "utf-8")
    except (LookupError, UnicodeDecodeError):
        raise Refusal(400, f"The request body is not text in {charset}.") from None


async def read_body(request: Request, body: bytes, contract: OperationContract) -> tuple[MediaSpec | None, Any]:
    """The chosen media type and the decoded body (NO_BODY when none was sent)."""
    spec = contract.body
    if spec is None or not has_body(request, body):
        return None, NO_BODY
    chosen = choose_media(request, spec)
    registry = contract.schemas
    if chosen.kind == JSON:
        return chosen, _json(body, contract, chosen)
    if chosen.kind == FORM:
        return chosen, _form(body, chosen, registry)
    if chosen.kind == MULTIPART:
        return chosen, await _multipart(request, chosen, registry)
    if chosen.kind == XML:
        try:
            return chosen, xml.loads(body, chosen.schema, registry)
        except xml.XmlError:
            raise Refusal(400, "The request body is not well-formed XML.") from None
    if chosen.kind == TEXT and chosen.type is not bytes:
        return chosen, _text(request, body)
    assert chosen.kind in (BINARY, TEXT)
    return chosen, body
