"""A small HTTP/1.1 load generator on asyncio: raw sockets, cookies, latency percentiles.

gunicorn's sync workers close the connection after each response, so each request opens its
own connection (as wrk does against such a server); the connect time is part of the latency.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

HOST = "127.0.0.1"


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str:
        name = name.lower()
        return next((v for k, v in self.headers if k == name), "")

    def cookies(self) -> dict[str, str]:
        found = {}
        for key, value in self.headers:
            if key == "set-cookie":
                pair = value.split(";", 1)[0]
                name, _sep, val = pair.partition("=")
                found[name.strip()] = val.strip()
        return found


@dataclass
class Stats:
    """What one measured phase saw: latencies (s) of the measured requests, statuses."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0  # connection errors and timeouts
    elapsed: float = 0.0

    def record(self, status: int, latency: float) -> None:
        self.latencies.append(latency)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


async def request(
    port: int,
    method: str,
    path: str,
    *,
    cookies: dict[str, str] | None = None,
    form: dict | list | None = None,
    timeout: float = 30.0,
) -> Response:
    body = urlencode(form, doseq=True).encode() if form is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: close"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    if form is not None:
        lines.append("Content-Type: application/x-www-form-urlencoded")
        lines.append(f"Content-Length: {len(body)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode()

    async def exchange() -> bytes:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            writer.write(head + body)
            return await reader.read(-1)  # the server closes after the response
        finally:
            writer.close()

    raw = await asyncio.wait_for(exchange(), timeout)
    header_block, _sep, payload = raw.partition(b"\r\n\r\n")
    header_lines = header_block.decode("latin-1").split("\r\n")
    status = int(header_lines[0].split(" ", 2)[1])
    headers = []
    for line in header_lines[1:]:
        key, _sep, value = line.partition(":")
        headers.append((key.strip().lower(), value.strip()))
    return Response(status, headers, payload)


Job = Callable[[int, Stats], Awaitable[None]]


async def run(
    job: Job, *, connections: int, duration: float | None = None, total: int | None = None
) -> Stats:
    """Run ``job(i, stats)`` from ``connections`` concurrent loops, for ``duration`` seconds or
    until ``total`` jobs have started. A job records its measured request(s) in ``stats``."""
    stats = Stats()
    counter = iter(range(total if total is not None else 10**12))
    started = time.perf_counter()
    deadline = started + duration if duration else None

    async def loop() -> None:
        for index in counter:
            if deadline and time.perf_counter() >= deadline:
                return
            try:
                await job(index, stats)
            except (OSError, TimeoutError, ValueError, IndexError):
                stats.errors += 1

    await asyncio.gather(*(loop() for _ in range(connections)))
    stats.elapsed = time.perf_counter() - started
    return stats


async def timed(port: int, stats: Stats, method: str, path: str, **kwargs) -> Response:
    """One request whose latency and status go into ``stats``."""
    begin = time.perf_counter()
    response = await request(port, method, path, **kwargs)
    stats.record(response.status, time.perf_counter() - begin)
    return response


def get_page(port: int, path: str) -> Job:
    async def job(_index: int, stats: Stats) -> None:
        await timed(port, stats, "GET", path)

    return job


INPUT_VALUE = re.compile(rb'name="(?P<name>[\w-]+)"[^>]*?value="(?P<value>[^"]*)"')


def hidden_inputs(html: bytes) -> dict[str, str]:
    """The name="..." value="..." pairs of a page's inputs (hidden ones are what we need)."""
    return {m["name"].decode(): m["value"].decode() for m in INPUT_VALUE.finditer(html)}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
