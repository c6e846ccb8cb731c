"""Reads a bundled document into the typed model (model.py).

Inline schemas of bodies, responses, parameters and webhooks that need a model are hoisted into
`components/schemas` under a derived name (`<Operation>Request`, `<Operation><Status>Response`, ...) so that
datamodel-code-generator writes a named model for each; the document fed to it is the hoisted one.
"""

from __future__ import annotations

from typing import Any

from scripts.codegen import names
from scripts.codegen.errors import SpecError
from scripts.codegen.model import (
    Api,
    Body,
    Encoding,
    Group,
    Header,
    Media,
    Operation,
    Outgoing,
    Param,
    Requirement,
    Response,
    SecurityScheme,
)

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
# Headers the runtime adds itself (marked `x-supplied-by` in the spec): checked on the way out like every declared
# header, but not part of the typed results implementations return.
RUNTIME_HEADER_SUPPLIERS = frozenset({"idempotency", "rate-limiter", "request-id"})
# Headers HTTP handles itself: never part of a typed result (OpenAPI: Content-Type is ignored when declared).
FRAMING_HEADERS = frozenset({"content-type", "content-length", "transfer-encoding"})
# CORS answers (Access-Control-*) come from the application's CORS layer, around the contract runtime.
CORS_PREFIX = "access-control-"
DEFAULT_GROUP = "default"


def escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def kind_of(media_type: str) -> str:
    from contract_runtime.media import kind_of as runtime_kind

    return runtime_kind(media_type)


