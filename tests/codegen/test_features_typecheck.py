"""Every feature's implementation (fixtures/<feature>/service.py) type-checks, with mypy --strict, against the
package generated for it: the interfaces are typed, and each implementation fulfils its own exactly."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.codegen import features
from tests.dbutil import PROJECT_ROOT


def test_implementations_type_check_against_their_generated_interfaces(feature_root: Path) -> None:
    packages = [features.package(name) for name in features.NAMES]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(PROJECT_ROOT / "pyproject.toml"),
            "--cache-dir",
            str(feature_root / ".mypy_cache"),
            *packages,
        ],
        cwd=feature_root,
        capture_output=True,
        text=True,
        check=False,
        env={"MYPYPATH": str(PROJECT_ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    checked = re.search(r"Success: no issues found in (\d+) source files", result.stdout)
    assert checked is not None, result.stdout
    assert int(checked.group(1)) > 2 * len(packages)  # the services were checked too
