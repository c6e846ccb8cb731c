"""fastapi-code-generator visitor: turns the raw OpenAPI document into the template variable `contract`.

fcg's own `Operation` objects drop what a strict server needs (request bodies, response headers, media types,
parameter constraints under `--use-annotated`), so everything here is read from `parser.raw_obj`, the spec as
written. The templates only print what this module computes. Anything the generator does not support fails the
run loudly instead of being dropped.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
PROBLEM = "application/problem+json"
# Headers the runtime adds itself (marked `x-supplied-by` in the spec): checked on the way out like every required
# header, but not part of the typed results implementations return.
RUNTIME_HEADER_SUPPLIERS = {"rate-limiter", "request-id"}


class UnsupportedSpec(Exception):
    pass


def snake(name: str) -> str:
    name = re.sub(r"[^0-9a-zA-Z]+", "_", name)
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower().strip("_")
    if keyword.iskeyword(name) or name in {"self", "body", "principal"}:
        raise UnsupportedSpec(f"`{name}` cannot be used as a parameter name")
    return name


def pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9a-zA-Z]+", name) if part)


class Spec:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.schemas: dict[str, Any] = raw.get("components", {}).get("schemas", {})

    def resolve(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise UnsupportedSpec(f"only local $refs are supported: {ref}")
            target: Any = self.raw
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            node = {**target, **siblings} if siblings else target
            seen += 1
            if seen > 50:
                raise UnsupportedSpec(f"$ref cycle at {ref}")
        return node

    @staticmethod
    def component_name(node: Any) -> str | None:
        if isinstance(node, dict) and node.get("$ref", "").startswith("#/components/schemas/"):
            return str(node["$ref"].rsplit("/", 1)[1])
        return None

    def unique_item_paths(self, schema: Any, prefix: tuple[str, ...] = (), depth: int = 0) -> list[tuple[str, ...]]:
        """Paths (object keys only) to arrays with uniqueItems: Pydantic has no such constraint."""
        schema = self.resolve(schema)
        if depth > 10 or not isinstance(schema, dict):
            return []
        found: list[tuple[str, ...]] = []
        if schema.get("type") == "array" and schema.get("uniqueItems"):
            found.append(prefix)
        for name, sub in (schema.get("properties") or {}).items():
            found.extend(self.unique_item_paths(sub, (*prefix, name), depth + 1))
        for sub in schema.get("allOf") or []:
            found.extend(self.unique_item_paths(sub, prefix, depth + 1))
        return found


def required_defaults(spec: Spec, schema: Any) -> dict[str, Any]:
    """Defaults of required top-level members: the runtime fills them into generic refusals (e.g. a malformed
    token request still carries its RFC 6749 `error`)."""
    schema = spec.resolve(schema)
    parts = [spec.resolve(p) for p in schema.get("allOf", [])] + [schema]
    required = {name for part in parts for name in part.get("required", [])}
    defaults: dict[str, Any] = {}
    for part in parts:
        for name, sub in (part.get("properties") or {}).items():
            resolved = spec.resolve(sub)
            if name in required and "default" in resolved:
                defaults[name] = resolved["default"]
    return defaults


def _type_of(schema: dict[str, Any]) -> tuple[str, bool]:
    kind = schema.get("type")
    nullable = False
    if isinstance(kind, list):
        nullable = "null" in kind
        rest = [k for k in kind if k != "null"]
        if len(rest) != 1:
            raise UnsupportedSpec(f"parameter type {kind} is not supported")
        kind = rest[0]
    return str(kind), nullable


def parameter(spec: Spec, raw_param: dict[str, Any], op_name: str, aliases: dict[str, str]) -> dict[str, Any]:
    param = spec.resolve(raw_param)
    where = param["in"]
    if where not in ("query", "path", "header"):
        raise UnsupportedSpec(f"{op_name}: parameters in {where} are not supported")
    raw_schema = param.get("schema", {})
    component = spec.component_name(raw_schema)
    schema = spec.resolve(raw_schema)
    kind, _ = _type_of(schema)
    required = bool(param.get("required", where == "path"))
    name = param["name"]
    py_name = snake(name)
    kwargs: list[str] = [f"alias={name!r}"]
    validators: list[str] = []
    if kind == "string" and schema.get("format") == "uuid":
        py_type = "UUID"
        validators.append("UUID_TEXT")
    elif kind == "string" and "enum" in schema:
        if component:
            py_type = f"models.{component}"
        else:
            py_type = f"{pascal(op_name)}{pascal(name)}"
            aliases[py_type] = "Literal[" + ", ".join(repr(v) for v in schema["enum"]) + "]"
    elif kind == "string":
        py_type = "str"
        for key, arg in (("minLength", "min_length"), ("maxLength", "max_length"), ("pattern", "pattern")):
            if key in schema:
                kwargs.append(f"{arg}={schema[key]!r}")
        if "maxLength" not in schema:
            raise UnsupportedSpec(f"{op_name}: string parameter {name} needs a maxLength")
    elif kind == "integer":
        py_type = "int"
        validators.append("INT_TEXT")
        for key, arg in (
            ("minimum", "ge"),
            ("maximum", "le"),
            ("exclusiveMinimum", "gt"),
            ("exclusiveMaximum", "lt"),
        ):
            if key in schema:
                kwargs.append(f"{arg}={schema[key]!r}")
    elif kind == "boolean":
        py_type = "bool"
        validators.append("BOOL_TEXT")
    else:
        raise UnsupportedSpec(f"{op_name}: parameter {name} of type {kind} is not supported")
    if "description" in param:
        kwargs.append(f"description={param['description']!r}")
    location = {"query": "Query", "path": "Path", "header": "Header"}[where]
    meta = ", ".join([f"{location}({', '.join(kwargs)})", *validators])
    if required:
        annotation, default, iface_type = f"Annotated[{py_type}, {meta}]", "", py_type
    elif "default" in schema:
        default_value = schema["default"]
        if component and "enum" in schema:
            default_repr = f"models.{component}({default_value!r})"
        else:
            default_repr = repr(default_value)
        annotation, default, iface_type = f"Annotated[{py_type}, {meta}]", f" = {default_repr}", py_type
    else:
        annotation, default, iface_type = f"Annotated[{py_type} | None, {meta}]", " = None", f"{py_type} | None"
    return {
        "name": name,
        "py_name": py_name,
        "in": where,
        "annotation": annotation,
        "default": default,
        "iface_type": iface_type,
        "required": required,
    }


def request_body(spec: Spec, op: dict[str, Any], op_name: str) -> dict[str, Any] | None:
    if "requestBody" not in op:
        return None
    body = spec.resolve(op["requestBody"])
    content = body.get("content", {})
    if len(content) != 1:
        raise UnsupportedSpec(f"{op_name}: exactly one request media type is supported")
    media_type, media = next(iter(content.items()))
    if media_type not in (JSON, FORM):
        raise UnsupportedSpec(f"{op_name}: request media type {media_type} is not supported")
    model = spec.component_name(media.get("schema"))
    if model is None:
        raise UnsupportedSpec(f"{op_name}: request bodies must $ref a component schema")
    if not body.get("required", False):
        raise UnsupportedSpec(f"{op_name}: optional request bodies are not supported")
    marker = "Body()" if media_type == JSON else "Form()"
    return {
        "media_type": media_type,
        "model": f"models.{model}",
        "annotation": f"Annotated[models.{model}, {marker}]",
        "unique_item_paths": [list(p) for p in spec.unique_item_paths(media.get("schema"))],
    }


def responses(spec: Spec, op: dict[str, Any], op_name: str) -> list[dict[str, Any]]:
    out = []
    for status, raw in sorted(op.get("responses", {}).items()):
        if not str(status).isdigit():
            raise UnsupportedSpec(f"{op_name}: response `{status}` must be an explicit status code")
        response = spec.resolve(raw)
        shared = raw.get("$ref", "").startswith("#/components/responses/")
        shared_name = f"{snake(raw['$ref'].rsplit('/', 1)[1]).upper()}_{status}" if shared else None
        content = response.get("content", {})
        if len(content) > 1:
            raise UnsupportedSpec(f"{op_name} {status}: one response media type is supported")
        media_type, model, defaults = None, None, {}
        if content:
            media_type, media = next(iter(content.items()))
            defaults = required_defaults(spec, media.get("schema"))
            name = spec.component_name(media.get("schema"))
            if name is None:
                raise UnsupportedSpec(f"{op_name} {status}: response bodies must $ref a component schema")
            model = f"models.{name}"
        required_headers, fixed_headers, result_headers = [], {}, []
        for header_name, raw_header in (response.get("headers") or {}).items():
            header = spec.resolve(raw_header)
            if not header.get("required"):
                continue
            required_headers.append(header_name)
            header_schema = spec.resolve(header.get("schema", {}))
            supplier = header.get("x-supplied-by")
            if supplier is not None:
                if supplier not in RUNTIME_HEADER_SUPPLIERS:
                    raise UnsupportedSpec(f"{op_name} {status} {header_name}: unknown x-supplied-by `{supplier}`")
            elif "const" in header_schema:
                fixed_headers[header_name] = str(header_schema["const"])
            else:
                result_headers.append({"name": header_name, "py_name": snake(header_name)})
        out.append(
            {
                "status": int(status),
                "media_type": media_type,
                "model": model,
                "required_headers": required_headers,
                "fixed_headers": fixed_headers,
                "result_headers": result_headers,
                "defaults": defaults,
                "shared_name": shared_name,
            }
        )
    return out


def security_mode(spec: Spec, op: dict[str, Any]) -> str:
    requirements = op.get("security", spec.raw.get("security", []))
    if not requirements:
        return "none"
    return "optional" if any(req == {} for req in requirements) else "required"


def operation(spec: Spec, path: str, method: str, op: dict[str, Any], path_params: list[Any]) -> dict[str, Any]:
    op_id = op.get("operationId")
    if not op_id:
        raise UnsupportedSpec(f"{method.upper()} {path} has no operationId")
    tags = op.get("tags") or []
    if len(tags) != 1:
        raise UnsupportedSpec(f"{op_id} must have exactly one tag")
    aliases: dict[str, str] = {}
    merged = {spec.resolve(p)["name"]: p for p in path_params}
    merged.update({spec.resolve(p)["name"]: p for p in op.get("parameters", [])})
    params = [parameter(spec, p, op_id, aliases) for p in merged.values()]
    params.sort(key=lambda p: ({"path": 0, "query": 1, "header": 2}[p["in"]], p["py_name"]))
    body = request_body(spec, op, op_id)
    resps = responses(spec, op, op_id)
    successes = [r for r in resps if 200 <= r["status"] < 300]
    if not successes:
        raise UnsupportedSpec(f"{op_id} declares no success response")
    statuses = {r["status"] for r in resps}
    if (413 in statuses or 415 in statuses) and body is None:
        raise UnsupportedSpec(f"{op_id}: 413 and 415 are for operations with a request body")
    limits = request_limits(spec) if 413 in statuses else {}
    if limits and body is not None and body["media_type"] == JSON and 400 not in statuses:
        raise UnsupportedSpec(f"{op_id}: a JSON body with request limits needs a 400 for nesting too deep")
    if 429 in statuses and "Retry-After" not in next(r for r in resps if r["status"] == 429)["required_headers"]:
        raise UnsupportedSpec(f"{op_id}: a 429 must require Retry-After")
    results = []
    for r in successes:
        if r["result_headers"] or len(successes) > 1:
            results.append({**r, "class_name": f"{pascal(op_id)}{r['status']}Response"})
    if results:
        return_type = " | ".join(r["class_name"] for r in results)
        render_mode = "result"
    elif successes[0]["model"] is None:
        return_type, render_mode = "None", "empty"
    else:
        return_type, render_mode = successes[0]["model"], "model"
    return {
        "operation_id": op_id,
        "name": snake(op_id),
        "const_name": snake(op_id).upper(),
        "method": method.upper(),
        "path": path,
        "tag": tags[0],
        "summary": op.get("summary", ""),
        "description": (op.get("description") or "").strip(),
        "security": security_mode(spec, op),
        "has_arguments": bool(params or body or security_mode(spec, op) != "none"),
        "params": params,
        "aliases": aliases,
        "body": body,
        "responses": resps,
        "results": results,
        "return_type": return_type,
        "render_mode": render_mode,
        "default_status": successes[0]["status"],
        # What the runtime enforces before the operation runs, each answered with the status the spec declares.
        "rate_limited": 429 in statuses,
        "checks_media_type": 415 in statuses,
        "max_body_bytes": limits.get("max-body-bytes"),
        "max_json_depth": limits.get("max-json-depth"),
    }


def request_limits(spec: Spec) -> dict[str, int]:
    """The document's `x-request-limits` (`max-body-bytes`, `max-json-depth`): the limits behind a declared 413."""
    limits = spec.raw.get("x-request-limits")
    keys = {"max-body-bytes", "max-json-depth"}
    if not isinstance(limits, dict) or set(limits) != keys:
        raise UnsupportedSpec(f"a declared 413 needs a top-level x-request-limits with exactly {sorted(keys)}")
    if not all(isinstance(value, int) and value > 0 for value in limits.values()):
        raise UnsupportedSpec("x-request-limits values must be positive integers")
    return limits


