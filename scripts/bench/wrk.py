"""Load from wrk (Debian's package): one thread, N connections, a Lua script that sets the request and prints a
JSON summary (requests, latency percentiles, every error class) that we parse."""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SUMMARY = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d},"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%f}}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
"""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: str | None = None

    def lua(self) -> str:
        lines = [f"wrk.method = {json.dumps(self.method)}", f"wrk.path = {json.dumps(self.path)}"]
        lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in self.headers.items()]
        if self.body is not None:
            lines.append(f"wrk.body = {json.dumps(self.body)}")
        return "\n".join(lines) + "\n" + _SUMMARY


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    errors: dict[str, int]
    p50_ms: float
    p99_ms: float
    max_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def failed(self) -> int:
        """Connection errors, timeouts and non-2xx/3xx answers: a benchmark of failures measures nothing."""
        return sum(self.errors.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "seconds": self.seconds,
            "rps": self.rps,
            "errors": self.errors,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "max_ms": self.max_ms,
        }


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed: `make bench` installs it (apt-get install -y wrk)")
    return found


def _write_script(request: Request) -> Path:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(request.lua())
    return Path(script.name)


async def run_wrk(base_url: str, request: Request, *, seconds: float, connections: int = 32) -> Result:
    script = _write_script(request)
    try:
        process = await asyncio.create_subprocess_exec(
            wrk_path(),
            "-t1",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--timeout=10s",
            "-s",
            str(script),
            base_url,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()
    finally:
        script.unlink()
    text = output.decode(errors="replace")
    line = next((line for line in text.splitlines() if line.startswith("BENCH_JSON ")), None)
    if process.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({process.returncode}):\n{text}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    latency = data["latency_us"]
    return Result(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=data["errors"],
        p50_ms=latency["p50"] / 1000,
        p99_ms=latency["p99"] / 1000,
        max_ms=latency["max"] / 1000,
    )
