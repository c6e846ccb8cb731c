"""The scale test's outputs: a table on stdout, reports/scale/scale.json, reports/scale/latency.png."""

from __future__ import annotations

import json
import math
import textwrap
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from scripts.cluster.scale.cases import CaseResult
from scripts.cluster.scale.load import Recorder

__all__ = ["plot_latency", "table", "write_json"]

_VERDICT_WIDTH = 8
_CASE_WIDTH = 50
_SUMMARY_WIDTH = 100


def table(results: Sequence[CaseResult]) -> str:
    lines = [f"{'case':<{_CASE_WIDTH}} {'verdict':<{_VERDICT_WIDTH}} figures", "-" * (_CASE_WIDTH + 10 + 60)]
    for result in results:
        wrapped = textwrap.wrap(result.summary, _SUMMARY_WIDTH) or [""]
        lines.append(f"{result.name:<{_CASE_WIDTH}} {result.verdict:<{_VERDICT_WIDTH}} {wrapped[0]}")
        lines.extend(f"{'':<{_CASE_WIDTH + _VERDICT_WIDTH + 1}} {more}" for more in wrapped[1:])
        lines.extend(f"{'':<{_CASE_WIDTH + _VERDICT_WIDTH + 1}} ! {problem}" for problem in result.problems)
    return "\n".join(lines)


def write_json(path: Path, results: Sequence[CaseResult], recorder: Recorder, cluster: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "cluster": cluster,
        "cases": [asdict(result) for result in results],
        "events": [{"at_seconds": round(at, 3), "event": label} for at, label in recorder.events],
        "requests": len(recorder.records),
    }
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")


def plot_latency(path: Path, recorder: Recorder) -> None:
    """Above: every request's latency over time (log scale), one colour per case, the p99 of each second, errors as
    red crosses. Below: answers per second. Dashed lines: the events (kills, restarts, instance counts)."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no display here or in CI
    from matplotlib import pyplot

    figure, (latency, rate) = pyplot.subplots(
        2, 1, figsize=(16, 9), dpi=110, sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    colours = pyplot.get_cmap("tab10")
    for index, case in enumerate(dict.fromkeys(record.case for record in recorder.records)):
        ok = [r for r in recorder.records if r.case == case and not r.is_server_error]
        latency.scatter(
            [r.started for r in ok],
            [max(r.seconds * 1000, 0.1) for r in ok],
            s=2,
            alpha=0.3,
            color=colours(index % 10),
            label=case,
            rasterized=True,
        )
    by_second: dict[int, list[float]] = defaultdict(list)
    errors_by_second: Counter[int] = Counter()
    for record in recorder.records:
        by_second[int(record.finished)].append(record.seconds * 1000)
        if record.is_server_error:
            errors_by_second[int(record.finished)] += 1
    seconds = sorted(by_second)
    p99 = [sorted(by_second[second])[max(0, math.ceil(0.99 * len(by_second[second])) - 1)] for second in seconds]
    latency.plot([second + 0.5 for second in seconds], p99, color="black", linewidth=1, label="p99 per second")
    errors = [r for r in recorder.records if r.is_server_error]
    if errors:
        latency.scatter(
            [r.started for r in errors],
            [max(r.seconds * 1000, 0.1) for r in errors],
            s=12,
            marker="x",
            color="red",
            label=f"5xx / no answer ({len(errors)})",
        )
    rate.bar(seconds, [len(by_second[second]) for second in seconds], width=1.0, align="edge", color="grey")
    rate.bar(seconds, [errors_by_second[second] for second in seconds], width=1.0, align="edge", color="red")
    for at, label in recorder.events:
        for axes in (latency, rate):
            axes.axvline(at, color="grey", linewidth=0.8, linestyle="--")
        latency.annotate(
            label, (at, 1.0), xycoords=("data", "axes fraction"), rotation=90, fontsize=7, va="top", ha="right"
        )
    latency.set_yscale("log")
    latency.set_ylabel("latency (ms, log scale)")
    latency.set_title("make scale-test: every request through the cluster")
    latency.legend(loc="lower left", fontsize=7, markerscale=3)
    rate.set_ylabel("answers / s (red: 5xx)")
    rate.set_xlabel("seconds since the scale test began")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    pyplot.close(figure)
