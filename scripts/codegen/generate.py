"""Generate a self-contained server package from any OpenAPI 3.0/3.1 document, or prove one is up to date.

    python -m scripts.codegen.generate --spec PATH --out DIR     # any document -> the package DIR
    python -m scripts.codegen.generate                           # make generate: openapi.yaml -> generated/
    python -m scripts.codegen.generate --check                   # make check-generated: fail on drift

The pipeline: load (bundle external $refs, validate) -> read into a typed model (reader.py; inline schemas that
need a model are hoisted into components) -> refuse what cannot be expressed (support.py: one line per problem,
with its JSON pointer) -> models by datamodel-code-generator (pinned, from uv.lock) -> types (types.py) ->
templates rendered with jinja2 (render.py) -> ruff. The package imports only the contract runtime
(contract_runtime/) and its own modules (relative imports), so it can live anywhere.
"""

from __future__ import annotations

import argparse
import copy
import difflib
import filecmp
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from scripts.codegen import loader, reader, render, support, types
from scripts.codegen.errors import SpecError
from scripts.codegen.model import Api

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.yaml"
TARGET = ROOT / "generated"
PYTHON = sys.executable  # the project environment: datamodel-code-generator and ruff come from uv.lock

DCG_OPTIONS = [
    "--input-file-type=openapi",
    "--output-model-type=pydantic_v2.BaseModel",
    "--target-python-version=3.11",
    "--target-pydantic-version=2.14",
    "--use-annotated",
    "--use-standard-collections",
    "--use-union-operator",
    "--strict-nullable",
    # Optional fields default to MISSING: absent stays absent in responses, and PATCH can tell absent from null.
    "--use-missing-sentinel",
    "--use-specialized-enum",
    "--enum-field-as-literal=one",
    "--deserialize-default-values=enum",
    "--output-datetime-class=AwareDatetime",
    "--collapse-root-models",
    # JSON types are not coerced: "1" is no boolean, 1 no string, "5" and true no number, in any position (inside
    # a oneOf member too). JSON bodies are parsed with integral numbers as ints (contract_runtime.jsontext), so
    # 181.0 is still the integer JSON Schema says it is.
    "--strict-types",
    "str",
    "bool",
    "int",
    "float",
    "--disable-timestamp",
]


class GenerationFailed(Exception):
    pass


def header(source: str, command: str) -> str:
    return (
        f"# DO NOT EDIT: generated from {source} by `{command}` (scripts/codegen).\n"
        f"# Change {source} or scripts/codegen/, then run it again.\n"
    )


def strip_tool_header(text: str) -> str:
    lines = text.splitlines(keepends=True)
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        lines.pop(0)
    return "".join(lines)


def run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise GenerationFailed(f"$ {' '.join(cmd)}\n{result.stdout}{result.stderr}")


def _binary_overrides(api_model: Any, document: dict[str, Any], models_reader: reader.Reader) -> dict[str, str]:
    """Multipart file properties become UploadedFile (or a list of them) instead of bytes."""
    overrides: dict[str, str] = {}
    medias = [m for op in api_model.operations if op.body for m in op.body.media if m.kind == "multipart"]
    for media in medias:
        ref = media.schema.get("$ref", "") if isinstance(media.schema, dict) else ""
        if not ref.startswith(types.COMPONENT):
            continue
        name = ref[len(types.COMPONENT) :]
        schema = models_reader.resolve(media.schema)
        for prop, sub in (schema.get("properties") or {}).items():
            resolved = models_reader.resolve(sub)
            items = models_reader.resolve(resolved.get("items") or {}) if resolved.get("type") == "array" else None
            if _is_file(resolved):
                overrides[f"{name}.{prop}"] = "contract_runtime.UploadedFile"
            elif items is not None and _is_file(items):
                overrides[f"{name}.{prop}"] = "contract_runtime.UploadedFiles"
    return overrides


def _is_file(schema: Any) -> bool:
    return isinstance(schema, dict) and (
        schema.get("format") == "binary" or ("contentMediaType" in schema and schema.get("type") in (None, "string"))
    )


