"""The live contract gate: schemathesis' CLI against a real server, from the hand-written spec.

    python -m scripts.contract.run_gate [--spec PATH] [--report-dir DIR] [--deep] [--seed N] [--max-examples N]
                                        [-- SCHEMATHESIS-RUN-OPTIONS...]

Starts the server (``scripts.live_server``: a fresh migrated PostgreSQL database, uvicorn on 127.0.0.1), registers
two users (the peers alice and bob) and a superuser (admin), serves the login broker that keeps them logged in
(``login_broker.py``), writes the Web Fuzzing Commons auth file naming them, and runs ``schemathesis run`` with
``schemathesis-gate.toml``: every check, every phase, a fixed seed. Exits with schemathesis' status: 0 only when no
check failed and no ``missing_auth`` warning fired.

``--deep`` (``make contract-deep``) runs many more examples with a random seed, printed first so a failing run
can be replayed with ``--seed``. Options after ``--`` go to ``schemathesis run`` as they are (e.g.
``--include-operation-id getItem``). Reports: ``junit.xml``, ``schemathesis.har`` and ``server.log`` in the report
directory (default ``reports/contract``).

Every run starts from a clean state: schemathesis keeps a cache between runs (by default ``.schemathesis/`` in the
working directory): which identity it settled on per operation and requests it replays to re-learn from error
responses. Read by the next run, it changed what that run generated (2,647, 2,450, 2,560 cases on identical code)
and, after a run whose credentials were refused, made the next one call ``GET /v1/users/me`` without credentials
(a spurious ``missing_auth`` failure). So the cache lives in the report directory (``schemathesis-cache/``, with
the crash reproductions ``schemathesis replay`` reads) and is emptied before each run: a fixed seed means the
same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scripts.contract.accounts import account_restorer
from scripts.contract.login_broker import LOGIN_PATH_PREFIX, Account, LoginBroker, serve_login_broker
from scripts.live_server import (
    GATE_ENVIRONMENT,
    PROJECT_ROOT,
    SEED_PASSWORD,
    live_server,
    postgres_server_url,
    seed_users,
)

__all__ = ["ADMIN", "CACHE_DIR_NAME", "CONFIG_FILE", "DEEP_MAX_EXAMPLES", "PEERS", "main", "wfc_auth_document"]

CONFIG_FILE = Path(__file__).resolve().parent / "schemathesis-gate.toml"
# Under the report directory; the config's `[cache] directory` reads it from $CONTRACT_CACHE_DIR.
CACHE_DIR_NAME = "schemathesis-cache"
DEFAULT_SPEC = PROJECT_ROOT / "openapi.yaml"
DEFAULT_REPORT_DIR = PROJECT_ROOT / "reports" / "contract"
# The names the config's `[auth.wfc] peers` lists; the seeded users, in order.
PEERS = ("alice", "bob")
# A superuser, listed after the peers: schemathesis calls every operation as alice first and moves on to the next
# identity only where she is refused, so the admin takes exactly the superuser-only operations. Without it those
# answer nothing but 403, their success responses go unchecked, and `missing_auth` (fail-on) fails the run.
ADMIN = "admin"
# Examples per operation and phase for --deep; `make contract`'s count and seed are in the config file.
DEEP_MAX_EXAMPLES = 500


def wfc_auth_document(broker_url: str, names: Sequence[str]) -> dict[str, Any]:
    """A WFC auth document: each name logs in at the broker and sends the access token as a bearer token."""
    return {
        "schemaVersion": "0.2.0",
        "auth": [
            {
                "name": name,
                "loginEndpointAuth": {
                    "externalEndpointURL": f"{broker_url}{LOGIN_PATH_PREFIX}{name}",
                    "verb": "POST",
                    "token": {
                        "extractFrom": "body",
                        "extractSelector": "/access_token",
                        "sendIn": "header",
                        "sendName": "Authorization",
                        "sendTemplate": "Bearer {token}",
                    },
                },
            }
            for name in names
        ],
    }


def _schemathesis_command(arguments: argparse.Namespace, api_base_url: str, report_dir: Path) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(CONFIG_FILE),
        "run",
        str(arguments.spec),
        "--url",
        api_base_url,
        "--report",
        "junit,har",
        "--report-junit-path",
        str(report_dir / "junit.xml"),
        "--report-har-path",
        str(report_dir / "schemathesis.har"),
    ]
    if arguments.seed is not None:
        command += ["--seed", str(arguments.seed)]
    if arguments.max_examples is not None:
        command += ["--max-examples", str(arguments.max_examples)]
    extra: list[str] = arguments.schemathesis_options
    return command + extra


async def _run(arguments: argparse.Namespace) -> int:
    report_dir: Path = arguments.report_dir
    log_path = report_dir / "server.log"
    with postgres_server_url() as postgres_url:
        async with live_server(postgres_url, log_path) as server:
            users = await seed_users(server, len(PEERS))
            accounts = {
                name: Account(user.email, user.password, user.id) for name, user in zip(PEERS, users, strict=True)
            }
            # Registered (and promoted) by the broker on its first login.
            accounts[ADMIN] = Account(f"contract-{ADMIN}@example.com", SEED_PASSWORD, superuser=True)
            broker = LoginBroker(
                server.base_url, accounts, restore=account_restorer(server.database_url, GATE_ENVIRONMENT)
            )
            with serve_login_broker(broker) as broker_url:
                # No secrets in it (the broker keeps the passwords): it stays with the reports as a record of the run.
                wfc_file = report_dir / "wfc-auth.json"
                wfc_file.write_text(json.dumps(wfc_auth_document(broker_url, [*PEERS, ADMIN]), indent=2))
                command = _schemathesis_command(arguments, server.base_url, report_dir)
                print(f"contract gate: {' '.join(command)}", flush=True)
                environment = {
                    **os.environ,
                    "CONTRACT_WFC_FILE": str(wfc_file),
                    "CONTRACT_CACHE_DIR": str(report_dir / CACHE_DIR_NAME),
                    # Opaque cursors only as the server answered them, a fresh Idempotency-Key per request (hooks.py).
                    "SCHEMATHESIS_HOOKS": "scripts.contract.hooks",
                    "CONTRACT_SPEC": str(arguments.spec),  # relative to PROJECT_ROOT, like the command's
                }
                child = await asyncio.create_subprocess_exec(*command, cwd=str(PROJECT_ROOT), env=environment)
                code = await child.wait()
    replaced = ", ".join(f"{name} {count}x" for name, count in broker.replacements.items()) or "none"
    print(f"contract gate: accounts re-registered after the fuzzer deleted them: {replaced}")
    print(f"contract gate: reports in {report_dir} (junit.xml, schemathesis.har, server.log); exit status {code}")
    return code


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="the OpenAPI document (default: openapi.yaml)")
    parser.add_argument("--report-dir", type=Path, default=DEFAULT_REPORT_DIR, help="default: reports/contract")
    parser.add_argument("--deep", action="store_true", help=f"{DEEP_MAX_EXAMPLES} examples per operation, random seed")
    parser.add_argument("--seed", type=int, help="replay a run (default: the config's fixed seed; random with --deep)")
    parser.add_argument("--max-examples", type=int, help="per operation (default: the config's)")
    parser.add_argument("schemathesis_options", nargs="*", help="passed to `schemathesis run` (after --)")
    arguments = parser.parse_args(argv)
    if arguments.deep:
        if arguments.seed is None:
            arguments.seed = secrets.randbelow(2**31)
        if arguments.max_examples is None:
            arguments.max_examples = DEEP_MAX_EXAMPLES
    return arguments


def _prepare_report_dir(report_dir: Path) -> None:
    report_dir.mkdir(parents=True, exist_ok=True)
    # The live server appends to its log; each run's reports describe that run only.
    for stale in ("server.log", "junit.xml", "schemathesis.har", "wfc-auth.json"):
        (report_dir / stale).unlink(missing_ok=True)
    # Nothing a previous run learnt may steer this one (see the module docstring).
    shutil.rmtree(report_dir / CACHE_DIR_NAME, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parse_args(argv)
    _prepare_report_dir(arguments.report_dir)
    if arguments.deep:
        # First, so that the seed is on screen even when the run is cut short.
        print(f"contract-deep seed: {arguments.seed} (replay: make contract-deep SEED={arguments.seed})", flush=True)
    return asyncio.run(_run(arguments))


if __name__ == "__main__":
    sys.exit(main())
