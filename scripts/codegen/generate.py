"""`make generate` / `make check-generated`: write generated/ from openapi.yaml, or prove it is up to date.

Two generators, each pinned exactly:
- fastapi-code-generator renders our templates (scripts/codegen/templates) with our visitor
  (scripts/codegen/visitor.py) into the routers, interfaces and create_app, which import the hand-written
  contract runtime (contract_runtime/). It pins an old datamodel-code-generator, so it runs in its own isolated
  tool environment through `uv tool run`.
- datamodel-code-generator (a dev dependency of the project, current release) writes the Pydantic v2 models.
Everything is assembled in a temporary folder, formatted with ruff, and then either swapped in or diffed.
"""

from __future__ import annotations

import argparse
import difflib
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.yaml"
TEMPLATES = ROOT / "scripts" / "codegen" / "templates"
VISITOR = ROOT / "scripts" / "codegen" / "visitor.py"
TARGET = ROOT / "generated"
FCG = "fastapi-code-generator==0.8.1"
UV = os.environ.get("UV", "uv")  # the Makefile passes the uv it installed, which may not be on PATH
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
    # JSON strings and booleans must not be coerced ("1" is no boolean, 1 is no string).
    "--strict-types",
    "str",
    "bool",
    "--disable-timestamp",
]


def header(tool: str) -> str:
    return (
        f"# DO NOT EDIT: generated from openapi.yaml by `make generate` ({tool}).\n"
        "# Change openapi.yaml or scripts/codegen/, then run `make generate`.\n"
    )


def strip_tool_header(text: str) -> str:
    lines = text.splitlines(keepends=True)
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        lines.pop(0)
    return "".join(lines)


def run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(f"$ {' '.join(cmd)}\n{result.stdout}{result.stderr}")
        raise SystemExit(result.returncode)


def generate_into(out: Path, work: Path, spec: Path = SPEC) -> None:
    fcg_out = work / "fcg"
    run(
        [
            UV,
            "tool",
            "run",
            "--python=3.11",
            f"--from={FCG}",
            "fastapi-codegen",
            f"--input={spec}",
            f"--output={fcg_out}",
            f"--template-dir={TEMPLATES}",
            f"--custom-visitor={VISITOR}",
            "--generate-routers",
            "--disable-timestamp",
        ]
    )
    dcg_out = work / "models.py"
    run([PYTHON, "-m", "datamodel_code_generator", f"--input={spec}", f"--output={dcg_out}", *DCG_OPTIONS])

    (out / "routers").mkdir(parents=True)
    fcg_header = header(FCG + " + scripts/codegen")
    for name in ("responses", "app"):
        body = strip_tool_header((fcg_out / f"{name}.py").read_text())
        (out / f"{name}.py").write_text(fcg_header + "\n" + body)
    for router in sorted((fcg_out / "routers").glob("*.py")):
        (out / "routers" / router.name).write_text(fcg_header + "\n" + strip_tool_header(router.read_text()))
    dcg_version = subprocess.run(
        [PYTHON, "-m", "datamodel_code_generator", "--version"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    models = strip_tool_header(dcg_out.read_text())
    (out / "models.py").write_text(header(f"datamodel-code-generator=={dcg_version}") + "\n" + models)
    package_doc = '"""Generated from openapi.yaml: models, one router and interface per tag, create_app."""\n'
    (out / "__init__.py").write_text(header("scripts/codegen/generate.py") + package_doc)
    (out / "routers" / "__init__.py").write_text(header("scripts/codegen/generate.py"))

    # The temporary folder is outside the project: name the config, and only tidy imports (templates emit a
    # superset of what each module needs).
    config = f"--config={ROOT / 'pyproject.toml'}"
    run([PYTHON, "-m", "ruff", "check", config, "--quiet", "--fix", "--select=F401,I", str(out)])
    run([PYTHON, "-m", "ruff", "format", config, "--quiet", str(out)])


def tree(folder: Path) -> dict[str, Path]:
    return {
        str(p.relative_to(folder)): p for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts
    }


def diff(expected: Path, actual: Path) -> list[str]:
    want, have = tree(expected), tree(actual)
    problems: list[str] = []
    for name in sorted(set(want) | set(have)):
        if name not in have:
            problems.append(f"missing from generated/: {name}\n")
        elif name not in want:
            problems.append(f"not produced by the generator (stale or hand-made): generated/{name}\n")
        elif not filecmp.cmp(want[name], have[name], shallow=False):
            problems.extend(
                difflib.unified_diff(
                    have[name].read_text().splitlines(keepends=True),
                    want[name].read_text().splitlines(keepends=True),
                    f"generated/{name} (committed)",
                    f"generated/{name} (from openapi.yaml)",
                )
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if generated/ differs from a fresh generation")
    parser.add_argument("--spec", type=Path, default=SPEC, help="the spec to generate from (default: openapi.yaml)")
    args = parser.parse_args(argv)
    if not args.check and args.spec.resolve() != SPEC:
        parser.error("--spec is for --check only: generated/ always comes from openapi.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "generated"
        generate_into(out, Path(tmp), args.spec.resolve())
        if args.check:
            problems = diff(out, TARGET)
            if problems:
                sys.stdout.writelines(problems)
                print("\ngenerated/ is out of date with openapi.yaml or scripts/codegen: run `make generate`.")
                return 1
            print("generated/ is up to date.")
            return 0
        if TARGET.exists():
            shutil.rmtree(TARGET)
        shutil.copytree(out, TARGET)
        print(f"wrote {len(tree(TARGET))} files to generated/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
