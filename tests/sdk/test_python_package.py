"""What partners install: the wheel's metadata and README, and the blocking client kept a twin of the async one."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import contract_api_client
import yaml

from scripts.live_server import LiveServer

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LAYER = PROJECT_ROOT / "sdk" / "python" / "contract_api_client"


def test_the_installed_package_carries_the_api_readme_and_version() -> None:
    metadata = importlib.metadata.metadata("contract-api-client")
    spec = yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    assert metadata["Version"] == spec["info"]["version"]
    assert metadata["Description-Content-Type"] == "text/markdown"
    readme = str(metadata.json["description"])
    for walkthrough in (
        "auth.register",
        "auth.login",
        "items.create",
        "async for item in",
        "except NotFound",
        "RetryPolicy",
        "Retry-After",
        "Idempotency-Key",
        "auth.logout",
    ):
        assert walkthrough in readme, walkthrough
    # None of the generator's generic README is left.
    assert "MyDataModel" not in readme
    assert "SuperSecretToken" not in readme


def test_the_package_exports_the_layer() -> None:
    for name in ("AsyncContractApi", "ContractApi", "ApiProblem", "NotFound", "RateLimited", "RetryPolicy"):
        assert name in contract_api_client.__all__
        assert hasattr(contract_api_client, name)


# The rewrites that turn _async_api.py into _sync_api.py; the blocking twin is kept by hand, this keeps it honest.
TWIN_REWRITES = [
    (r'^""".*?"""\n', ""),
    (r"from collections\.abc import Awaitable, Callable", "from collections.abc import Callable"),
    (r"Callable\[\[\], Awaitable\[Response\[R\]\]\]", "Callable[[], Response[R]]"),
    (r"\basyncio_detailed\b", "sync_detailed"),
    (r"\basync def ", "def "),
    (r"\basync for ", "for "),
    (r"\basync with ", "with "),
    (r"\bawait ", ""),
    (r"\bAsyncPaginator\b", "Paginator"),
    (r"\bAsyncRetryTransport\b", "RetryTransport"),
    (r"\bAsyncBearerAuth\b", "BearerAuth"),
    (r"httpx\.AsyncClient\b", "httpx.Client"),
    (r"httpx\.AsyncBaseTransport\b", "httpx.BaseTransport"),
    (r"\bset_async_httpx_client\b", "set_httpx_client"),
    (r"\bAsync(ContractApi|Auth|Users|Items|Articles|Health)\b", r"\1"),
    (r"\baclose\b", "close"),
    (r"__aenter__", "__enter__"),
    (r"__aexit__", "__exit__"),
    (r"for asyncio code::", "for blocking code::"),
]


def test_the_blocking_client_is_the_twin_of_the_async_one(tmp_path: Path) -> None:
    text = (LAYER / "_async_api.py").read_text(encoding="utf-8")
    for pattern, replacement in TWIN_REWRITES:
        text = re.sub(pattern, replacement, text, count=1 if pattern.startswith("^") else 0, flags=re.DOTALL)
    derived = tmp_path / "_sync_api.py"
    derived.write_text(text, encoding="utf-8")
    # ruff sorts the imports the rewrites reordered and formats as the project does.
    config = ["--config", str(PROJECT_ROOT / "pyproject.toml")]
    ruff = [sys.executable, "-m", "ruff"]
    subprocess.run([*ruff, "check", *config, "--quiet", "--fix-only", "--select", "I", str(derived)], check=True)
    subprocess.run([*ruff, "format", *config, "--quiet", str(derived)], check=True)
    written = (LAYER / "_sync_api.py").read_text(encoding="utf-8")
    assert derived.read_text(encoding="utf-8") == written.split("\n", 2)[2]


def test_the_readme_walkthrough_runs_against_the_server(server: LiveServer) -> None:
    readme = str(importlib.metadata.metadata("contract-api-client").json["description"])
    walkthrough = readme.split("## A walk through the API", 1)[1]
    code = walkthrough.split("```python\n", 1)[1].split("```", 1)[0]
    script = code.replace("https://api.example.com", server.base_url)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert "404 Not Found There is no item with this id." in run.stdout
    assert "body /price" in run.stdout
    assert "On the Analytical Engine" in run.stdout
