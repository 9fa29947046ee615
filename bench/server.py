"""The processes under test: a fresh database, gunicorn, the SMTP sink, a Celery worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg2
import redis

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
    env.update(extra)
    return env


def recreate_database(url: str) -> None:
    """Drop and create the benchmark's own database (never the project's)."""
    name = url.rsplit("/", 1)[-1]
    if not name.startswith("portal_bench"):
        raise SystemExit(f"refusing to recreate {name!r}: the bench database is portal_bench*")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def flush_redis(*urls: str) -> None:
    for url in urls:
        redis.Redis.from_url(url).flushdb()


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


class Process:
    """A child process in its own process group, stopped with SIGTERM (then SIGKILL)."""

    def __init__(self, args: list[str], *, env: dict[str, str], log: Path):
        self.log = log
        self.handle = subprocess.Popen(  # noqa: S603
            args,
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.handle.pid

    def alive(self) -> bool:
        return self.handle.poll() is None

    def stop(self) -> None:
        if not self.alive():
            return
        os.killpg(self.handle.pid, signal.SIGTERM)
        try:
            self.handle.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.handle.pid, signal.SIGKILL)
            self.handle.wait()


def start_gunicorn(*, workers: int, env: dict[str, str], log: Path) -> tuple[Process, int]:
    port = free_port()
    process = Process(
        [
            str(BIN / "gunicorn"),
            "harassment_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        env=env,
        log=log,
    )
    wait_for_http(f"http://127.0.0.1:{port}/bench/trivial/", process)
    return process, port


def start_celery(
    *, env: dict[str, str], log: Path, concurrency: int = 2, beat: bool = False, pool: str = ""
) -> Process:
    """A Celery worker (prefork), or with ``beat`` the beat scheduler, on the bench's Redis."""
    if beat:
        args = ["beat", "--schedule", str(log.with_suffix(".schedule")), "--loglevel", "WARNING"]
    else:
        args = [
            "worker",
            "--pool",
            pool or os.environ.get("BENCH_WORKER_POOL", "prefork"),
            "--concurrency",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "WARNING",
        ]
    return Process([str(BIN / "celery"), "-A", "harassment_portal", *args], env=env, log=log)


def wait_for_http(url: str, process: Process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.alive():
            raise SystemExit(f"the server exited; see {process.log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout} s; see {process.log}")


def wait_for_pool(process: Process, size: int, timeout: float = 60) -> None:
    """Wait until a Celery worker has started its ``size`` pool processes (its log is at
    WARNING, so it does not say "ready"), then a moment for its consumer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.alive():
            raise SystemExit(f"a process exited; see {process.log}")
        if len(children(process.pid)) >= size:
            time.sleep(1)
            return
        time.sleep(0.2)
    raise SystemExit(f"the worker's pool did not start within {timeout} s; see {process.log}")


def wait_for_port(port: int, process: Process, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.alive():
            raise SystemExit(f"a process exited; see {process.log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"port {port} did not open within {timeout} s; see {process.log}")


def cpu_reference_ms() -> float:
    """The best of five timings of a fixed pure-Python workload, taken before the load: a
    yardstick for comparing the absolute figures (latencies, in-process times) of runs on
    different machines."""
    best = float("inf")
    for _ in range(5):
        begin = time.perf_counter()
        total = 0
        for number in range(1_000_000):
            total += number % 7
        best = min(best, time.perf_counter() - begin)
    return best * 1000


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (gunicorn's workers), from /proc."""
    from .cpu import processes

    return sorted(proc.pid for proc in processes() if proc.ppid == pid)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")
