"""The conformance corpus: public OpenAPI documents nobody here wrote (tests/codegen/corpus/*/SOURCE.md says where
each comes from and under which licence). Each generates, its package passes mypy --strict, its mock starts, and
schemathesis (examples and coverage phases, fixed seed) against the mock finds no failure that is the mock's fault.

A failure is not the mock's fault in two cases only, each proved from the failure itself:

- the document's: schemathesis sees a refusal the runtime must send (401 without credentials, 400/422 for invalid
  input, 406, 415) on an operation that declares no response for it (not that status, nor its range, nor
  `default`, nor, for 400 and 422, the other one). The mock cannot answer such a request with a declared status:
  accepting it instead would let invalid input or anonymous callers through.
- schemathesis's own: a form body whose generated value does not survive form encoding (`photoUrls: "AAA"` goes
  out as `photoUrls=AAA`, which is the array `["AAA"]`; an object in an array goes out as its keys). The request
  on the wire is read by OpenAPI's rules for forms (support.decode_form, independent of the runtime) and validated
  with jsonschema: accepting it is right when it is valid (ST201), refusing it when it is not (ST202).
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as safe_xml
import pytest
import yaml

from tests.codegen.support import CORPUS, decode_form, generate, mock_server, resolve, run_schemathesis, validator
from tests.dbutil import PROJECT_ROOT

DOCUMENTS = sorted(p.name for p in CORPUS.iterdir() if (p / "openapi.yaml").exists())
REFUSALS = {400, 401, 403, 406, 415, 422}


def test_the_corpus_is_big_and_licensed() -> None:
    assert len(DOCUMENTS) >= 8
    versions = set()
    for name in DOCUMENTS:
        folder = CORPUS / name
        assert (folder / "LICENSE").read_text().strip(), name
        assert "licence:" in (folder / "SOURCE.md").read_text(), name
        versions.add(str(yaml.safe_load((folder / "openapi.yaml").read_text())["openapi"])[:3])
    assert versions == {"3.0", "3.1"}


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus-packages")
    for name in DOCUMENTS:
        result = generate(CORPUS / name / "openapi.yaml", root / name.replace("-", "_"))
        assert result.returncode == 0, f"{name}: {result.stderr}"
    return root


def test_every_document_generates_a_package_that_passes_mypy_strict(packages: Path) -> None:
    folders = sorted(str(p.name) for p in packages.iterdir())
    assert len(folders) == len(DOCUMENTS)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(PROJECT_ROOT / "pyproject.toml"),
            "--cache-dir",
            str(packages / ".mypy_cache"),
            *folders,
        ],
        cwd=packages,
        capture_output=True,
        text=True,
        check=False,
        env={"MYPYPATH": str(PROJECT_ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _operation(spec: dict[str, Any], label: str) -> dict[str, Any]:
    method, _, path = label.partition(" ")
    item = spec["paths"][path]
    operation: dict[str, Any] = item[method.lower()]
    return operation


def _documents_fault(spec: dict[str, Any], label: str, text: str) -> bool:
    """An undocumented refusal on an operation that declares nothing to refuse with (see the module docstring)."""
    if "ST103 Undocumented status code" not in text or text.count("\n- ST") > 1:
        return False
    received = re.search(r"Received: (\d+)", text)
    if received is None:
        return False
    if not _operation(spec, label).get("responses"):
        return int(received.group(1)) < 500
    if int(received.group(1)) not in REFUSALS:
        return False
    status = int(received.group(1))
    declared = {str(s).upper() for s in _operation(spec, label).get("responses", {})}
    if not declared:
        return True  # an operation that declares no response at all (OpenAPI 3.1 allows it)
    fallbacks = {str(status), f"{str(status)[0]}XX", "DEFAULT"} | ({"400", "422"} if status in (400, 422) else set())
    return not declared & fallbacks


FORM = "application/x-www-form-urlencoded"


def sent_form(text: str) -> str | None:
    """The form body of the failure's reproducing curl command, if it sent one."""
    command = next((line.strip() for line in text.splitlines() if line.strip().startswith("curl ")), None)
    if command is None:
        return None
    words = shlex.split(command)
    if f"Content-Type: {FORM}" not in words or "-d" not in words:
        return None
    return words[words.index("-d") + 1]


def _wire_verdict(spec: dict[str, Any], label: str, text: str) -> str | None:
    """Why schemathesis's ST201/ST202 on a form body is its own false positive (the proof), or None."""
    kinds = set(re.findall(r"\n- (ST20[12]) ", "\n" + text))
    body = sent_form(text)
    if len(kinds) != 1 or body is None:
        return None
    request_body = resolve(spec, _operation(spec, label).get("requestBody") or {})
    schema = ((request_body.get("content") or {}).get(FORM) or {}).get("schema")
    if schema is None:
        return None
    sent = decode_form(body, schema, spec)
    errors = [e.message for e in validator(spec, schema).iter_errors(sent)]
    if kinds == {"ST201"} and not errors:
        return f"accepted {body!r}: as sent it is {sent}, which the schema accepts"
    if kinds == {"ST202"} and errors:
        return f"refused {body!r}: as sent it is {sent}, which the schema refuses ({errors[0]})"
    return None


def verdict(spec: dict[str, Any], label: str, text: str) -> str | None:
    """Whose fault a failure is when not the mock's (proved; see the module docstring), or None."""
    if _documents_fault(spec, label, text):
        return "the document's: it declares no response for a refusal the runtime must send"
    proof = _wire_verdict(spec, label, text)
    if proof is not None:
        return f"schemathesis's: the form it sent is not the value it checked; {proof}"
    return None


def _failures(report: Path) -> list[tuple[str, str]]:
    found = []
    for case in safe_xml.parse(report).iter("testcase"):
        for failure in [*case.findall("failure"), *case.findall("error")]:
            for one in re.split(r"\n(?=\d+\. Test Case ID)", failure.text or ""):
                found.append((str(case.get("name")), one))
    return found


@pytest.mark.parametrize("name", DOCUMENTS)
def test_schemathesis_finds_no_fault_of_the_mock(name: str, tmp_path: Path) -> None:
    spec_path = CORPUS / name / "openapi.yaml"
    with mock_server(spec_path, tmp_path / "mock.log") as url:
        result = run_schemathesis(spec_path, url, tmp_path)
    reports = sorted(tmp_path.glob("junit*.xml"))
    assert reports, result.stdout + result.stderr
    assert "generated" in result.stdout, result.stdout
    bundled = _bundled(spec_path)
    failures = _failures(reports[-1])
    faults = [(label, text) for label, text in failures if verdict(bundled, label, text) is None]
    assert faults == [], "\n\n".join(f"{label}\n{text}" for label, text in faults[:10])
    for label, text in failures:  # the others, and why, in the test's output
        print(f"not the mock's fault: {label}: {verdict(bundled, label, text)}")


def _bundled(spec: Path) -> dict[str, Any]:
    from scripts.codegen.loader import Bundler

    return Bundler(spec).bundle()
