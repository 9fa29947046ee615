"""wrk (Debian's package, 4.1) as the load generator for every request it can replay.

wrk is C with LuaJIT scripting: on loopback it serves several times the requests per second
of a Python generator on the same cores, so a ratio against the trivial view measures the
server, not the generator. One Lua script (``bench/wrk.lua``) covers every use:

- a fixed request (a GET, a replayable POST), optionally with a ``Cookie`` header;
- a different request per call from a file of prepared requests (each submit with its own
  draft in its own session), stopping when the file is used up;
- one or more servers, round-robin by thread (the scale-out run).

The script's ``done`` writes wrk's own summary and latency percentiles as JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

SCRIPT = Path(__file__).with_name("wrk.lua")
HOST = "127.0.0.1"


def ensure_installed() -> str:
    """The path of wrk; as root it is installed from Debian's packages when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("[bench] wrk is missing: apt-get install -y wrk", flush=True)  # noqa: T201
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=False)  # noqa: S607
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit(
        "The benchmark needs wrk (Debian: apt-get install wrk; macOS: brew install wrk)."
    )


@dataclass
class Stats:
    """What one wrk run saw (times in seconds)."""

    count: int = 0
    elapsed: float = 0.0
    bad_status: int = 0  # answers other than 2xx/3xx
    errors: int = 0  # connect, read, write errors and timeouts
    percentiles: dict[float, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        return self.percentiles.get(float(p), float("nan"))

    @property
    def server_errors(self) -> int:
        """wrk counts every status >= 400 together; the bench expects none of them."""
        return self.bad_status


@dataclass(frozen=True)
class Request:
    method: str = "GET"
    path: str = "/"
    cookies: dict[str, str] | None = None
    form: dict | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return headers

    def body(self) -> str:
        return urlencode(self.form, doseq=True) if self.form is not None else ""

    def raw(self) -> bytes:
        body = self.body().encode()
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {HOST}"]
        lines += [f"{k}: {v}" for k, v in self.headers().items()]
        if body:
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def run(
    request: Request | list[Request],
    *,
    ports: list[int],
    connections: int,
    duration: float,
    threads: int = 1,
    may_run_out: bool = False,
) -> Stats:
    """``request`` (or each of a list in turn, once) from ``connections`` connections for
    ``duration`` seconds against the servers on ``ports`` (thread *i* on ``ports[i % n]``).

    A list used up before the end is an error (the figure would be cut short), unless
    ``may_run_out`` (a warm-up)."""
    wrk = ensure_installed()
    threads = max(threads, len(ports))
    with tempfile.TemporaryDirectory(prefix="portal-wrk-") as folder:
        folder = Path(folder)
        report = folder / "report.json"
        env = {
            **os.environ,
            "WRK_REPORT": str(report),
            "WRK_PORTS": ",".join(map(str, ports)),
            "WRK_THREADS": str(threads),
        }
        if isinstance(request, list):
            env["WRK_REQUESTS"] = str(_write_requests(folder / "requests.txt", request))
            first = request[0]
        else:
            first = request
            env["WRK_METHOD"] = first.method
            env["WRK_BODY"] = first.body()
            env["WRK_HEADERS"] = "\n".join(f"{k}: {v}" for k, v in first.headers().items())
        command = [
            wrk,
            f"-t{threads}",
            f"-c{max(connections, threads)}",
            f"-d{max(duration, 1):.0f}s" if duration >= 1 else "-d1s",
            "--timeout",
            "30s",
            "-s",
            str(SCRIPT),
            f"http://{HOST}:{ports[0]}{first.path}",
        ]
        finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if finished.returncode != 0 or not report.exists():
            raise SystemExit(f"wrk failed ({finished.returncode}): {finished.stderr.strip()}")
        data = json.loads(report.read_text())
    if data["exhausted"] and not may_run_out:
        raise SystemExit("wrk used up the prepared requests before the end: prepare more")
    return Stats(
        count=data["requests"],
        elapsed=data["duration_us"] / 1e6,
        bad_status=data["status"],
        errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
        percentiles={float(k): v / 1e6 for k, v in data["latency_us"].items()},
    )


def _write_requests(path: Path, requests: list[Request]) -> Path:
    """Each request as raw HTTP/1.1, preceded by its length in bytes and a newline."""
    with path.open("wb") as out:
        for request in requests:
            raw = request.raw()
            out.write(f"{len(raw)}\n".encode() + raw)
    return path
