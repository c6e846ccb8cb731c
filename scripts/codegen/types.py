"""Python types for the model, once datamodel-code-generator has written the models: component schemas are its
classes, simple schemas (scalars, enums, arrays of them) plain Python types with Pydantic constraints."""

from __future__ import annotations

import ast
import copy
import json
from pathlib import Path
from typing import Any

from scripts.codegen import names
from scripts.codegen.errors import SpecError
from scripts.codegen.model import Api, Media, Operation, Outgoing, Param, Response
from scripts.codegen.reader import Reader

COMPONENT = "#/components/schemas/"


class Models:
    """What datamodel-code-generator wrote: the class of each component schema, and which are enums."""

    def __init__(self, models_py: Path, metadata: Path) -> None:
        tree = ast.parse(models_py.read_text())
        self.defined = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
        self.aliases = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign | ast.AnnAssign)
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        }
        self.by_component: dict[str, str] = {}
        for model in json.loads(metadata.read_text()).get("models", []):
            path = model.get("source_path") or []
            if len(path) == 3 and path[:2] == ["components", "schemas"]:
                self.by_component.setdefault(path[2], model["class_name"])

    def class_of(self, component: str) -> str | None:
        name = self.by_component.get(component)
        return name if name is not None and (name in self.defined or name in self.aliases) else None

    def is_enum(self, class_name: str) -> bool:
        node = self.defined.get(class_name)
        return node is not None and any("Enum" in ast.unparse(base) for base in node.bases)


