"""Python names for what the spec names: snake_case operations and parameters, PascalCase types, stable and
collision-free."""

import keyword
import re

RESERVED = frozenset({"self", "body", "principal", "cls"})


def words(name: str) -> list[str]:
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    name = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", " ", name)
    return [w for w in re.split(r"[^0-9A-Za-z]+", name) if w]


def snake(name: str) -> str:
    """A Python identifier in snake_case (keywords and leading digits made safe)."""
    result = "_".join(w.lower() for w in words(name)) or "unnamed"
    if result[0].isdigit():
        result = f"n{result}"
    if keyword.iskeyword(result) or keyword.issoftkeyword(result) or result in RESERVED:
        result += "_"
    return result


def pascal(name: str) -> str:
    result = "".join(w[:1].upper() + w[1:] for w in words(name)) or "Unnamed"
    return f"N{result}" if result[0].isdigit() else result


def constant(name: str) -> str:
    return snake(name).rstrip("_").upper()


def unique(name: str, taken: set[str]) -> str:
    """`name`, or `name_2`, `name_3`, ... whichever is free first; records the result as taken."""
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{name}_{number}" if not name.endswith("_") else f"{name}{number}"
        number += 1
    taken.add(candidate)
    return candidate


def derived_operation_id(method: str, path: str) -> str:
    """A stable name for an operation without operationId: the method, then the path's literal segments, with
    `by_<param>` for each template (GET /pets/{petId}/photos -> get_pets_by_pet_id_photos)."""
    parts = [method.lower()]
    for segment in path.strip("/").split("/"):
        for literal, template in re.findall(r"([^{}]*)(?:\{([^{}]+)\})?", segment):
            if literal:
                parts.append(snake(literal).rstrip("_"))
            if template:
                parts.append("by_" + snake(template).rstrip("_"))
    return "_".join(p for p in parts if p) or method.lower()
