"""Renders the typed model with the Jinja templates in templates/ (jinja2 directly: see README, "The generator")."""

from __future__ import annotations

import pprint
from pathlib import Path
from typing import Any

import jinja2

from scripts.codegen.model import Api, Group, Operation, Outgoing

TEMPLATES = Path(__file__).parent / "templates"


def py(value: Any) -> str:
    """A Python literal (JSON-like values as the spec wrote them)."""
    return pprint.pformat(value, width=10_000, sort_dicts=False)


def docstring(value: str) -> str:
    text = " ".join(str(value).split()).replace("\\", "\\\\").replace('"""', "'''")
    return text.rstrip('"')


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 (Python source, not HTML)
    )
    env.filters["py"] = py
    env.filters["tuple"] = tuple
    env.filters["docstring"] = docstring
    return env


def _shared_names(operations: list[Operation] | list[Outgoing]) -> list[str]:
    return sorted({r.shared_name for op in operations for r in op.responses if r.shared_name})


def _exports(group: Group) -> list[str]:
    found = [group.class_name, "operations"]
    for op in group.operations:
        found.extend(op.aliases)
        if op.params_class:
            found.append(op.params_class)
        found.extend(r.class_name for r in op.results)
    return found


def render(api: Api) -> dict[str, str]:
    """Relative path -> source of every generated module except models.py."""
    env = environment()
    files: dict[str, str] = {}
    for group in api.groups:
        heads = [h for h in api.heads if h.head_of is not None and h.head_of.group == group.name]
        ops = [*group.operations, *heads]
        schemes = sorted({api.schemes[r.scheme].constant for op in ops for alt in op.security for r in alt})
        files[f"routers/{group.module}.py"] = env.get_template("router.py.jinja").render(
            api=api,
            group=group,
            heads=heads,
            shared_names=_shared_names(ops),
            scheme_constants=schemes,
            exports=_exports(group),
        )
    files["app.py"] = env.get_template("app.py.jinja").render(api=api)
    files["responses.py"] = env.get_template("responses.py.jinja").render(api=api)
    files["schemas.py"] = env.get_template("schemas.py.jinja").render(api=api)
    if api.schemes:
        files["security.py"] = env.get_template("security.py.jinja").render(api=api)
    outgoing = [*api.webhooks, *(cb for _, cb in api.callbacks)]
    if outgoing:
        files["webhooks.py"] = env.get_template("webhooks.py.jinja").render(
            api=api, outgoing=outgoing, shared_names=_shared_names(outgoing)
        )
    return files
