"""Loading a document: YAML or JSON, external `$ref`s bundled in, validated against the OpenAPI 3.0/3.1 schema.

Bundling follows what Redocly's `bundle` does: a schema in another file becomes a component of its own
(`components/schemas/<file stem or name>`, so models keep names and recursion works); anything else (a path
item, a response, a parameter) is inlined where it is referenced. `$ref`s inside `x-` extensions are left alone:
extensions are opaque to the generator.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from scripts.codegen.errors import SpecError

# Keys whose value is a schema, and keys whose value is a map (or list) of schemas.
_SCHEMA_KEYS = frozenset(
    {
        "schema",
        "items",
        "additionalProperties",
        "not",
        "contains",
        "if",
        "then",
        "else",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
        "additionalItems",
    }
)
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
_SCHEMA_LISTS = frozenset({"allOf", "oneOf", "anyOf", "prefixItems"})
_DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const"})


def read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(str(path), "#", "does not exist") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SpecError(str(path), "#", f"is neither YAML nor JSON ({where}{problem})") from None


def _pointer_get(document: Any, fragment: str, where: str) -> Any:
    node = document
    for raw in [p for p in fragment.lstrip("/").split("/") if p] if fragment not in ("", "/") else []:
        part = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise SpecError(where, "#" + fragment, "the $ref points at nothing")
    return node


class Bundler:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.files: dict[Path, Any] = {}
        self.document = read(self.root)
        if not isinstance(self.document, dict):
            raise SpecError(str(root), "#", "is not an OpenAPI document (not a mapping)")
        self.files[self.root] = self.document
        self.schema_names: dict[tuple[Path, str], str] = {}
        self.schemas: dict[str, Any] = {}

    def load(self, path: Path) -> Any:
        if path not in self.files:
            self.files[path] = read(path)
        return self.files[path]

    def bundle(self) -> dict[str, Any]:
        result = self.walk(self.document, self.root, schema=False, where="#")
        if self.schemas:
            schemas = result.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in self.schemas.items():
                schemas.setdefault(name, schema)
        assert isinstance(result, dict)
        return result

    def _component_name(self, target: Path, fragment: str) -> str:
        key = (target, fragment)
        if key in self.schema_names:
            return self.schema_names[key]
        base = fragment.rstrip("/").rsplit("/", 1)[-1] if fragment.strip("/") else target.stem
        taken = set(self.schema_names.values()) | set(self.document.get("components", {}).get("schemas", {}) or {})
        name, number = base, 2
        while name in taken:
            name, number = f"{base}{number}", number + 1
        self.schema_names[key] = name
        return name

    def ref(self, node: dict[str, Any], current: Path, schema: bool, where: str) -> Any:
        ref = str(node["$ref"])
        file_part, _, fragment = ref.partition("#")
        if file_part.startswith(("http://", "https://")):
            raise SpecError(
                str(current), where, f"remote $ref {ref} is not supported: download it and refer to the file"
            )
        target = (current.parent / unquote(file_part)).resolve() if file_part else current
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        if target == self.root:
            if current == self.root:
                return {**node} if not siblings else {"$ref": ref, **self.walk(siblings, current, schema, where)}
            return {"$ref": "#" + fragment, **self.walk(siblings, current, schema, where)}
        try:
            document = self.load(target)
        except SpecError as error:  # named where it is referred to: that is the line to change
            raise SpecError(str(current), where, f"$ref {ref}: {target} {error.message}") from None
        if schema or fragment.startswith("/components/schemas/"):
            key = (target, fragment)
            fresh = key not in self.schema_names
            name = self._component_name(target, fragment)
            if fresh:
                self.schemas[name] = {}
                resolved = self.walk(_pointer_get(document, fragment, str(target)), target, True, "#" + fragment)
                self.schemas[name] = resolved
            return {"$ref": f"#/components/schemas/{name}", **self.walk(siblings, current, schema, where)}
        if where.count("/") > 200:
            raise SpecError(str(current), where, f"$ref {ref} recurses without end")
        inlined = self.walk(copy.deepcopy(_pointer_get(document, fragment, str(target))), target, schema, where)
        return {**inlined, **self.walk(siblings, current, schema, where)} if isinstance(inlined, dict) else inlined

    def walk(self, node: Any, current: Path, schema: bool, where: str) -> Any:
        if isinstance(node, list):
            return [self.walk(item, current, schema, f"{where}/{i}") for i, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("$ref"), str):
            return self.ref(node, current, schema, where)
        result: dict[str, Any] = {}
        for key, value in node.items():
            here = f"{where}/{str(key).replace('~', '~0').replace('/', '~1')}"
            if str(key).startswith("x-") or (schema and key in _DATA_KEYS):
                result[key] = value
            elif key in _SCHEMA_KEYS and isinstance(value, dict):
                result[key] = self.walk(value, current, True, here)
            elif key in _SCHEMA_MAPS and isinstance(value, dict) and (schema or key == "properties"):
                result[key] = {k: self.walk(v, current, True, f"{here}/{k}") for k, v in value.items()}
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                result[key] = [self.walk(v, current, True, f"{here}/{i}") for i, v in enumerate(value)]
            elif key == "schemas" and where.endswith("/components") and isinstance(value, dict):
                result[key] = {k: self.walk(v, current, True, f"{here}/{k}") for k, v in value.items()}
            else:
                result[key] = self.walk(value, current, False, here)
        return result


def load(path: Path) -> dict[str, Any]:
    """The document with every external $ref bundled in, checked against the OpenAPI schema of its version."""
    document = Bundler(path).bundle()
    version = str(document.get("openapi", ""))
    if not version.startswith(("3.0.", "3.1.")):
        raise SpecError(str(path), "#/openapi", f"OpenAPI {version or '(missing)'} is not 3.0.x or 3.1.x")
    refuse_ref_cycles(document, str(path))
    validate(document, str(path))
    return document


def _escape(part: Any) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def refuse_ref_cycles(document: dict[str, Any], source: str) -> None:
    """A chain of $refs that comes back to itself without ever reaching an object (`A: {$ref: B}`, `B: {$ref: A}`)
    describes nothing: refused here, naming the chain, before any validator recurses into it for ever."""
    stack: list[tuple[str, Any]] = [("#", document)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
                chain = [pointer]
                target: Any = node
                while isinstance(target, dict) and isinstance(target.get("$ref"), str):
                    ref = target["$ref"]
                    if not ref.startswith("#"):
                        break
                    if ref in chain:
                        cycle = " -> ".join([*chain[chain.index(ref) :], ref])
                        raise SpecError(
                            source,
                            ref,
                            f"$ref cycle {cycle} never reaches a schema: give one of them a schema of its own",
                        )
                    chain.append(ref)
                    try:
                        target = _pointer_get(document, ref[1:], source)
                    except SpecError:
                        raise SpecError(source, pointer, f"$ref {ref} points at nothing") from None
            stack.extend((f"{pointer}/{_escape(k)}", v) for k, v in node.items() if not str(k).startswith("x-"))
        elif isinstance(node, list):
            stack.extend((f"{pointer}/{i}", v) for i, v in enumerate(node))


# Styles OpenAPI defines per parameter location (the validator only says "matches none of the oneOf forms").
STYLES = {
    "path": ("simple", "label", "matrix"),
    "query": ("form", "spaceDelimited", "pipeDelimited", "deepObject"),
    "header": ("simple",),
    "cookie": ("form",),
}


def _explain(instance: Any, message: str, openapi: str) -> str:
    """What to change, for the validator's messages that do not say it."""
    if isinstance(instance, bool) and "is not of type 'string'" in message:
        return f"{message} (YAML reads unquoted on/off/yes/no/true/false as booleans: quote the value)"
    if "is not valid under any of the schemas listed in the 'oneOf' keyword" not in message:
        return message
    if isinstance(instance, dict) and instance.get("in") in STYLES and "style" in instance:
        allowed = STYLES[instance["in"]]
        if instance["style"] not in allowed:
            return (
                f"style `{instance['style']}` is not defined for {instance['in']} parameters (use {', '.join(allowed)})"
            )
    if isinstance(instance, dict) and instance.get("type") == "mutualTLS" and openapi.startswith("3.0"):
        return "mutualTLS security schemes need OpenAPI 3.1"
    return "this object matches none of the forms OpenAPI allows here"


