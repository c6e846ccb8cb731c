"""What the generator cannot express, refused up front: one line per problem, naming the JSON pointer and what to
change. House rules about our own document (bounded strings, one tag, examples, ...) are not here: they are the
spec lint's (`make lint-spec`)."""

from __future__ import annotations

import re
from typing import Any

from scripts.codegen.errors import SpecError
from scripts.codegen.model import Api, Media, Operation, Param
from scripts.codegen.reader import RUNTIME_HEADER_SUPPLIERS, kind_of

_STYLES = {
    "path": {"simple", "label", "matrix"},
    "query": {"form", "spaceDelimited", "pipeDelimited", "deepObject"},
    "header": {"simple"},
    "cookie": {"form"},
}


def _param_problems(api: Api, param: Param) -> list[SpecError]:
    problems = []
    if param.content_type is not None and kind_of(param.content_type) != "json":
        problems.append(
            SpecError(
                api.source,
                f"{param.pointer}/content",
                f"a parameter's content is read as JSON only, not {param.content_type}: use application/json, or "
                "a schema with `style`",
            )
        )
    if param.location not in _STYLES:
        problems.append(SpecError(api.source, param.pointer, f"parameters in `{param.location}` are not supported"))
    elif param.content_type is None and param.style not in _STYLES[param.location]:
        allowed = ", ".join(sorted(_STYLES[param.location]))
        problems.append(
            SpecError(
                api.source,
                param.pointer,
                f"style `{param.style}` is not defined for {param.location} parameters (use {allowed})",
            )
        )
    return problems


def _schema_types(schema: Any, resolve: Any) -> set[str]:
    resolved = resolve(schema) if schema is not None else {}
    if not isinstance(resolved, dict):
        return set()
    kinds = resolved.get("type")
    found = set(kinds) if isinstance(kinds, list) else {kinds} if kinds else set()
    if not found and any(k in resolved for k in ("properties", "allOf", "oneOf", "anyOf")):
        found.add("object")
    return found - {"null"}


def _media_problems(api: Api, media: list[Media], resolve: Any, request: bool) -> list[SpecError]:
    problems = []
    for m in media:
        parsed = m.media_type.split(";")[0].strip().lower()
        kinds = _schema_types(m.schema, resolve)
        if request and m.kind == "multipart" and parsed != "multipart/form-data":
            problems.append(
                SpecError(
                    api.source,
                    m.pointer,
                    f"{m.media_type} bodies cannot be read (only multipart/form-data is): declare multipart/form-data",
                )
            )
        elif m.kind in ("form", "multipart") and kinds and "object" not in kinds:
            problems.append(
                SpecError(
                    api.source, f"{m.pointer}/schema", f"the body ({m.media_type}) is an object: so must its schema be"
                )
            )
        elif m.kind == "text" and kinds & {"object", "array"}:
            problems.append(
                SpecError(
                    api.source,
                    f"{m.pointer}/schema",
                    f"the body ({m.media_type}) is text: give it a string schema, or declare application/json",
                )
            )
    return problems


def _operation_problems(api: Api, op: Operation, resolve: Any) -> list[SpecError]:
    problems: list[SpecError] = []
    if op.body is not None:
        problems.extend(_media_problems(api, op.body.media, resolve, request=True))
    for response in op.responses:
        problems.extend(_media_problems(api, response.media, resolve, request=False))
    for response in op.responses:
        for header in response.headers:
            if header.supplied_by is not None and header.supplied_by not in RUNTIME_HEADER_SUPPLIERS:
                known = ", ".join(sorted(RUNTIME_HEADER_SUPPLIERS))
                problems.append(
                    SpecError(
                        api.source,
                        f"{response.pointer}/headers/{header.name}",
                        f"unknown x-supplied-by `{header.supplied_by}` (the runtime supplies: {known})",
                    )
                )
    for param in op.params:
        problems.extend(_param_problems(api, param))
    templated = set(re.findall(r"\{([^{}]+)\}", op.path))
    declared = {p.name for p in op.params if p.location == "path"}
    for missing in sorted(templated - declared):
        problems.append(
            SpecError(api.source, op.pointer, f"path parameter `{missing}` is not declared: add it to `parameters`")
        )
    for alternative in op.security:
        for requirement in alternative:
            scheme = api.schemes.get(requirement.scheme)
            if scheme is None:
                problems.append(
                    SpecError(
                        api.source,
                        op.pointer + "/security",
                        f"security scheme `{requirement.scheme}` is not in components/securitySchemes",
                    )
                )
            elif scheme.type == "mutualTLS":
                problems.append(
                    SpecError(
                        api.source,
                        f"#/components/securitySchemes/{scheme.name}",
                        "mutualTLS is checked by the TLS terminator, not the application: declare the scheme the "
                        "application sees (e.g. an apiKey header the proxy sets)",
                    )
                )
            elif scheme.type == "apiKey" and scheme.location not in ("header", "query", "cookie"):
                problems.append(
                    SpecError(
                        api.source,
                        f"#/components/securitySchemes/{scheme.name}",
                        "an apiKey must be `in` header, query or cookie",
                    )
                )
    return problems


def problems(api: Api, document: dict[str, Any]) -> list[SpecError]:
    from scripts.codegen.reader import Reader

    resolve = Reader(document, api.source).resolve
    found: list[SpecError] = []
    for op in [*api.operations, *api.heads]:
        found.extend(_operation_problems(api, op, resolve))
    for out in [*api.webhooks, *(cb for _, cb in api.callbacks)]:
        if out.body is not None:
            found.extend(_media_problems(api, out.body.media, resolve, request=True))
        for param in out.params:
            found.extend(_param_problems(api, param))
    return found
