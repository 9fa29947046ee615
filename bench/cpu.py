"""CPU time by process, from /proc: where a request's cost goes (web, PostgreSQL, Redis, worker).

A process tree's CPU is the user and system time of each live process in it plus the time of
its children that have exited (cutime, cstime): PostgreSQL's backends come and go with their
connections, and the postmaster collects their time. The load generator (wrk, a child of the
bench) is read from the bench's own ``RUSAGE_CHILDREN``.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
CLIENT_SIDE = {"load generator", "bench"}


@dataclass(frozen=True)
class _Proc:
    pid: int
    ppid: int
    comm: str
    seconds: float  # utime + stime + cutime + cstime


def processes() -> list[_Proc]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat.rsplit(")", 1)[1].split()
        # After the command: state ppid ... utime(12) stime(13) cutime(14) cstime(15), 0-based.
        ticks = sum(int(value) for value in fields[11:15])
        found.append(_Proc(int(entry.name), int(fields[1]), comm, ticks / TICK))
    return found


def _tree_seconds(processes: list[_Proc], roots: set[int]) -> float:
    children: dict[int, list[_Proc]] = {}
    for proc in processes:
        children.setdefault(proc.ppid, []).append(proc)
    total, stack = 0.0, [p for p in processes if p.pid in roots]
    while stack:
        proc = stack.pop()
        total += proc.seconds
        stack.extend(children.get(proc.pid, []))
    return total


def _roots_by_name(processes: list[_Proc], name: str) -> set[int]:
    """The topmost processes called ``name`` (the postmaster, redis-server)."""
    pids = {p.pid for p in processes if p.comm == name}
    return {p.pid for p in processes if p.comm == name and p.ppid not in pids}


class Meter:
    """``Meter(web=gunicorn_pid, worker=celery_pid)``; ``start()``, then ``stop()`` gives the
    CPU seconds each group used in between (web, worker, postgres, redis, load generator)."""

    def __init__(self, **pids: int | list[int] | None):
        self.pids = {
            name: set(pid if isinstance(pid, list) else [pid]) for name, pid in pids.items() if pid
        }
        self._start: dict[str, float] = {}

    def _read(self) -> dict[str, float]:
        now = processes()
        reading = {name: _tree_seconds(now, roots) for name, roots in self.pids.items()}
        reading["postgres"] = _tree_seconds(now, _roots_by_name(now, "postgres"))
        reading["redis"] = _tree_seconds(now, _roots_by_name(now, "redis-server"))
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        reading["load generator"] = children.ru_utime + children.ru_stime
        itself = resource.getrusage(resource.RUSAGE_SELF)  # the Python generator, when it runs
        reading["bench"] = itself.ru_utime + itself.ru_stime
        return reading

    def start(self) -> None:
        self._start = self._read()

    def stop(self) -> dict[str, float]:
        end = self._read()
        return {name: end[name] - self._start.get(name, 0.0) for name in end}


def per_request(used: dict[str, float], requests: int) -> str:
    """'web 4.1 ms, postgres 1.2 ms, ...' per request, the largest first."""
    if not requests:
        return "no requests"
    parts = sorted(used.items(), key=lambda item: -item[1])
    total = sum(seconds for name, seconds in parts if name not in CLIENT_SIDE)
    shown = [f"{name} {seconds / requests * 1000:.2f}" for name, seconds in parts if seconds > 0]
    return f"CPU ms per request: {', '.join(shown)} (server side {total / requests * 1000:.2f})"
