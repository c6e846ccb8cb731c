"""What the generator cannot express, refused up front: one line per problem, naming the JSON pointer and what to
change. House rules about our own document (bounded strings, one tag, examples, ...) are not here: they are the
spec lint's (`make lint-spec`)."""

from __future__ import annotations

import re
from typing import Any

from scripts.codegen.errors import SpecError
from scripts.codegen.model import Api, Operation, Param
from scripts.codegen.reader import RUNTIME_HEADER_SUPPLIERS

_STYLES = {
    "path": {"simple", "label", "matrix"},
    "query": {"form", "spaceDelimited", "pipeDelimited", "deepObject"},
    "header": {"simple"},
    "cookie": {"form"},
}


def _param_problems(api: Api, param: Param) -> list[SpecError]:
    problems = []
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


def _operation_problems(api: Api, op: Operation) -> list[SpecError]:
    problems: list[SpecError] = []
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
    found: list[SpecError] = []
    for op in [*api.operations, *api.heads]:
        found.extend(_operation_problems(api, op))
    return found