def build_contract(raw: dict[str, Any], source: str) -> dict[str, Any]:
    spec = Spec(raw)
    ops = []
    for path, item in raw.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                ops.append(operation(spec, path, method, item[method], item.get("parameters", [])))
    ids = [o["operation_id"] for o in ops]
    if len(ids) != len(set(ids)):
        raise UnsupportedSpec("operationIds must be unique")
    tag_names = sorted({o["tag"] for o in ops})
    tags = []
    for name in tag_names:
        tag_ops = [o for o in ops if o["tag"] == name]
        tags.append(
            {
                "name": name,
                "module": snake(name),
                "class_name": f"{pascal(name)}Api",
                "generic": any(o["security"] != "none" for o in tag_ops),
                "operations": tag_ops,
                "shared_names": sorted({r["shared_name"] for o in tag_ops for r in o["responses"] if r["shared_name"]}),
            }
        )
    shared = {r["shared_name"]: r for o in ops for r in o["responses"] if r["shared_name"]}
    return {
        "source": source,
        "title": raw.get("info", {}).get("title", ""),
        "tags": tags,
        "shared_responses": [shared[key] for key in sorted(shared)],
    }


def visit(parser: Any, model_path: Path) -> dict[str, object]:
    contract = build_contract(parser.raw_obj, "openapi.yaml")
    return {"contract": contract, "contract_by_tag": {t["name"]: t for t in contract["tags"]}}