def generate_into(out: Path, spec: Path, command: str) -> Api:
    """Write the package for `spec` into the (new) folder `out`; its model. Raises SpecError or GenerationFailed."""
    document = loader.load(spec)
    source = spec.name
    spec_reader = reader.Reader(document, source)
    api = spec_reader.read()
    refused = support.problems(api, document)
    if refused:
        raise ExceptionGroup("the document cannot be generated", refused)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        hoisted = work / f"{spec.stem}.json"
        modelled = copy.deepcopy(document)
        for schema in modelled["components"]["schemas"].values():
            reader.bound_integer_formats(schema)
        hoisted.write_text(json.dumps(modelled))
        models_py, metadata = work / "models.py", work / "models.json"
        overrides = _binary_overrides(api, document, spec_reader)
        if document.get("components", {}).get("schemas"):
            run(
                [
                    PYTHON,
                    "-m",
                    "datamodel_code_generator",
                    f"--input={hoisted}",
                    f"--output={models_py}",
                    f"--emit-model-metadata={metadata}",
                    *DCG_OPTIONS,
                    *([f"--type-overrides={json.dumps(overrides)}"] if overrides else []),
                ]
            )
        else:  # nothing to model: datamodel-code-generator refuses an empty input
            models_py.write_text('"""This document declares no schemas."""\n')
            metadata.write_text('{"models": []}')
        typer = types.Typer(spec_reader, types.Models(models_py, metadata))
        typer.api(api)
        missing = types.unresolved(api)
        if missing:
            raise ExceptionGroup("the document cannot be generated", missing)
        files = render.render(api)
        dcg_version = subprocess.run(  # "datamodel-codegen 0.89.0"
            [PYTHON, "-m", "datamodel_code_generator", "--version"], cwd=ROOT, capture_output=True, text=True
        ).stdout.split()[-1]
        (out / "routers").mkdir(parents=True)
        generated_by = header(source, command)
        models = strip_tool_header(models_py.read_text())
        models_header = header(source, command).replace(
            "(scripts/codegen)", f"(datamodel-code-generator=={dcg_version})"
        )
        # An allOf part may narrow an inherited field (`data: list[Station]` over `data: list[dict]`): sound for
        # Pydantic, which validates each class's own annotation, but an incompatible override to mypy.
        narrowing = '# mypy: disable-error-code="assignment"\n'
        (out / "models.py").write_text(models_header + narrowing + "\n" + models)
    for name, text in files.items():
        (out / name).write_text(generated_by + "\n" + text)
    package_doc = f'"""Generated from {source}: models, one interface per tag, routers, create_app."""\n'
    (out / "__init__.py").write_text(generated_by + package_doc)
    (out / "routers" / "__init__.py").write_text(generated_by)
    # Only tidy imports (templates import a superset of what each module needs), then format.
    config = f"--config={ROOT / 'pyproject.toml'}"
    run([PYTHON, "-m", "ruff", "check", config, "--quiet", "--fix", "--select=F401,I", str(out)])
    run([PYTHON, "-m", "ruff", "format", config, "--quiet", str(out)])
    return api


def tree(folder: Path) -> dict[str, Path]:
    return {
        str(p.relative_to(folder)): p for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts
    }


def diff(expected: Path, actual: Path, label: str) -> list[str]:
    want, have = tree(expected), tree(actual)
    problems: list[str] = []
    for name in sorted(set(want) | set(have)):
        if name not in have:
            problems.append(f"missing from {label}/: {name}\n")
        elif name not in want:
            problems.append(f"not produced by the generator (stale or hand-made): {label}/{name}\n")
        elif not filecmp.cmp(want[name], have[name], shallow=False):
            problems.extend(
                difflib.unified_diff(
                    have[name].read_text().splitlines(keepends=True),
                    want[name].read_text().splitlines(keepends=True),
                    f"{label}/{name} (committed)",
                    f"{label}/{name} (from the spec)",
                )
            )
    return problems


def shown(path: Path) -> str:
    """A path as the person running the command would write it: relative to the working directory when inside."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def report(error: BaseException, spec: Path | None = None) -> None:
    """One line per problem: the document (as the command named it), the JSON pointer, what to change."""
    errors = error.exceptions if isinstance(error, ExceptionGroup) else [error]
    for each in errors:
        if isinstance(each, SpecError):
            source = Path(each.source)
            if spec is not None and not source.is_absolute() and source.name == spec.name:
                source = spec  # the reader names the root document by its file name
            sys.stderr.write(f"{shown(source)}{each.pointer}: {each.message}\n")
        else:
            sys.stderr.write(f"{each}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", type=Path, default=SPEC, help="the OpenAPI document (default: openapi.yaml)")
    parser.add_argument("--out", type=Path, help="the package folder to write (default for openapi.yaml: generated/)")
    parser.add_argument("--check", action="store_true", help="fail if --out differs from a fresh generation")
    args = parser.parse_args(argv)
    spec = args.spec.resolve()
    ours = spec == SPEC
    if args.out is None and not (ours or args.check):
        parser.error("--out is required for a spec other than openapi.yaml")
    target = (args.out or TARGET).resolve()
    command = "make generate" if target == TARGET else f"python -m scripts.codegen.generate --spec {args.spec}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "package"
            generate_into(out, spec, command)
            if args.check:
                label = target.name
                problems = diff(out, target, label)
                if problems:
                    sys.stdout.writelines(problems)
                    print(f"\n{label}/ is out of date with {spec.name} or scripts/codegen: regenerate it.")
                    return 1
                print(f"{label}/ is up to date.")
                return 0
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(out, target)
            print(f"wrote {len(tree(target))} files to {target}")
    except (SpecError, ExceptionGroup) as error:
        report(error, spec)
        return 1
    except GenerationFailed as error:
        sys.stderr.write(f"{error}\n")
        return 1
    except RecursionError:
        sys.stderr.write(f"{shown(spec)}#: nests too deeply to be read (a schema or $ref chain without end?)\n")
        return 1
    except Exception as error:  # never a traceback: one line, and where to look
        message = " ".join(str(error).split())[:300]
        sys.stderr.write(
            f"{shown(spec)}#: the generator failed on this document ({type(error).__name__}: {message}); "
            "please report it with the document\n"
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
