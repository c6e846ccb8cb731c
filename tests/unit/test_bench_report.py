"""The benchmark's report code (no load is generated here: timing claims live in `make bench`, never in tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scripts.bench.profile import summarise
from scripts.bench.report import write_reports
from scripts.bench.wrk import Request


def _run(rps: float, p99: float) -> dict[str, Any]:
    return {"rps": rps, "p99_ms": p99, "errors": {"status": 0}, "cpu_ms_per_request": 1.0, "rss_peak_mib": 90.0}


def _results() -> dict[str, Any]:
    speeds = {"raw": 900.0, "seed": 200.0, "ours": 400.0}
    throughput = {
        name: {s: [_run(rps, 10.0), _run(rps * 1.1, 12.0)] for s in ("get_one", "list_20", "create")}
        for name, rps in speeds.items()
    }
    storm = {
        name: [{"calm": _run(400.0, 10.0), "storm": _run(300.0, 25.0), "logins": {"200": 12}}]
        for name in ("seed", "ours")
    }
    return {
        "settings": {"rounds": 2, "storm_rounds": 1, "seconds": 1, "wrk": "1 thread x 32 connections"},
        "labels": {"raw": "raw ceiling", "seed": "seed-style FastAPI", "ours": "ours"},
        "idle_rss_mib": {"raw": 40.0, "seed": 80.0, "ours": 90.0},
        "throughput": throughput,
        "storm": storm,
        "cold_start_s": {"raw": [0.5], "seed": [0.9], "ours": [1.0]},
        "list_scaling_ms": {"sort=price first page": {"200": 2.0, "100000": 3.0}},
        "serialization_us": {"pydantic": 50.0},
        "login_timing": "ratio unknown/wrong: 1.000",
    }


def test_the_report_states_medians_ranges_and_ratios(tmp_path: Path) -> None:
    table = write_reports(_results(), tmp_path)
    # ours: the median of 400 and 440 is 420: 2.00x the seed-style app (200, 220 -> 210), 0.44x the raw ceiling.
    assert "420 (400-440) **2.00x seed, 0.44x raw**" in table
    assert "| sort=price first page | 2.0 | 3.0 | 1.50x |" in table
    assert "2.50x" in table  # the storm ratio: p99 25 ms against 10 ms
    assert {p.name for p in tmp_path.iterdir()} == {"bench.json", "bench.md", "bench.png"}
    assert (tmp_path / "bench.png").read_bytes().startswith(b"\x89PNG")


def test_the_wrk_script_sends_the_request_and_reports_every_error_class() -> None:
    lua = Request("POST", "/v1/items", {"Authorization": "Bearer t"}, '{"name": "x"}').lua()
    assert 'wrk.method = "POST"' in lua
    assert 'wrk.headers["Authorization"] = "Bearer t"' in lua
    assert 'wrk.body = "{\\"name\\": \\"x\\"}"' in lua
    assert all(kind in lua for kind in ("e.connect", "e.read", "e.write", "e.status", "e.timeout"))


def test_profile_summary_counts_inclusive_and_exclusive_samples() -> None:
    summary = summarise("main;handler;query 3\nmain;handler 1\n")
    assert "4 samples" in summary
    assert "100.0%   main" in summary
    assert " 75.0%   query" in summary