def validate(document: dict[str, Any], source: str) -> None:
    """Every way the document breaks the OpenAPI schema of its version, one SpecError (in a group) each."""
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    openapi = str(document["openapi"])
    validator = OpenAPIV31SpecValidator if openapi.startswith("3.1") else OpenAPIV30SpecValidator
    found: dict[str, SpecError] = {}
    for error in validator(document).iter_errors():
        where = list(error.absolute_path)
        # Schema Objects are checked by a validator of their own: its paths start at the schema, so find it.
        located = _locate(document, where, error.instance) if where and where[0] not in document else where
        pointer = "#" + "".join("/" + _escape(p) for p in located or where)
        message = str(error.message).splitlines()[0][:300]
        duplicate = re.fullmatch(r"Operation ID '.*' for '(\w+)' in '(.*)' is not unique", message)
        unresolved = re.fullmatch(r"Path parameter '(.*)' for '(\w+)' operation in '(.*)' was not resolved", message)
        if duplicate is not None:
            pointer = f"#/paths/{_escape(duplicate.group(2))}/{duplicate.group(1)}/operationId"
            message += ": give each operation an operationId of its own"
        elif unresolved is not None:
            pointer = f"#/paths/{_escape(unresolved.group(3))}/{unresolved.group(2)}"
            message = f"path parameter `{unresolved.group(1)}` is not declared: add it to `parameters`"
        try:  # the validator's `instance` is sometimes the whole document: the node at the pointer is what it means
            node = _pointer_get(document, pointer[1:], source)
        except SpecError:
            node = error.instance
        explained = _explain(node, message, openapi)
        found.setdefault(pointer, SpecError(source, pointer, f"is not valid OpenAPI: {explained}"))
    if len(found) == 1:
        raise next(iter(found.values()))
    if found:
        raise ExceptionGroup("the document is not valid OpenAPI", list(found.values()))


def _locate(document: Any, relative: list[Any], instance: Any) -> list[Any] | None:
    """The first place in the document (in document order) where `relative` leads to `instance`."""
    stack: list[tuple[list[Any], Any]] = [([], document)]
    while stack:
        path, node = stack.pop(0)
        target: Any = node
        for part in relative:
            if (isinstance(target, dict) and part in target) or (
                isinstance(target, list) and isinstance(part, int) and part < len(target)
            ):
                target = target[part]
            else:
                break
        else:
            if target == instance and type(target) is type(instance):
                return [*path, *relative]
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
        stack.extend(([*path, key], child) for key, child in children if isinstance(child, dict | list))
    return None
