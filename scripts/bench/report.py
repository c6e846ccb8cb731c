"""The benchmark's outputs: a Markdown table (printed and written), the raw JSON and a PNG plot."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

SCENARIO_TITLES = {"get_one": "GET one item", "list_20": "GET list of 20", "create": "POST create"}
TARGET_ORDER = ("raw", "seed", "ours")


def _stat(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def _fmt(values: list[float], digits: int = 0) -> str:
    mid, low, high = _stat(values)
    return f"{mid:.{digits}f} ({low:.{digits}f}-{high:.{digits}f})"


def _rps(results: dict[str, Any], target: str, scenario: str) -> list[float]:
    return [run["rps"] for run in results["throughput"][target][scenario]]


def throughput_table(results: dict[str, Any]) -> str:
    labels = results["labels"]
    head = "| target | " + " | ".join(SCENARIO_TITLES.values()) + " | server CPU per GET one | idle RSS |"
    lines = [head, "|" + "---|" * (len(SCENARIO_TITLES) + 3)]
    for target in TARGET_ORDER:
        cells = []
        for scenario in SCENARIO_TITLES:
            cell = _fmt(_rps(results, target, scenario))
            if target == "ours":
                ours = statistics.median(_rps(results, "ours", scenario))
                seed = statistics.median(_rps(results, "seed", scenario))
                raw = statistics.median(_rps(results, "raw", scenario))
                cell += f" **{ours / seed:.2f}x seed, {ours / raw:.2f}x raw**"
            cells.append(cell)
        cpu = [run["cpu_ms_per_request"] for run in results["throughput"][target]["get_one"]]
        cells.append(_fmt(cpu, 2) + " ms")
        cells.append(f"{results['idle_rss_mib'][target]:.0f} MiB")
        lines.append(f"| {labels[target]} | " + " | ".join(cells) + " |")
    p99 = "| p99 (ms) | " + " | ".join(
        " / ".join(
            f"{t}: {statistics.median([r['p99_ms'] for r in results['throughput'][t][s]]):.1f}" for t in TARGET_ORDER
        )
        for s in SCENARIO_TITLES
    )
    lines.append(p99 + " | | |")
    return "\n".join(lines)


def storm_table(results: dict[str, Any]) -> str:
    lines = [
        "| target | GET one p99 calm (ms) | p99 during 8 logins (ms) | ratio | req/s calm -> storm "
        "| RSS peak in storm | logins answered |",
        "|---|---|---|---|---|---|---|",
    ]
    for target, runs in results["storm"].items():
        calm = [r["calm"]["p99_ms"] for r in runs]
        storm = [r["storm"]["p99_ms"] for r in runs]
        ratio = statistics.median(s / c for s, c in zip(storm, calm, strict=True))
        calm_rps = statistics.median(r["calm"]["rps"] for r in runs)
        storm_rps = statistics.median(r["storm"]["rps"] for r in runs)
        rps = f"{calm_rps:.0f} -> {storm_rps:.0f}"
        rss = max(r["storm"]["rss_peak_mib"] for r in runs)
        logins: dict[str, int] = {}
        for run in runs:
            for status, count in run["logins"].items():
                logins[str(status)] = logins.get(str(status), 0) + count
        lines.append(
            f"| {results['labels'][target]} | {_fmt(calm, 1)} | {_fmt(storm, 1)} | {ratio:.2f}x | {rps} | "
            f"{rss:.0f} MiB | {logins} |"
        )
    return "\n".join(lines)


def cold_start_table(results: dict[str, Any]) -> str:
    lines = ["| target | cold start (s) |", "|---|---|"]
    for target in TARGET_ORDER:
        lines.append(f"| {results['labels'][target]} | {_fmt(results['cold_start_s'][target], 2)} |")
    return "\n".join(lines)


def list_table(results: dict[str, Any]) -> str:
    sizes = sorted({size for row in results["list_scaling_ms"].values() for size in row}, key=int)
    small, large = sizes[0], sizes[-1]
    lines = [f"| query (ours) | {small} items (ms) | {large} items (ms) | ratio |", "|---|---|---|---|"]
    for label, row in results["list_scaling_ms"].items():
        lines.append(f"| {label} | {row[small]:.1f} | {row[large]:.1f} | {row[large] / row[small]:.2f}x |")
    return "\n".join(lines)


def serialization_table(results: dict[str, Any]) -> str:
    lines = ["| serialising a 20-item page | µs per call |", "|---|---|"]
    for way, micros in results["serialization_us"].items():
        lines.append(f"| {way} | {micros:.0f} |")
    return "\n".join(lines)


def markdown(results: dict[str, Any]) -> str:
    settings = results["settings"]
    return "\n\n".join(
        [
            f"## Throughput, req/s: median (min-max) of {settings['rounds']} interleaved rounds of "
            f"{settings['seconds']:g} s, wrk {settings['wrk']}; {settings.get('server', 'PostgreSQL')}",
            throughput_table(results),
            f"## Reads during a login storm ({settings['storm_rounds']} paired rounds)",
            storm_table(results),
            "## Cold start: process start until the first answer",
            cold_start_table(results),
            "## List queries as data grows (one user; median of sequential requests)",
            list_table(results),
            "## Serialisation",
            serialization_table(results),
            "## Login timing (unknown email vs wrong password)",
            "```\n" + results["login_timing"].strip() + "\n```",
        ]
    )


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (rps_axes, p99_axes) = plt.subplots(1, 2, figsize=(12, 4.5))
    width = 0.25
    for offset, target in enumerate(TARGET_ORDER):
        xs = [index + (offset - 1) * width for index in range(len(SCENARIO_TITLES))]
        for axes, key in ((rps_axes, "rps"), (p99_axes, "p99_ms")):
            stats = [
                _stat([run[key] for run in results["throughput"][target][scenario]]) for scenario in SCENARIO_TITLES
            ]
            mids = [s[0] for s in stats]
            errors = [[s[0] - s[1] for s in stats], [s[2] - s[0] for s in stats]]
            axes.bar(xs, mids, width, yerr=errors, capsize=3, label=results["labels"][target])
    for axes, title in ((rps_axes, "requests per second (median, min-max)"), (p99_axes, "p99 latency, ms")):
        axes.set_xticks(range(len(SCENARIO_TITLES)), list(SCENARIO_TITLES.values()))
        axes.set_title(title)
        axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write_reports(results: dict[str, Any], directory: Path) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    table = markdown(results)
    (directory / "bench.json").write_text(json.dumps(results, indent=2, sort_keys=True))
    (directory / "bench.md").write_text(table + "\n")
    plot(results, directory / "bench.png")
    return table