class Typer:
    def __init__(self, reader: Reader, models: Models) -> None:
        self.reader = reader
        self.models = models
        self.skeletons: dict[str, Any] = {}

    # --- skeletons: what the runtime needs to decode text and write XML ------------------------------------------

    def skeleton(self, schema: Any, depth: int = 0) -> Any:
        if not isinstance(schema, dict) or depth > 40:
            return {}
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(COMPONENT):
            name = ref[len(COMPONENT) :]
            if name not in self.skeletons:
                self.skeletons[name] = {}
                self.skeletons[name] = self.skeleton(self.reader.resolve(schema), depth + 1)
            # OAS 3.1 lets a property's $ref carry readOnly/writeOnly beside it.
            return {"$ref": name, **{k: True for k in ("readOnly", "writeOnly") if schema.get(k) is True}}
        if isinstance(ref, str):
            return self.skeleton(self.reader.resolve(schema), depth + 1)
        found: dict[str, Any] = {}
        kinds = schema.get("type")
        if kinds is not None:
            found["type"] = kinds
        if schema.get("nullable") and isinstance(kinds, str):
            found["type"] = [kinds, "null"]
        if "format" in schema:
            found["format"] = schema["format"]
        if isinstance(schema.get("xml"), dict):
            found["xml"] = schema["xml"]
        if isinstance(schema.get("items"), dict):
            found["items"] = self.skeleton(schema["items"], depth + 1)
        if isinstance(schema.get("properties"), dict):
            found["properties"] = {k: self.skeleton(v, depth + 1) for k, v in schema["properties"].items()}
        if isinstance(schema.get("required"), list) and schema["required"]:
            found["required"] = [str(name) for name in schema["required"]]
        for key in ("readOnly", "writeOnly"):
            if schema.get(key) is True:
                found[key] = True
        if isinstance(schema.get("additionalProperties"), dict):
            found["additionalProperties"] = self.skeleton(schema["additionalProperties"], depth + 1)
        for key in ("oneOf", "anyOf", "allOf"):
            if isinstance(schema.get(key), list):
                found[key] = [self.skeleton(s, depth + 1) for s in schema[key]]
        return found

    def mentions(self, schema: Any, key: str, seen: set[str] | None = None) -> bool:
        """Whether `key: true` appears anywhere in the schema (through $refs)."""
        seen = set() if seen is None else seen
        if isinstance(schema, list):
            return any(self.mentions(s, key, seen) for s in schema)
        if not isinstance(schema, dict):
            return False
        if schema.get(key) is True:
            return True
        ref = schema.get("$ref")
        if isinstance(ref, str):
            if ref in seen:
                return False
            seen.add(ref)
            return self.mentions(self.reader.resolve({"$ref": ref}), key, seen)
        return any(
            self.mentions(value, key, seen)
            for name, value in schema.items()
            if name not in ("example", "examples", "default", "enum", "const") and isinstance(value, dict | list)
        )

    # --- types ---------------------------------------------------------------------------------------------------

    def component_type(self, schema: Any) -> str | None:
        ref = schema.get("$ref") if isinstance(schema, dict) else None
        if isinstance(ref, str) and ref.startswith(COMPONENT):
            found = self.models.class_of(ref[len(COMPONENT) :])
            return f"models.{found}" if found else None
        return None

    def scalar(self, schema: Any, pointer: str, *, constraints: bool) -> tuple[str, list[str], list[str]]:
        """(type, Field keyword arguments, extra validators) of a simple schema."""
        component = self.component_type(schema)
        resolved = self.reader.resolve(schema, pointer)
        if not isinstance(resolved, dict):
            return "Any", [], []
        nullable = bool(resolved.get("nullable"))
        kinds = resolved.get("type")
        if isinstance(kinds, list):
            nullable = nullable or "null" in kinds
            rest = [k for k in kinds if k != "null"]
            kinds = rest[0] if len(rest) == 1 else None
        kwargs: list[str] = []
        validators: list[str] = []
        if component and self.models.is_enum(component.split(".", 1)[1]):
            py = component
        elif "const" in resolved:
            py = f"Literal[{resolved['const']!r}]"
        elif "enum" in resolved and all(isinstance(v, str | int | bool) for v in resolved["enum"] if v is not None):
            values = [v for v in resolved["enum"] if v is not None]
            nullable = nullable or None in resolved["enum"]
            py = "Literal[" + ", ".join(repr(v) for v in values) + "]" if values else "None"
        elif kinds == "string":
            fmt = resolved.get("format")
            if fmt == "uuid":
                py = "UUID"
                validators.append("UUID_TEXT")
            elif fmt == "date":
                py = "date"
                validators.append("DATE_TEXT")
            elif fmt == "date-time":
                py = "AwareDatetime"
                validators.append("DATE_TIME_TEXT")
            elif fmt == "binary":
                py = "bytes"
            else:
                py = "str"
                if fmt == "uri":
                    validators.append("URI_TEXT")
                elif fmt == "email":
                    validators.append("EMAIL_TEXT")
                if constraints:
                    for key, arg in (("minLength", "min_length"), ("maxLength", "max_length"), ("pattern", "pattern")):
                        if key in resolved:
                            kwargs.append(f"{arg}={resolved[key]!r}")
        elif kinds in ("integer", "number"):
            py = "int" if kinds == "integer" else "float"
            validators.append("STRICT_NUMBER")
            if constraints:
                kwargs.extend(self.bounds(resolved))
        elif kinds == "boolean":
            py = "bool"
        elif kinds == "array":
            items = resolved.get("items") or {}
            item_type, item_kwargs, item_validators = self.scalar(items, pointer + "/items", constraints=constraints)
            item_type = self.annotated(item_type, item_kwargs, item_validators)
            py = f"list[{item_type}]"
            if constraints:
                for key, arg in (("minItems", "min_length"), ("maxItems", "max_length")):
                    if key in resolved:
                        kwargs.append(f"{arg}={resolved[key]!r}")
        elif component:
            py = component
        elif kinds is None and not resolved:
            py = "Any"
        else:
            py = "str"
        if nullable and py not in ("Any", "None"):
            py = f"{py} | None"
        return py, kwargs, validators

    def bounds(self, schema: dict[str, Any]) -> list[str]:
        found = []
        limits = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}.get(str(schema.get("format")))
        if limits is not None:
            if "minimum" not in schema and "exclusiveMinimum" not in schema:
                found.append(f"ge={limits[0]}")
            if "maximum" not in schema and "exclusiveMaximum" not in schema:
                found.append(f"le={limits[1]}")
        for key, arg in (("minimum", "ge"), ("maximum", "le"), ("multipleOf", "multiple_of")):
            if key in schema:
                found.append(f"{arg}={schema[key]!r}")
        for key, arg, inclusive in (("exclusiveMinimum", "gt", "minimum"), ("exclusiveMaximum", "lt", "maximum")):
            value = schema.get(key)
            if isinstance(value, bool):  # OpenAPI 3.0: a flag on minimum/maximum
                if value and inclusive in schema:
                    found = [f for f in found if not f.startswith("ge=" if arg == "gt" else "le=")]
                    found.append(f"{arg}={schema[inclusive]!r}")
            elif value is not None:
                found.append(f"{arg}={value!r}")
        return found

    def annotated(self, py: str, kwargs: list[str], validators: list[str]) -> str:
        meta = [*([f"Field({', '.join(kwargs)})"] if kwargs else []), *validators]
        return f"Annotated[{py}, {', '.join(meta)}]" if meta else py

    def media_type_of(self, media: Media, outgoing: bool, request: bool = False) -> None:
        """The body's type: a model, a constrained simple type, `bytes` (requests) or `Binary` (answers)."""
        if media.kind == "binary" or (media.kind == "text" and self._binary_text(media)):
            media.py_type = "Binary" if outgoing else "bytes"
            media.runtime_type = "bytes"
            return
        if media.schema is None or media.schema == {}:
            media.py_type = "str" if media.kind == "text" else "Any"
            media.runtime_type = "str" if media.kind == "text" else "None"
        else:
            component = self.component_type(media.schema)
            if component:
                media.py_type = component
                media.runtime_type = component
            else:
                py, kwargs, validators = self.scalar(media.schema, media.pointer + "/schema", constraints=True)
                media.py_type = py
                # A text/plain body arrives as text: its number is read from it; JSON ones hold numbers already.
                kept = {"DATE_TEXT", "DATE_TIME_TEXT"} | ({"STRICT_NUMBER"} if media.kind != "text" else set())
                media.runtime_type = self.annotated(py, kwargs, [v for v in validators if v in kept])
        # What leaves drops the members the spec says never travel that way (writeOnly in answers, readOnly in
        # requests this API sends): their JSON media get a skeleton too, when their schema has any.
        hidden = "writeOnly" if outgoing else "readOnly"
        wanted = media.kind in ("xml", "form", "multipart") or (request and media.kind == "json")
        if media.schema and (wanted or (not request and self.mentions(media.schema, hidden))):
            media.skeleton = self.skeleton(media.schema)
        if media.kind == "xml":
            ref = media.schema.get("$ref", "") if isinstance(media.schema, dict) else ""
            media.xml_name = ref.rsplit("/", 1)[-1] if ref else "root"

    def _binary_text(self, media: Media) -> bool:
        resolved = self.reader.resolve(media.schema) if media.schema is not None else {}
        return isinstance(resolved, dict) and resolved.get("format") == "binary"

    def param(self, param: Param) -> None:
        py, kwargs, validators = self.scalar(param.schema, param.pointer, constraints=True)
        param.skeleton = self.skeleton(param.schema)
        if param.content_type is not None:
            validators = [v for v in validators if v != "UUID_TEXT"]
        resolved = self.reader.resolve(param.schema)
        default = resolved.get("default") if isinstance(resolved, dict) else None
        if not param.required:
            if default is not None and not py.endswith("| None") and "Any" not in py:
                component = py if py.startswith("models.") else None
                param.default = f"{component}({default!r})" if component else repr(default)
            else:
                py = py if py.endswith("| None") or py == "Any" else f"{py} | None"
                param.default = "None"
        param.py_type = plain(py)
        param.field_meta = self.annotated(py, kwargs, validators)

    def response(self, response: Response, outgoing: bool) -> None:
        for media in response.media:
            self.media_type_of(media, outgoing)
            if media.kind == "xml" and media.skeleton is None:
                media.skeleton = {}
        taken: set[str] = {"status", "body", "headers"}
        for header in response.headers:
            header.skeleton = self.skeleton(header.schema)
            py, kwargs, validators = self.scalar(header.schema, response.pointer + "/headers", constraints=True)
            header.py_type = plain(py) if py != "Any" else "str"
            if header.supplied_by is None and header.const is None and (kwargs or py.startswith("models.")):
                header.runtime_type = self.annotated(py, kwargs, [v for v in validators if v != "STRICT_NUMBER"])
            if header.supplied_by is None and header.const is None:
                header.keyword = names.unique(names.snake(header.name), taken)

    def operation(self, op: Operation) -> None:
        for param in op.params:
            self.param(param)
            if param.py_type.startswith("Literal["):
                literal = param.py_type.removesuffix(" | None")
                alias = f"{names.pascal(op.name)}{names.pascal(param.name)}"
                op.aliases[alias] = literal
                param.py_type = param.py_type.replace(literal, alias, 1)
                param.field_meta = param.field_meta.replace(literal, alias, 1)
        op.params_class = f"{names.pascal(op.name)}Parameters" if op.params else ""
        if op.body is not None:
            for media in op.body.media:
                self.media_type_of(media, outgoing=False, request=True)
        for response in op.responses:
            self.response(response, outgoing=True)
        non_empty = [alt for alt in op.security if alt]
        op.principal_mode = "single" if len(non_empty) == 1 and len(non_empty[0]) == 1 else "authenticated"
        answers = [
            r for r in op.responses if not r.is_problem_only and not (r.status.startswith(("4", "5")) and not r.media)
        ]
        answers = [r for r in answers if r.status.startswith(("1", "2", "3")) or r.status == "default" or r.media]
        if len(answers) == 1 and answers[0].exact and not answers[0].result_headers:
            op.result_mode = "bare"
            op.default_status = int(answers[0].status)
            op.return_type = answers[0].body_type or "None"
        elif not answers:
            op.result_mode = "bare"
            op.default_status = None if op.responses else 204  # no responses declared at all: an empty answer
            op.return_type = "None"
        else:
            op.result_mode = "result"
            for index, r in enumerate(op.responses):
                if r in answers and r.shared_name:  # a shared response gets a result class of this operation
                    op.responses[index] = copy.copy(r)
                    answers[answers.index(r)] = op.responses[index]
            for r in answers:
                r.class_name = (
                    f"{names.pascal(op.name)}{r.status.capitalize() if r.status == 'default' else r.status}Response"
                )
            op.return_type = " | ".join(r.class_name for r in answers)
        offered = [m for r in op.responses if r.status.startswith("2") or r.status == "default" for m in r.media]
        by_media_type: dict[str, set[str]] = {}
        for m in offered:
            by_media_type.setdefault(m.media_type, set()).add(m.py_type)
        if len({frozenset(types) for types in by_media_type.values()}) > 1:
            taken = {p.keyword for p in op.params} | {"body", "principal"}
            op.media_type_keyword = names.unique("media_type", taken)
            op.media_type_alias = f"{names.pascal(op.name)}MediaType"
            choices = dict.fromkeys(m.media_type for m in offered)
            op.aliases[op.media_type_alias] = "Literal[" + ", ".join(repr(m) for m in choices) + "]"
        for callback in op.callbacks:
            self.outgoing(callback)

    def outgoing(self, out: Outgoing) -> None:
        for param in out.params:
            self.param(param)
        if out.body is not None:
            for media in out.body.media:
                self.media_type_of(media, outgoing=False)
        for response in out.responses:
            self.response(response, outgoing=False)
        bodies = [
            m.py_type if m.kind == "json" and m.runtime_type != "None" else "bytes"
            for r in out.responses
            for m in r.media
        ]
        out.reply_type = " | ".join(dict.fromkeys([*bodies, "None"])) if out.responses else "Any"

    def api(self, api: Api) -> None:
        for op in api.operations:
            self.operation(op)
        for head in api.heads:
            for response in head.responses:
                self.response(response, outgoing=True)
        for webhook in api.webhooks:
            self.outgoing(webhook)
        for response in api.shared_responses:
            if not response.media or not response.media[0].py_type:
                self.response(response, outgoing=True)
        api.skeletons = self.skeletons


class _Unannotate(ast.NodeTransformer):
    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id == "Annotated" and isinstance(node.slice, ast.Tuple):
            first: ast.AST = self.visit(node.slice.elts[0])
            return first
        self.generic_visit(node)
        return node


def plain(type_source: str) -> str:
    """A type without its validation metadata (`list[Annotated[int, ...]]` -> `list[int]`): what an interface
    method states; the parameters dataclass keeps the metadata."""
    tree = _Unannotate().visit(ast.parse(type_source, mode="eval"))
    return ast.unparse(tree)


def unresolved(api: Api) -> list[SpecError]:
    """Types that point at a model the model generator did not write."""
    errors = []
    for op in api.operations:
        for media in [*(op.body.media if op.body else []), *(m for r in op.responses for m in r.media)]:
            if media.py_type == "" or media.py_type.startswith("models.None"):
                errors.append(SpecError(api.source, media.pointer, "no model was generated for this schema"))
    return errors
