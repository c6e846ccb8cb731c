"""`python -m scripts.bench.servers`: our app under uvicorn and under granian, side by side in one run.

    python -m scripts.bench.servers [--rounds 3] [--seconds 5]

Both serve one worker on the same database (one user, 200 items), with the same settings; interleaved wrk rounds
(1 thread x 32 connections) of GET one item and GET a list of 20, medians with CPU per request. Granian is not a
project dependency: run this as `.tools/uv/uv run --frozen --with granian python -m scripts.bench.servers`.
It reports; it asserts nothing (the choice and its figures are in the README's performance section).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import sys
import tempfile
from pathlib import Path

from scripts.bench.__main__ import SEED_ITEMS, measure
from scripts.bench.targets import Target, ours, seed
from scripts.live_server import postgres_server_url
from scripts.prestart import migrate
from tests.dbutil import create_database, drop_database, unique_database_name


class GranianTarget(Target):
    def argv(self, port: int) -> list[str]:
        granian = str(Path(sys.executable).parent / "granian")
        return [
            granian,
            "--interface",
            "asgi",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--loop",
            "uvloop",
            "--no-ws",
            "impl.app:create_app",
        ]


async def compare(rounds: int, seconds: float) -> str:
    with postgres_server_url() as postgres_url, tempfile.TemporaryDirectory(prefix="servers-") as scratch:
        name = unique_database_name("bench_servers")
        url = await create_database(postgres_url, name)
        key = secrets.token_urlsafe(48)
        uvicorn_target = ours(url, SECRET_KEY=key)
        base = ours(url, SECRET_KEY=key)
        granian_target = GranianTarget(**{**base.__dict__, "name": "granian", "label": "granian"})
        uvicorn_target.name = uvicorn_target.label = "uvicorn"
        targets = [uvicorn_target, granian_target]
        results: dict[str, dict[str, list[tuple[float, float]]]] = {t.name: {} for t in targets}
        try:
            await migrate(url)
            await uvicorn_target.start(Path(scratch) / "uvicorn.log")
            await seed(uvicorn_target, SEED_ITEMS)
            await granian_target.start(Path(scratch) / "granian.log")
            granian_target.token, granian_target.item_id = uvicorn_target.token, uvicorn_target.item_id
            for round_number in range(rounds + 1):  # the first round warms up
                order = targets if round_number % 2 else targets[::-1]
                for target in order:
                    for scenario in ("get_one", "list_20"):
                        run = await measure(target, scenario, seconds)
                        if sum(run["errors"].values()):
                            raise RuntimeError(f"{target.name} {scenario}: errors {run['errors']}")
                        if round_number:
                            results[target.name].setdefault(scenario, []).append(
                                (run["rps"], run["cpu_ms_per_request"])
                            )
        finally:
            for target in targets:
                await target.stop()
            await drop_database(postgres_url, name)
    lines = ["| server | GET one (req/s) | CPU per GET one (ms) | GET list of 20 (req/s) | CPU per list (ms) |"]
    lines.append("|---|---|---|---|---|")
    for target_name, scenarios in results.items():
        cells = []
        for scenario in ("get_one", "list_20"):
            runs = scenarios[scenario]
            cells.append(f"{statistics.median(r[0] for r in runs):.0f}")
            cells.append(f"{statistics.median(r[1] for r in runs):.2f}")
        lines.append(f"| {target_name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    print(asyncio.run(compare(args.rounds, args.seconds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