class Reader:
    def __init__(self, document: dict[str, Any], source: str) -> None:
        self.doc = document
        self.source = source
        self.schemas: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {}) or {}
        document["components"]["schemas"] = self.schemas
        self.taken_schema_names = {names.pascal(n) for n in self.schemas} | set(self.schemas)
        self.shared: dict[str, Response] = {}
        self.operation_names: set[str] = set()

    def fail(self, pointer: str, message: str) -> SpecError:
        return SpecError(self.source, pointer, message)

    # --- $refs ---------------------------------------------------------------------------------------------------

    def resolve(self, node: Any, pointer: str = "#") -> Any:
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#"):
                raise self.fail(pointer, f"$ref {ref} was not bundled")
            target: Any = self.doc
            for part in [p for p in ref[1:].split("/") if p]:
                part = part.replace("~1", "/").replace("~0", "~")
                if isinstance(target, list) and part.isdigit():
                    target = target[int(part)]
                elif isinstance(target, dict) and part in target:
                    target = target[part]
                else:
                    raise self.fail(pointer, f"$ref {ref} points at nothing")
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            node = {**target, **siblings} if siblings and isinstance(target, dict) else target
            seen += 1
            if seen > 64:
                raise self.fail(pointer, f"$ref cycle at {ref}")
        return node

    def hoist(self, schema: Any, name: str) -> Any:
        """A named component for an inline schema (a $ref to it); a $ref to a component stays as it is."""
        if isinstance(schema, dict) and str(schema.get("$ref", "")).startswith("#/components/schemas/"):
            return schema
        if isinstance(schema, dict) and "$ref" in schema:
            schema = self.resolve(schema)
        base = names.pascal(name)
        component, number = base, 2
        while component in self.taken_schema_names:
            component, number = f"{base}{number}", number + 1
        self.taken_schema_names.add(component)
        self.schemas[component] = schema
        return {"$ref": f"#/components/schemas/{component}"}

    def prepare(self, schema: Any, name: str) -> Any:
        """The schema as the type step needs it: inline models hoisted (an array's inline item model on its own)."""
        if not isinstance(schema, dict) or "$ref" in schema:
            return schema
        kinds = schema.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        items = schema.get("items")
        if "array" in kinds and isinstance(items, dict) and "$ref" not in items and needs_model(items):
            return {**schema, "items": self.hoist(items, f"{name} Item")}
        return self.hoist(schema, name) if needs_model(schema) else schema

    # --- parts ---------------------------------------------------------------------------------------------------

    def param(self, raw: Any, pointer: str, owner: str, taken: set[str]) -> Param:
        spec = self.resolve(raw, pointer)
        where = spec.get("in")
        name = str(spec.get("name"))
        content = spec.get("content") or {}
        content_type: str | None = None
        if content:
            content_type, media = next(iter(content.items()))
            schema = (media or {}).get("schema", {})
        else:
            schema = spec.get("schema", {})
        default_style = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}.get(where, "form")
        style = str(spec.get("style", default_style))
        explode = bool(spec.get("explode", style == "form"))
        schema = self.prepare(schema, f"{owner} {name} Parameter")
        keyword = names.unique(names.snake(name), taken)
        if keyword != names.snake(name):
            keyword = names.unique(f"{names.snake(name).rstrip('_')}_{where}", taken - {keyword})
        return Param(
            name=name,
            location=str(where),
            keyword=keyword,
            required=bool(spec.get("required", where == "path")),
            style=style,
            explode=explode,
            schema=schema,
            content_type=content_type,
            description=str(spec.get("description") or "").strip(),
            pointer=pointer,
        )

    def media(self, media_type: str, raw: Any, pointer: str, hoist_as: str) -> Media:
        media = raw or {}
        kind = kind_of(media_type)
        schema = media.get("schema")
        if schema is not None and kind in ("json", "xml", "form", "multipart"):
            schema = self.prepare(schema, hoist_as)
        examples: list[Any] = []
        if "example" in media:
            examples.append(media["example"])
        for example in (media.get("examples") or {}).values():
            resolved = self.resolve(example)
            if isinstance(resolved, dict) and "value" in resolved:
                examples.append(resolved["value"])
        encoding = {
            prop: Encoding(
                content_type=(enc or {}).get("contentType"),
                style=str((enc or {}).get("style", "form")),
                explode=bool((enc or {}).get("explode", (enc or {}).get("style", "form") == "form")),
            )
            for prop, enc in (media.get("encoding") or {}).items()
        }
        return Media(media_type, kind, schema, encoding, examples, pointer)

    def body(self, raw: Any, pointer: str, owner: str) -> Body | None:
        if raw is None:
            return None
        spec = self.resolve(raw, pointer)
        content = spec.get("content") or {}
        many = len(content) > 1
        media = [
            self.media(mt, m, f"{pointer}/content/{escape(mt)}", f"{owner} {names.pascal(mt) if many else ''} Request")
            for mt, m in content.items()
        ]
        return Body(required=bool(spec.get("required", False)), media=media, pointer=pointer)

    def header(self, name: str, raw: Any, pointer: str) -> Header:
        spec = self.resolve(raw, pointer)
        schema = spec.get("schema") or {}
        if not schema and spec.get("content"):
            schema = next(iter(spec["content"].values())).get("schema", {})
        resolved = self.resolve(schema)
        supplier = spec.get("x-supplied-by")
        const = resolved.get("const") if isinstance(resolved, dict) else None
        return Header(
            name=name,
            required=bool(spec.get("required", False)),
            schema=schema,
            supplied_by=str(supplier) if supplier is not None else None,
            const=str(const) if const is not None and spec.get("required") else None,
        )

    def response(self, status: str, raw: Any, pointer: str, owner: str) -> Response:
        shared_ref = raw.get("$ref", "") if isinstance(raw, dict) else ""
        shared = shared_ref.startswith("#/components/responses/")
        shared_name = f"{names.constant(shared_ref.rsplit('/', 1)[1])}_{status.upper()}" if shared else None
        if shared_name and shared_name in self.shared:
            return self.shared[shared_name]
        spec = self.resolve(raw, pointer)
        content = spec.get("content") or {}
        many = len(content) > 1
        label = f"{shared_ref.rsplit('/', 1)[1]} {status}" if shared else f"{owner} {status}"
        media = [
            self.media(mt, m, f"{pointer}/content/{escape(mt)}", f"{label} {names.pascal(mt) if many else ''} Response")
            for mt, m in content.items()
        ]
        headers = [
            self.header(name, h, f"{pointer}/headers/{escape(name)}")
            for name, h in (spec.get("headers") or {}).items()
            if name.lower() not in FRAMING_HEADERS and not name.lower().startswith(CORS_PREFIX)
        ]
        defaults: dict[str, Any] = {}
        for m in media:
            if m.is_problem and m.schema is not None:
                defaults = self.required_defaults(m.schema)
        response = Response(
            status=status.upper() if not status.isdigit() and status != "default" else status,
            description=str(spec.get("description") or ""),
            media=media,
            headers=headers,
            shared_name=shared_name,
            defaults=defaults,
            pointer=pointer,
        )
        if shared_name:
            self.shared[shared_name] = response
        return response

    def required_defaults(self, schema: Any) -> dict[str, Any]:
        """Defaults of required top-level members: the runtime fills them into generic refusals (e.g. a malformed
        token request still carries its RFC 6749 `error`)."""
        schema = self.resolve(schema)
        parts = [self.resolve(p) for p in schema.get("allOf", [])] + [schema]
        required = {name for part in parts for name in part.get("required", [])}
        defaults: dict[str, Any] = {}
        for part in parts:
            for name, sub in (part.get("properties") or {}).items():
                resolved = self.resolve(sub)
                if name in required and isinstance(resolved, dict) and "default" in resolved:
                    defaults[name] = resolved["default"]
        return defaults

    def security(self, raw: Any) -> list[list[Requirement]]:
        return [[Requirement(str(k), [str(s) for s in (v or [])]) for k, v in (alt or {}).items()] for alt in raw or []]

    def responses(self, raw: Any, pointer: str, owner: str) -> list[Response]:
        found = [
            self.response(str(status), r, f"{pointer}/{escape(str(status))}", owner)
            for status, r in (raw or {}).items()
        ]
        order = {"default": 2}
        return sorted(found, key=lambda r: (order.get(r.status, 1 if not r.status.isdigit() else 0), r.status))

    def outgoing(
        self, label: str, item: Any, pointer: str, url_expression: str | None, taken: set[str]
    ) -> list[Outgoing]:
        item = self.resolve(item, pointer)
        found = []
        for method in HTTP_METHODS:
            if method not in item:
                continue
            op = item[method]
            here = f"{pointer}/{method}"
            base = op.get("operationId") or f"{label} {method if method != 'post' else ''}"
            name = names.unique(names.snake(base), taken)
            params_taken: set[str] = {"url"}
            params = [
                self.param(p, f"{here}/parameters/{i}", name, params_taken)
                for i, p in enumerate([*(item.get("parameters") or []), *(op.get("parameters") or [])])
            ]
            found.append(
                Outgoing(
                    name=name,
                    constant=names.constant(name),
                    label=label,
                    method=method.upper(),
                    url_expression=url_expression,
                    params=[p for p in params if p.location in ("header", "query")],
                    body=self.body(op.get("requestBody"), f"{here}/requestBody", f"{name} Payload"),
                    responses=self.responses(op.get("responses"), f"{here}/responses", names.pascal(name)),
                    pointer=here,
                )
            )
        return found

    # --- the document --------------------------------------------------------------------------------------------

    def operation(self, path: str, method: str, item: dict[str, Any], pointer: str) -> Operation:
        op = item[method]
        op_id = str(op.get("operationId") or names.derived_operation_id(method, path))
        name = names.unique(names.snake(op_id), self.operation_names)
        if not op.get("operationId"):
            op_id = name  # a derived id is unique too (`get_pets_photos_2`): logs and errors name one operation
        tags = op.get("tags") or []
        x_interface = op.get("x-interface")
        group = str(x_interface or (tags[0] if tags else DEFAULT_GROUP))
        taken: set[str] = set()
        merged = {(self.resolve(p).get("name"), self.resolve(p).get("in")): p for p in item.get("parameters") or []}
        merged.update({(self.resolve(p).get("name"), self.resolve(p).get("in")): p for p in op.get("parameters") or []})
        order = {"path": 0, "query": 1, "header": 2, "cookie": 3}
        raw_params = sorted(
            merged.values(),
            key=lambda p: (order.get(self.resolve(p).get("in"), 4), names.snake(str(self.resolve(p).get("name")))),
        )
        params = [self.param(p, f"{pointer}/parameters/{i}", op_id, taken) for i, p in enumerate(raw_params)]
        security = self.security(op["security"] if "security" in op else self.doc.get("security"))
        operation = Operation(
            operation_id=op_id,
            name=name,
            constant=names.constant(name),
            method=method.upper(),
            path=path,
            group=group,
            summary=str(op.get("summary") or "").strip(),
            description=str(op.get("description") or "").strip(),
            params=params,
            body=self.body(op.get("requestBody"), f"{pointer}/requestBody", op_id),
            responses=self.responses(op.get("responses"), f"{pointer}/responses", op_id),
            security=security,
            pointer=pointer,
        )
        callback_names: set[str] = set()
        for cb_name, callback in (op.get("callbacks") or {}).items():
            callback = self.resolve(callback)
            for expression, cb_item in (callback or {}).items():
                here = f"{pointer}/callbacks/{escape(cb_name)}/{escape(expression)}"
                operation.callbacks.extend(
                    self.outgoing(f"{op_id} {cb_name}", cb_item, here, str(expression), callback_names)
                )
        statuses = {r.status for r in operation.responses}
        limits = self.doc.get("x-request-limits")
        operation.rate_limited = "429" in statuses
        if isinstance(limits, dict) and "413" in statuses and operation.body is not None:
            operation.max_body_bytes = limits.get("max-body-bytes")
            if "400" in statuses or "4XX" in statuses:
                operation.max_json_depth = limits.get("max-json-depth")
        if operation.body is not None:
            for media in operation.body.media:
                if media.kind == "json" and media.schema is not None:
                    operation.unique_item_paths = [list(p) for p in self.unique_item_paths(media.schema)]
        return operation

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

    def read(self) -> Api:
        operations: list[Operation] = []
        heads: list[Operation] = []
        for path, raw_item in (self.doc.get("paths") or {}).items():
            pointer = f"#/paths/{escape(path)}"
            item = self.resolve(raw_item, pointer)
            for method in HTTP_METHODS:
                if method in item:
                    operation = self.operation(path, method, item, f"{pointer}/{method}")
                    if method == "head" and "get" in item:
                        heads.append(operation)
                    else:
                        operations.append(operation)
        for head in heads:
            get = next(o for o in operations if o.path == head.path and o.method == "GET")
            head.head_of = get
        webhooks: list[Outgoing] = []
        taken: set[str] = set()
        for name, item in (self.doc.get("webhooks") or {}).items():
            webhooks.extend(self.outgoing(str(name), item, f"#/webhooks/{escape(str(name))}", None, taken))
        schemes = {}
        constants: set[str] = set()
        for name, raw in ((self.doc.get("components") or {}).get("securitySchemes") or {}).items():
            scheme = self.resolve(raw)
            schemes[name] = SecurityScheme(
                name=name,
                constant=names.unique(names.constant(name), constants),
                type=str(scheme.get("type")),
                location=scheme.get("in"),
                parameter=scheme.get("name"),
                http_scheme=str(scheme["scheme"]).lower() if scheme.get("scheme") else None,
            )
        return Api(
            source=self.source,
            title=str((self.doc.get("info") or {}).get("title", "")),
            openapi=str(self.doc.get("openapi")),
            groups=self.groups(operations),
            operations=operations,
            heads=heads,
            webhooks=webhooks,
            schemes=schemes,
            shared_responses=[self.shared[k] for k in sorted(self.shared)],
            pattern_messages=self.pattern_messages(),
        )

    def pattern_messages(self) -> dict[str, str]:
        """`x-pattern-message` of every patterned schema, by pattern: the sentence a value that breaks the pattern is
        refused with (422 `errors[].detail`) instead of the regular expression. One pattern, one sentence."""
        found: dict[str, tuple[str, str]] = {}

        def walk(node: Any, pointer: str, depth: int) -> None:
            if depth > 200:
                return
            if isinstance(node, dict):
                pattern, message = node.get("pattern"), node.get("x-pattern-message")
                if isinstance(pattern, str) and message is not None:
                    if not isinstance(message, str) or not message.strip():
                        raise self.fail(pointer, "x-pattern-message must be a sentence (a non-empty string)")
                    if pattern in found and found[pattern][0] != message:
                        raise self.fail(
                            pointer,
                            f"x-pattern-message differs from the one at {found[pattern][1]} for the same pattern: "
                            "give one pattern one sentence",
                        )
                    found.setdefault(pattern, (message, pointer))
                for key, value in node.items():
                    walk(value, f"{pointer}/{escape(str(key))}", depth + 1)
            elif isinstance(node, list):
                for index, value in enumerate(node):
                    walk(value, f"{pointer}/{index}", depth + 1)

        walk(self.doc, "#", 0)
        return {pattern: message for pattern, (message, _) in sorted(found.items())}

    def groups(self, operations: list[Operation]) -> list[Group]:
        taken_modules: set[str] = set()
        taken_keywords = {
            "security",
            "request_scope",
            "rate_limiter",
            "middlewares",
            "refusal_renderer",
            "fastapi_options",
        }
        groups = []
        for name in sorted({op.group for op in operations}, key=lambda n: names.snake(n)):
            module = names.unique(names.snake(name), taken_modules)
            keyword = module if module not in taken_keywords else f"{module}_api"
            groups.append(
                Group(
                    name=name,
                    module=module,
                    class_name=f"{names.pascal(name)}Api",
                    keyword=keyword,
                    operations=[op for op in operations if op.group == name],
                )
            )
        return groups


