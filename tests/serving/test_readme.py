"""The README's curl session, run as written against a real server (only the address changes)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serving.server import PROJECT_ROOT, RunningServer, running_server

README = PROJECT_ROOT / "README.md"
SECTION = "## A first session with curl"


def curl_session() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    match = re.search(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert match, f"no sh block under {SECTION!r}"
    return match.group(1)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("readme")) as running:
        yield running


def test_the_curl_session_works_as_written(server: RunningServer, tmp_path: Path) -> None:
    assert shutil.which("curl"), "the README's session needs curl"
    script = curl_session()
    assert "API=http://127.0.0.1:8000\n" in script
    script = script.replace("API=http://127.0.0.1:8000\n", f"API=http://127.0.0.1:{server.port}\n")

    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    registered, me, *created, page_two, logged_out = lines
    assert json.loads(registered)["email"] == "ada@example.com"
    assert json.loads(me)["email"] == "ada@example.com"
    assert [json.loads(item)["name"] for item in created] == ["Lamp", "Desk", "Chair"]
    # Three items, two a page: the second page has the last one and no further cursor.
    second = json.loads(page_two)
    assert len(second["items"]) == 1
    assert second["next_cursor"] is None
    assert logged_out == "204"
    # The refreshed tokens were written where the session said.
    tokens = json.loads((tmp_path / "token.json").read_text())
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 900
