"""`make profile`: where ours spends its time under load, sampled by py-spy while wrk drives one scenario.

    python -m scripts.bench.profile [--scenario get_one|list_20|create] [--seconds 20]

Writes reports/bench/profile-<scenario>.svg (a flame graph) and .txt (the functions holding the most samples,
inclusive and exclusive, from py-spy's collapsed stacks) and prints the summary.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import sys
import tempfile
from pathlib import Path

from scripts.bench.__main__ import SCENARIOS, SEED_ITEMS, request_for
from scripts.bench.targets import ours, seed
from scripts.bench.wrk import run_wrk
from scripts.live_server import PROJECT_ROOT, postgres_server_url
from scripts.prestart import migrate
from tests.dbutil import create_database, drop_database, unique_database_name

TOP = 40


def summarise(collapsed: str) -> str:
    """Inclusive and exclusive sample shares per function, from py-spy's `raw` (collapsed stack) format."""
    inclusive: collections.Counter[str] = collections.Counter()
    exclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        exclusive[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    rows = [f"{total} samples", "", "inclusive  function"]
    rows += [f"{100 * n / total:6.1f}%   {frame}" for frame, n in inclusive.most_common(TOP)]
    rows += ["", "exclusive  function"]
    rows += [f"{100 * n / total:6.1f}%   {frame}" for frame, n in exclusive.most_common(TOP)]
    return "\n".join(rows)


def _read(path: Path) -> str:
    return path.read_text()


async def profile(scenario: str, seconds: float, report_dir: Path) -> str:
    """Profile one scenario; writes the flame graph and returns the summary."""
    with postgres_server_url() as postgres_url, tempfile.TemporaryDirectory(prefix="profile-") as scratch:
        name = unique_database_name("bench_profile")
        url = await create_database(postgres_url, name)
        target = ours(url)
        try:
            await migrate(url)
            await target.start(Path(scratch) / "ours.log")
            await seed(target, SEED_ITEMS)
            await run_wrk(target.base_url, request_for(target, scenario), seconds=3)  # warm-up
            py_spy = Path(sys.executable).parent / "py-spy"
            outputs = {fmt: report_dir / f"profile-{scenario}.{ext}" for fmt, ext in (("flamegraph", "svg"),)}
            collapsed = report_dir / f"profile-{scenario}.collapsed"
            recorders = [
                await asyncio.create_subprocess_exec(
                    str(py_spy),
                    "record",
                    "--pid",
                    str(target.pid),
                    "--duration",
                    f"{int(seconds)}",
                    "--rate",
                    "200",
                    "--nonblocking",
                    # Only the thread holding the GIL: a coroutine parked in a greenlet (SQLAlchemy's asyncio bridge)
                    # otherwise shows as running while it waits for the database.
                    "--gil",
                    "--format",
                    fmt,
                    "--output",
                    str(path),
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.DEVNULL,
                )
                for fmt, path in [*outputs.items(), ("raw", collapsed)]
            ]
            result = await run_wrk(target.base_url, request_for(target, scenario), seconds=seconds)
            for recorder in recorders:
                await recorder.wait()
            return f"{scenario}: {result.rps:.0f} req/s, p99 {result.p99_ms:.1f} ms\n" + summarise(_read(collapsed))
        finally:
            await target.stop()
            await drop_database(postgres_url, name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", choices=SCENARIOS, default="get_one")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--report-dir", type=Path, default=PROJECT_ROOT / "reports" / "bench")
    args = parser.parse_args(argv)
    args.report_dir.mkdir(parents=True, exist_ok=True)
    summary = asyncio.run(profile(args.scenario, args.seconds, args.report_dir))
    (args.report_dir / f"profile-{args.scenario}.txt").write_text(summary + "\n")
    print(summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
