"""HAProxy's runtime API over its admin socket: server states, and taking servers in and out of rotation."""

from __future__ import annotations

import csv
import io
import socket
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BACKEND", "HAProxyAdmin", "ServerStatus"]

#: The backend of deploy/cluster/haproxy.cfg.in.
BACKEND = "instances"
_POLL_SECONDS = 0.1


@dataclass(frozen=True)
class ServerStatus:
    name: str
    status: str  # UP, DOWN, MAINT, DRAIN, "UP 1/2", "DOWN 1/2" (going up or down), NOLB
    current_sessions: int


class HAProxyAdmin:
    def __init__(self, socket_path: Path) -> None:
        self._socket_path = socket_path

    def command(self, line: str) -> str:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5.0)
            sock.connect(str(self._socket_path))
            sock.sendall(line.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def servers(self) -> dict[str, ServerStatus]:
        """The backend's servers by name, from `show stat` (CSV; its header line starts with "# ")."""
        text = self.command("show stat").removeprefix("# ")
        statuses = {}
        for row in csv.DictReader(io.StringIO(text)):
            if row["pxname"] == BACKEND and row["svname"] not in ("FRONTEND", "BACKEND"):
                statuses[row["svname"]] = ServerStatus(row["svname"], row["status"], int(row["scur"] or 0))
        return statuses

    def set_state(self, server: str, state: str) -> None:
        """``state``: ready (in rotation), drain (no new requests) or maint (out of rotation)."""
        answer = self.command(f"set server {BACKEND}/{server} state {state}").strip()
        if answer:
            raise RuntimeError(f"HAProxy refused `set server {server} state {state}`: {answer}")

    def wait_for(self, server: str, status: str, timeout: float) -> None:
        """Wait until ``server`` reports ``status`` exactly (e.g. UP once its health checks passed)."""
        deadline = time.monotonic() + timeout
        while True:
            current = self.servers()[server].status
            if current == status:
                return
            if time.monotonic() >= deadline:
                raise TimeoutError(f"HAProxy server {server} is {current!r}, not {status!r}, after {timeout:g} s")
            time.sleep(_POLL_SECONDS)
