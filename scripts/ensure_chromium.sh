#!/usr/bin/env bash
# Installs Debian's Chromium (for `make docs-test`) when it is missing; does nothing when it is there.
# Playwright's own browser downloads are not used: CI and this machine reach only PyPI, npm and Debian.
# Needs root, or sudo without a password.
set -euo pipefail

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [[ -x "$CHROMIUM_PATH" ]]; then
    exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "Chromium is missing at $CHROMIUM_PATH and installing it needs root (or sudo)." >&2
    exit 1
fi

echo "installing chromium (Debian package) ..." >&2
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

if [[ ! -x "$CHROMIUM_PATH" ]]; then
    echo "apt-get installed chromium, but there is no executable at $CHROMIUM_PATH." >&2
    exit 1
fi
"$CHROMIUM_PATH" --version 2>/dev/null || true
