"""Install the pinned uv inside the project, with nothing but python3's standard library (``make uv`` runs this).

    python3 scripts/bootstrap_uv.py [DIRECTORY]      (default: .tools/uv; the binary is DIRECTORY/uv)

Works where ``pip install uv`` does not: a Debian or Ubuntu system Python ("externally-managed-environment",
PEP 668), or one without pip or venv. It downloads uv's wheel for this platform from PyPI, checks its SHA-256
against the pins below, and unpacks the ``uv`` binary alone. Nothing outside DIRECTORY is touched (no ~/.local,
no PATH change); delete the directory to remove it. Another uv can be used instead with ``make UV=/path/to/uv``.

When DIRECTORY/uv already is this version, it does nothing. Keep UV_VERSION equal to the Dockerfile's pin (a test
checks).
"""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path

UV_VERSION = "0.13.9"
_FILES = "https://files.pythonhosted.org/packages"
# (system, machine, libc) -> (wheel URL on PyPI, its SHA-256), for UV_VERSION. From PyPI's simple index.
WHEELS: dict[tuple[str, str, str], tuple[str, str]] = {
    ("linux", "x86_64", "glibc"): (
        f"{_FILES}/3d/aa/26d64642d808de4a652579ef950d7cd2d37f080a8babf9c67c6b75fc4c3f/"
        "uv-0.13.9-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "d7f459fe4fd247d830351c75686d3996ace3c6f3f728eb0e85a30b7ada0cef19",
    ),
    ("linux", "x86_64", "musl"): (
        f"{_FILES}/fe/fe/794884de0efd3ac77a427cab21aa72c0483e100c55a42cd5cbb02c141b84/"
        "uv-0.13.9-py3-none-musllinux_1_1_x86_64.whl",
        "2c45530751517d6c3bbc69a19473f6effe47cce047bede01ffd8af7ea7b36b25",
    ),
    # One wheel for both C libraries (the binary is static).
    ("linux", "aarch64", "glibc"): (
        f"{_FILES}/57/15/94b6cd62ac3ff6550288328e8035288875197cbc183f51554b266a69877b/"
        "uv-0.13.9-py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_1_aarch64.whl",
        "5435c5ce14a56431208ca0996416d310f1598e8c2c8ba707688985a16bb82dbe",
    ),
    ("linux", "aarch64", "musl"): (
        f"{_FILES}/57/15/94b6cd62ac3ff6550288328e8035288875197cbc183f51554b266a69877b/"
        "uv-0.13.9-py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_1_aarch64.whl",
        "5435c5ce14a56431208ca0996416d310f1598e8c2c8ba707688985a16bb82dbe",
    ),
    ("darwin", "x86_64", ""): (
        f"{_FILES}/1e/db/08e9ef4879bd667e6d7b4705e594e5bd3e4585f10fc63cb16b9fa2fac63e/"
        "uv-0.13.9-py3-none-macosx_10_12_x86_64.whl",
        "c16ed11e013557536b3e60065f1b912f6407bd6518e041b961e23ef9e6b4fbf5",
    ),
    ("darwin", "aarch64", ""): (
        f"{_FILES}/f3/a7/a8d7b074798c7fb3b26b37584b8fe2e29df2ccdc24ce7902caab2a53edbf/"
        "uv-0.13.9-py3-none-macosx_11_0_arm64.whl",
        "66c512266d633bef48384a1f53003f41f2a8e7b36fe6e7fbfd3e0fd52d96fa63",
    ),
}
DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent / ".tools" / "uv"
DOWNLOAD_TIMEOUT_SECONDS = 120


class BootstrapError(Exception):
    pass


def this_platform() -> tuple[str, str, str]:
    system = sys.platform if sys.platform in ("linux", "darwin") else platform.system().lower()
    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower(), platform.machine().lower())
    libc = ""
    if system == "linux":
        libc = "glibc" if platform.libc_ver()[0] == "glibc" else "musl"
    return system, machine, libc


def installed_version(binary: Path) -> str | None:
    if not binary.is_file():
        return None
    try:
        result = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return None
    # "uv 0.13.9 (x86_64-unknown-linux-gnu)" or "uv 0.13.9"
    words = result.stdout.split()
    return words[1] if result.returncode == 0 and len(words) >= 2 and words[0] == "uv" else None


def download(url: str, expected_sha256: str, destination: Path) -> None:
    digest = hashlib.sha256()
    try:
        # S310: the URL is one of the pinned https URLs above.
        response = urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_SECONDS)  # noqa: S310
        with response, destination.open("wb") as out:
            while chunk := response.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
    except OSError as error:
        raise BootstrapError(f"could not download {url}: {error}") from None
    if digest.hexdigest() != expected_sha256:
        raise BootstrapError(
            f"{url} has SHA-256 {digest.hexdigest()}, expected {expected_sha256}: refusing to install it"
        )


def install(directory: Path) -> Path:
    """Make ``directory/uv`` the pinned uv; return its path."""
    binary = directory / "uv"
    if installed_version(binary) == UV_VERSION:
        return binary
    key = this_platform()
    if key not in WHEELS:
        raise BootstrapError(
            f"no uv {UV_VERSION} wheel is pinned for {'/'.join(part for part in key if part)}; install uv "
            f"{UV_VERSION} yourself (https://docs.astral.sh/uv/) and run make with UV=/path/to/uv"
        )
    url, sha256 = WHEELS[key]
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory, prefix=".download-") as scratch:
        wheel = Path(scratch) / "uv.whl"
        print(f"Downloading uv {UV_VERSION} from PyPI ...", file=sys.stderr, flush=True)
        download(url, sha256, wheel)
        member = f"uv-{UV_VERSION}.data/scripts/uv"
        unpacked = Path(scratch) / "uv"
        try:
            with zipfile.ZipFile(wheel) as archive, archive.open(member) as source, unpacked.open("wb") as target:
                while chunk := source.read(1 << 20):
                    target.write(chunk)
        except (KeyError, zipfile.BadZipFile) as error:
            raise BootstrapError(f"the uv wheel has no usable {member}: {error}") from None
        unpacked.chmod(0o755)
        # Moved into place whole: an interrupted bootstrap never leaves half a binary behind.
        os.replace(unpacked, binary)
    version = installed_version(binary)
    if version != UV_VERSION:
        raise BootstrapError(f"{binary} reports version {version}, expected {UV_VERSION}")
    return binary


def main(argv: list[str]) -> int:
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print(__doc__, file=sys.stderr)
        return 2
    directory = Path(argv[0]) if argv else DEFAULT_DIRECTORY
    already = installed_version(directory / "uv") == UV_VERSION
    try:
        binary = install(directory)
    except BootstrapError as error:
        print(f"bootstrap_uv: {error}", file=sys.stderr)
        return 1
    if not already:
        print(
            f"uv {UV_VERSION} is installed at {binary} (the project's own copy, used by make; not on your PATH; "
            f"remove it with rm -r {directory})",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
