"""scripts/bootstrap_uv.py offline: a wheel served from a file, its checksum, the unpacked binary, and the pin that the
Dockerfile must share. (The real download from PyPI runs in `make fresh-clone`.)"""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pytest

from scripts import bootstrap_uv
from scripts.bootstrap_uv import UV_VERSION, WHEELS, BootstrapError, install, this_platform

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def fake_uv(version: str) -> str:
    return f"#!/bin/sh\necho 'uv {version} (test)'\n"


def fake_wheel(path: Path, script: str) -> str:
    """A wheel laid out like uv's, with a shell script as the binary; returns its SHA-256."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("uv/__init__.py", "")
        archive.writestr(f"uv-{UV_VERSION}.data/scripts/uv", script)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def serve_wheel(monkeypatch: pytest.MonkeyPatch, wheel: Path, sha256: str) -> None:
    monkeypatch.setitem(WHEELS, this_platform(), (wheel.as_uri(), sha256))


def test_the_dockerfile_installs_the_same_uv() -> None:
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert re.findall(r"\buv==([0-9.]+)", dockerfile) == [UV_VERSION]


def test_every_pinned_wheel_is_of_the_pinned_version() -> None:
    for url, sha256 in WHEELS.values():
        assert url.startswith("https://files.pythonhosted.org/")
        assert f"/uv-{UV_VERSION}-py3-none-" in url
        assert re.fullmatch(r"[0-9a-f]{64}", sha256)


def test_this_machine_has_a_pinned_wheel() -> None:
    assert this_platform() in WHEELS


def test_it_unpacks_the_binary_of_a_wheel_with_the_pinned_checksum(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wheel = tmp_path / "uv.whl"
    serve_wheel(monkeypatch, wheel, fake_wheel(wheel, fake_uv(UV_VERSION)))

    binary = install(tmp_path / "tools")

    assert binary == tmp_path / "tools" / "uv"
    assert bootstrap_uv.installed_version(binary) == UV_VERSION
    assert sorted(path.name for path in binary.parent.iterdir()) == ["uv"]  # no download left behind


def test_a_wheel_with_another_checksum_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wheel = tmp_path / "uv.whl"
    fake_wheel(wheel, fake_uv(UV_VERSION))
    serve_wheel(monkeypatch, wheel, "0" * 64)

    with pytest.raises(BootstrapError, match="refusing to install it"):
        install(tmp_path / "tools")

    assert not (tmp_path / "tools" / "uv").exists()


def test_a_binary_that_is_not_the_pinned_version_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wheel = tmp_path / "uv.whl"
    serve_wheel(monkeypatch, wheel, fake_wheel(wheel, fake_uv("0.0.1")))

    with pytest.raises(BootstrapError, match="expected"):
        install(tmp_path / "tools")


def test_the_pinned_version_in_place_is_kept_without_a_download(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "uv").write_text(fake_uv(UV_VERSION))
    (tools / "uv").chmod(0o755)
    monkeypatch.setitem(WHEELS, this_platform(), ("file:///nonexistent/uv.whl", "0" * 64))

    assert install(tools) == tools / "uv"


def test_another_version_in_place_is_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "uv").write_text(fake_uv("0.0.1"))
    (tools / "uv").chmod(0o755)
    wheel = tmp_path / "uv.whl"
    serve_wheel(monkeypatch, wheel, fake_wheel(wheel, fake_uv(UV_VERSION)))

    install(tools)

    assert bootstrap_uv.installed_version(tools / "uv") == UV_VERSION


def test_main_tells_where_uv_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    wheel = tmp_path / "uv.whl"
    serve_wheel(monkeypatch, wheel, fake_wheel(wheel, fake_uv(UV_VERSION)))

    assert bootstrap_uv.main([str(tmp_path / "tools")]) == 0
    assert f"uv {UV_VERSION} is installed at {tmp_path / 'tools' / 'uv'}" in capsys.readouterr().err
    # Already there: silent.
    assert bootstrap_uv.main([str(tmp_path / "tools")]) == 0
    assert capsys.readouterr().err == ""
