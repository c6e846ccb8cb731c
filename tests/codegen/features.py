"""The feature fixtures: one small spec per feature of the generator (tests/codegen/fixtures/<feature>/openapi.yaml)
and the implementation of its generated interfaces (`service.py` beside it).

Nothing generated is committed: the session generates each spec into `<tmp>/feature_<name>/api/` with the real
CLI, copies `service.py` beside it (it imports the package as `.api`), and the tests import
`feature_<name>.service`. tests/codegen/test_features_typecheck.py runs mypy --strict over every package and
service together: the implementations type-check against the interfaces generated for them.
"""

from __future__ import annotations

import importlib
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

from tests.codegen.support import generate
from tests.dbutil import PROJECT_ROOT

FIXTURES = PROJECT_ROOT / "tests" / "codegen" / "fixtures"
NAMES = sorted(p.name for p in FIXTURES.iterdir() if (p / "openapi.yaml").exists())


def package(name: str) -> str:
    return f"feature_{name}"


def build(root: Path) -> None:
    """Generate every feature's package under `root` (two at a time: the generator waits on its subprocesses)."""

    def one(name: str) -> tuple[str, int, str]:
        folder = root / package(name)
        folder.mkdir()
        (folder / "__init__.py").write_text("")
        result = generate(FIXTURES / name / "openapi.yaml", folder / "api")
        shutil.copy(FIXTURES / name / "service.py", folder / "service.py")
        return name, result.returncode, result.stderr

    with ThreadPoolExecutor(max_workers=2) as pool:
        failures = [f"{name}: {stderr}" for name, code, stderr in pool.map(one, NAMES) if code != 0]
    assert failures == [], "\n".join(failures)
    sys.path.insert(0, str(root))


def service(name: str) -> ModuleType:
    return importlib.import_module(f"{package(name)}.service")