def needs_model(schema: Any) -> bool:
    """Whether a schema needs a generated model (objects, compositions) rather than a plain Python type."""
    if not isinstance(schema, dict):
        return False
    if any(key in schema for key in ("oneOf", "anyOf", "allOf", "properties", "additionalProperties", "discriminator")):
        return True
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return "object" in kinds


def read(document: dict[str, Any], source: str) -> Api:
    return Reader(document, source).read()


INTEGER_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_SUBSCHEMA_KEYS = ("items", "additionalProperties", "not", "contains", "propertyNames", "unevaluatedProperties")
_SUBSCHEMA_LISTS = ("allOf", "oneOf", "anyOf", "prefixItems")


def bound_integer_formats(schema: Any, depth: int = 0) -> None:
    """Write the range of `format: int32/int64` as minimum/maximum where the schema gives none, so the models
    enforce it wherever the integer sits (inside a oneOf member too), not only a check beside them."""
    if not isinstance(schema, dict) or depth > 64:
        return
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    limits = INTEGER_FORMATS.get(str(schema.get("format")))
    if "integer" in kinds and limits is not None:
        if "minimum" not in schema and "exclusiveMinimum" not in schema:
            schema["minimum"] = limits[0]
        if "maximum" not in schema and "exclusiveMaximum" not in schema:
            schema["maximum"] = limits[1]
    for key in _SUBSCHEMA_KEYS:
        bound_integer_formats(schema.get(key), depth + 1)
    for key in _SUBSCHEMA_LISTS:
        for sub in schema.get(key) or []:
            bound_integer_formats(sub, depth + 1)
    for key in ("properties", "patternProperties", "$defs", "definitions"):
        for sub in (schema.get(key) or {}).values():
            bound_integer_formats(sub, depth + 1)
