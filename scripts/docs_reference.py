"""The standalone reference's two steps around `redocly build-docs` (mk/docs.mk):

    python -m scripts.docs_reference presentation openapi.yaml dist/openapi.presentation.yaml
    python -m scripts.docs_reference offline dist/reference.html

`presentation` writes the copy of the spec the docs render (impl/docs_presentation.py: the same API, common
headers described once, patterns as sentences); `offline` replaces the Redocly badge image of the embedded Redoc
with a local one and fails if the page still names a CDN, web fonts or another host to load from.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from impl.docs_presentation import offline_redoc, presentation

# What a page could load from elsewhere: a CDN, web fonts; and any src/href/@import/url() of another host.
_EXTERNAL = re.compile(
    r"""(?ix)
    cdn\.redoc\.ly | fonts\.googleapis\.com | fonts\.gstatic\.com | cdn\.jsdelivr\.net | unpkg\.com
    | <(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//
    | @import\s+(?:url\()?\s*["']?(?:https?:)?//
    """
)


def external_loads(page: str) -> list[str]:
    return [match.group(0) for match in _EXTERNAL.finditer(page)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    shown = commands.add_parser("presentation", help="write the docs' copy of a spec")
    shown.add_argument("spec", type=Path)
    shown.add_argument("out", type=Path)
    offline = commands.add_parser("offline", help="make a built reference page load nothing from elsewhere")
    offline.add_argument("page", type=Path)
    arguments = parser.parse_args(argv)
    if arguments.command == "presentation":
        document = yaml.safe_load(arguments.spec.read_bytes())
        arguments.out.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(presentation(document), sort_keys=False, allow_unicode=True, width=120)
        arguments.out.write_text(text, encoding="utf-8")
        return 0
    page = offline_redoc(arguments.page.read_text(encoding="utf-8"))
    arguments.page.write_text(page, encoding="utf-8")
    remaining = external_loads(page)
    if remaining:
        print(f"{arguments.page} still loads from elsewhere: {sorted(set(remaining))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
