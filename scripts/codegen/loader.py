"""Loading a document: YAML or JSON, external `$ref`s bundled in, validated against the OpenAPI 3.0/3.1 schema.

Bundling follows what Redocly's `bundle` does: a schema in another file becomes a component of its own
(`components/schemas/<file stem or name>`, so models keep names and recursion works); anything else (a path
item, a response, a parameter) is inlined where it is referenced. `$ref`s inside `x-` extensions are left alone:
extensions are opaque to the generator.
"""

from __future__ import annotations

import copy
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
        raise SpecError(str(path), "#", "the file does not exist") from None
    except yaml.YAMLError as exc:
        raise SpecError(str(path), "#", f"is neither YAML nor JSON: {exc}".replace("\n", " ")) from None


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
        document = self.load(target)
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
    validate(document, str(path))
    return document


def validate(document: dict[str, Any], source: str) -> None:
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    validator = OpenAPIV31SpecValidator if str(document["openapi"]).startswith("3.1") else OpenAPIV30SpecValidator
    for error in validator(document).iter_errors():
        where = list(error.absolute_path)
        # Schema Objects are checked by a validator of their own: its paths start at the schema, so find it.
        located = _locate(document, where, error.instance) if where and where[0] not in document else where
        pointer = "#" + "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in located or where)
        message = str(error.message).splitlines()[0][:300]
        if isinstance(error.instance, bool) and "is not of type 'string'" in message:
            message += " (YAML reads unquoted on/off/yes/no/true/false as booleans: quote the value)"
        raise SpecError(source, pointer, f"is not valid OpenAPI: {message}")


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
