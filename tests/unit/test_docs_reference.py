"""scripts.docs_reference: the standalone reference renders the presentation, and is made to load nothing from
elsewhere (the Redocly badge image becomes a local one; anything else external fails the build)."""

from __future__ import annotations

from pathlib import Path

import yaml

from impl.docs_presentation import OFFLINE_REDOCLY_LOGO, REDOCLY_CDN_IMAGES
from scripts.docs_reference import external_loads, main
from tests.dbutil import PROJECT_ROOT


def test_offline_replaces_the_badge_image(tmp_path: Path) -> None:
    page = tmp_path / "reference.html"
    page.write_text(f"<script>img({{src: e ? `{REDOCLY_CDN_IMAGES[0]}` : `{REDOCLY_CDN_IMAGES[1]}`}})</script>")
    assert main(["offline", str(page)]) == 0
    text = page.read_text()
    assert text.count(OFFLINE_REDOCLY_LOGO) == 2
    assert external_loads(text) == []


def test_offline_fails_on_anything_else_external(tmp_path: Path) -> None:
    page = tmp_path / "reference.html"
    page.write_text('<link href="https://fonts.googleapis.com/css?family=Roboto" rel="stylesheet">')
    assert main(["offline", str(page)]) == 1
    assert external_loads('<script src="//cdn.example.com/x.js"></script>') != []
    assert external_loads('<a href="https://redocly.com/redoc/">a link is not a load</a>') == []


def test_presentation_writes_the_docs_copy(tmp_path: Path) -> None:
    out = tmp_path / "shown.yaml"
    assert main(["presentation", str(PROJECT_ROOT / "openapi.yaml"), str(out)]) == 0
    shown = yaml.safe_load(out.read_text())
    assert "Headers on every answer" in shown["info"]["description"]
    assert shown["servers"][0]["description"] == "This server"
