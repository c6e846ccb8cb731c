"""XML bodies read and written by the schema's `xml` hints (name, attribute, wrapped, namespace, prefix).

Parsing uses defusedxml: no entity expansion, no external entities, no DTD retrieval.
"""

from collections.abc import Mapping
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

import defusedxml.ElementTree as safe_xml

from contract_runtime import text
from contract_runtime.contract import Schema


class XmlError(ValueError):
    pass


def _hints(schema: Schema) -> Mapping[str, Any]:
    hints = schema.get("xml")
    return hints if isinstance(hints, Mapping) else {}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _named(schema: Schema, fallback: str, registry: Mapping[str, Schema]) -> str:
    own = _hints(schema).get("name")
    if own:
        return str(own)
    resolved = text.resolve(schema, registry)
    return str(_hints(resolved).get("name") or fallback)


def _qualified(schema: Schema, name: str, registry: Mapping[str, Schema]) -> str:
    hints = {**_hints(text.resolve(schema, registry)), **_hints(schema)}
    namespace = hints.get("namespace")
    return f"{{{namespace}}}{name}" if namespace else name


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _write(parent: Element | None, name: str, value: Any, schema: Schema, registry: Mapping[str, Schema]) -> Element:
    resolved = text.resolve(schema, registry)
    tag = _qualified(schema, name, registry)
    element = Element(tag) if parent is None else SubElement(parent, tag)
    if isinstance(value, Mapping):
        properties = text.declared_properties(resolved, registry)
        for key, item in value.items():
            sub = properties.get(key, {})
            sub_name = _named(sub, key, registry)
            if _hints(sub).get("attribute"):
                element.set(sub_name, _scalar_text(item))
            elif isinstance(item, list):
                _write_array(element, sub_name, item, sub, registry)
            else:
                _write(element, sub_name, item, sub, registry)
    elif isinstance(value, list):
        items = text.item_schema(resolved, registry)
        for item in value:
            _write(element, _named(items, name, registry), item, items, registry)
    else:
        element.text = _scalar_text(value)
    return element


def _write_array(parent: Element, name: str, value: list[Any], schema: Schema, registry: Mapping[str, Schema]) -> None:
    items = text.item_schema(schema, registry)
    if _hints(schema).get("wrapped"):
        wrapper = SubElement(parent, _qualified(schema, name, registry))
        for item in value:
            _write(wrapper, _named(items, name, registry), item, items, registry)
    else:
        for item in value:
            _write(parent, _named(items, name, registry), item, items, registry)


def dumps(value: Any, schema: Schema, root_name: str, registry: Mapping[str, Schema]) -> bytes:
    """A JSON-like value as an XML document whose root element is named by the schema (or `root_name`)."""
    root = _named(schema, root_name, registry)
    if isinstance(value, list):
        element = Element(_qualified(schema, root, registry))
        items = text.item_schema(text.resolve(schema, registry), registry)
        for item in value:
            _write(element, _named(items, "item", registry), item, items, registry)
    else:
        element = _write(None, root, value, schema, registry)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(element, encoding="unicode").encode()


def _element_names(key: str, schema: Schema, registry: Mapping[str, Schema]) -> list[str]:
    """The names a property's element may have: as written (an unwrapped array's items are named by their own
    schema), then the property's own name. OpenAPI leaves open whether a $ref'd schema's `xml.name` replaces the
    property's name, and tools write either (`<data>` or `<booking>` for `data: {$ref: Booking}`)."""
    own = _named(schema, key, registry)
    if text.is_array(schema, registry) and not _hints(schema).get("wrapped"):
        own = _named(text.item_schema(schema, registry), own, registry)
    return [own] if own == key else [own, key]


def _read(element: Element, schema: Schema, registry: Mapping[str, Schema]) -> Any:
    resolved = text.resolve(schema, registry)
    if text.is_array(resolved, registry):
        items = text.item_schema(resolved, registry)
        return [_read(child, items, registry) for child in element]
    if text.is_object(resolved, registry) and not len(element) and (element.text or "").strip():
        return text.Rejected(element.text or "")  # text where the schema wants an object
    if text.is_object(resolved, registry) or len(element) or element.attrib:
        properties = text.declared_properties(resolved, registry)
        found: dict[str, Any] = {}
        names = {key: _element_names(key, sub, registry) for key, sub in properties.items()}
        by_name: dict[str, tuple[str, Schema]] = {}
        for key, sub in properties.items():
            for name in names[key]:
                by_name.setdefault(name, (key, sub))
        for attribute, raw in element.attrib.items():
            key, sub = by_name.get(_local(attribute), (_local(attribute), {}))
            found[key] = text.scalar(raw, sub, registry)
        children = list(element)
        for key, sub in properties.items():
            mine = [name for name in names[key] if by_name[name][0] == key]
            matching = [c for c in children if _local(c.tag) in mine]
            if not matching or key in found:
                continue
            if text.is_array(sub, registry):
                items = text.item_schema(sub, registry)
                members = list(matching[0]) if _hints(sub).get("wrapped") else matching
                found[key] = [_read(m, items, registry) for m in members]
            else:
                found[key] = _read(matching[0], sub, registry)
        for child in children:
            if _local(child.tag) not in by_name:
                found.setdefault(_local(child.tag), _read(child, {}, registry))
        return found
    return text.scalar(element.text or "", resolved, registry)


def loads(body: bytes, schema: Schema, registry: Mapping[str, Schema]) -> Any:
    """An XML document as a JSON-like value shaped by the schema. Raises XmlError when it is not well formed."""
    try:
        root = safe_xml.fromstring(body)
    except Exception as exc:  # defusedxml refuses entities with its own errors; expat raises ParseError
        raise XmlError(str(exc)) from None
    return _read(root, schema, registry)
