"""``make bench`` / ``python -m bench [--quick]``: the benchmark of issue 7.

Production settings (bench/settings.py) on a fresh PostgreSQL database (portal_bench) and two
Redis databases of its own, gunicorn sync workers, wrk on loopback for every request it can
replay (the Python generator for the rest). Every throughput is a ratio against a trivial Django
view served by the same server and measured by wrk just before it; the median of the rounds
counts. Exit status 1 when any target is missed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.md"  # a full run's table (the README quotes it)
PARTS = ["pages", "submit", "scaleout", "rush", "memory", "email", "scale", "patches"]
PARTIAL_RESULTS = ROOT / "bench" / "results" / "partial.md"  # --quick or --only: not committed


@dataclass(frozen=True)
class Profile:
    rounds: int
    seconds: int  # per measured phase (wrk counts whole seconds)
    rush_people: int
    rush_runs: int
    scaleout_runs: int
    memory_requests: int
    emails: int
    consultations: int
    applications: int
    registrations: int
    job_runs: int


FULL = Profile(3, 4, 2000, 20, 3, 20_000, 5000, 100_000, 20_000, 20_000, 3)
QUICK = Profile(2, 2, 400, 2, 1, 3000, 500, 10_000, 2000, 2000, 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short smoke run (smaller data)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (4)")
    parser.add_argument("--rush-runs", type=int, help="repeat the rush this many times")
    parser.add_argument(
        "--only",
        nargs="*",
        choices=PARTS,
        help="run only these parts",
    )
    args = parser.parse_args(argv)
    profile = QUICK if args.quick else FULL
    if args.rush_runs:
        profile = dataclasses.replace(profile, rush_runs=args.rush_runs)
    parts = set(args.only or PARTS)

    logs = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    static_root = logs / "static"
    # Before the settings are read: the in-process parts find the manifest the run collects.
    os.environ["BENCH_STATIC_ROOT"] = str(static_root)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))
    import bench.settings  # noqa: F401  (the env defaults, before anything reads them)

    from . import server

    env = server.bench_env(BENCH_STATIC_ROOT=str(static_root))
    load_before = os.getloadavg()[0]
    cpu_reference = server.cpu_reference_ms()
    started = time.monotonic()
    say(f"Preparing: database portal_bench, Redis DBs 12/13, static files (logs in {logs})")
    server.recreate_database(os.environ["DATABASE_URL"])
    server.flush_redis(os.environ["REDIS_URL"], os.environ["REDIS_CACHE_URL"])
    server.manage("migrate", "--no-input", "--verbosity", "0", env=env)
    server.manage("load_demo_data", "--verbosity", "0", env=env)
    server.manage("collectstatic", "--no-input", "--verbosity", "0", env=env)

    import django

    django.setup()
    from django.conf import settings

    smtp_port = server.free_port()
    sink = server.Process(
        [server.PYTHON, "-m", "bench.smtp_sink", str(smtp_port)], env=env, log=logs / "smtp.log"
    )
    server.wait_for_port(smtp_port, sink)
    env["EMAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"

    rows = []
    try:
        from . import rush as rush_part

        seminar = rush_part.new_session()
        if parts & {"pages", "submit"}:
            gunicorn, port = server.start_gunicorn(
                workers=args.workers, env=env, log=logs / "gunicorn.log"
            )
            try:
                if "pages" in parts:
                    from . import pages

                    rows += pages.measure(port, profile, seminar=seminar)
                if "submit" in parts:
                    rows += submit(port, profile, gunicorn=gunicorn, env=env, logs=logs, sink=sink)
            finally:
                gunicorn.stop()
        if "scaleout" in parts:
            from . import scaleout

            rows += scaleout.measure(profile, env=env, logs=logs, workers=args.workers)
        if "rush" in parts:
            gunicorn, port = server.start_gunicorn(
                workers=args.workers, env=env, log=logs / "gunicorn-rush.log"
            )
            try:
                say(f"Registration rush: {profile.rush_runs} runs of {profile.rush_people} people")
                rows += rush_part.measure(
                    [port],
                    people=profile.rush_people,
                    runs=profile.rush_runs,
                    servers=[gunicorn.pid],
                )
            finally:
                gunicorn.stop()
        if "memory" in parts:
            rows += memory(profile, env=env, logs=logs, seminar=seminar)
        if "email" in parts:
            rows += email(profile, smtp_port=smtp_port, logs=logs)
        if "scale" in parts:
            rows += scale(profile, env=env, logs=logs, workers=args.workers)
        if "patches" in parts:
            from . import patches

            say("Patches: each timed against the upstream code it replaces")
            rows += patches.measure()
    finally:
        sink.stop()
        server.flush_redis(settings.CELERY_BROKER_URL, os.environ["REDIS_CACHE_URL"])

    from . import report

    minutes = (time.monotonic() - started) / 60
    cpu_reference_after = server.cpu_reference_ms()
    full = not args.quick and parts == set(PARTS)
    kind = "Full run" if full else "Quick smoke run" if args.quick else "Partial run"
    notes = [
        f"{kind} ({', '.join(sorted(parts))}) {dt.datetime.now(tz=dt.UTC):%Y-%m-%d}, "
        f"{minutes:.1f} min; {os.cpu_count()} cores shared by server, database, Redis and load "
        f"generator; load average {load_before:.2f} before the run. Absolute numbers are noisy.",
        f"Machine speed: a fixed pure-Python workload (bench.server.cpu_reference_ms) took "
        f"{cpu_reference:.0f} ms before the run and {cpu_reference_after:.0f} ms after it. The "
        "latency and time limits are absolute: "
        "compare this figure when comparing runs on different machines.",
        f"Settings: bench.settings = production (DEBUG off, cached templates, whitenoise, "
        f"PostgreSQL, Redis cache and broker), gunicorn {args.workers} sync workers; wrk "
        f"{wrk_version()} at 16 connections, one thread (one connection per request: sync "
        f"workers close it); {profile.rounds} rounds of {profile.seconds} s per figure, each "
        f"right after {max(profile.seconds // 2, 1)} s of the trivial view (its reference); "
        "median of the per-round ratios. The Python generator only prepares the submit's "
        "drafts and drives the rush (its ceiling is in the table).",
        f"For the load: FORM_MIN_FILL_SECONDS={os.environ['FORM_MIN_FILL_SECONDS']}, "
        "form stamps reusable, and the rate limits (per address, browser and email) out of "
        "reach (all load comes from 127.0.0.1); "
        "SSL redirect off; staff 2FA off for the in-process admin timings.",
    ]
    print()  # noqa: T201
    print(report.text_table(rows))  # noqa: T201
    print()  # noqa: T201
    for note in notes:
        print(f"* {note}")  # noqa: T201
    results = RESULTS if full else PARTIAL_RESULTS
    report.write(results, rows, notes=notes)
    print(f"\nMarkdown: {results.relative_to(ROOT)}")  # noqa: T201
    return 0 if all(row.ok for row in rows) else 1


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)  # noqa: T201


def wrk_version() -> str:
    from . import wrk

    found = subprocess.run([wrk.ensure_installed(), "-v"], capture_output=True, text=True)  # noqa: S603
    words = (found.stdout or found.stderr).split()
    return words[1] if len(words) > 1 else "?"


def submit(port: int, profile: Profile, *, gunicorn, env, logs: Path, sink) -> list:
    from . import server
    from . import submit as submit_part

    worker = server.start_celery(env=env, log=logs / "celery-worker-submit.log")
    try:
        return submit_part.measure(
            port, profile, gunicorn_pid=gunicorn.pid, worker=worker, sink=sink
        )
    finally:
        worker.stop()


def memory(profile: Profile, *, env, logs: Path, seminar) -> list:
    from . import server, web
    from .pages import FORM_PAGES, PUBLIC_PAGES
    from .report import Row, pct

    paths = [*PUBLIC_PAGES.values(), *(p.format(seminar=seminar.pk) for p in FORM_PAGES.values())]
    total = profile.memory_requests
    say(f"Memory: one gunicorn worker, {total} requests across the public pages")
    gunicorn, port = server.start_gunicorn(workers=1, env=env, log=logs / "gunicorn-memory.log")
    try:
        workers = server.children(gunicorn.pid)
        if len(workers) != 1:
            raise SystemExit(f"expected one gunicorn worker, found {workers}")
        worker = workers[0]
        web.run(web.mixed_gets(port, paths, total=max(total // 10, 500), connections=4))
        before = server.rss_kib(worker)
        stats = web.run(web.mixed_gets(port, paths, total=total, connections=4))
        after = server.rss_kib(worker)
        same = server.children(gunicorn.pid) == [worker]
    finally:
        gunicorn.stop()
    growth = (after - before) / before
    return [
        Row(
            f"memory: worker RSS growth over {total} requests",
            f"{before / 1024:.1f} -> {after / 1024:.1f} MiB",
            "< 10 %",
            pct(growth),
            growth < 0.10 and same and stats.server_errors == 0 and stats.errors == 0,
            f"after a {max(total // 10, 500)}-request warm-up; {stats.rate:.0f} req/s; "
            f"{stats.server_errors} 5xx; same worker throughout: {same}",
        )
    ]


def email(profile: Profile, *, smtp_port: int, logs: Path) -> list:
    from . import mail_drain
    from .report import Row, pct

    say(f"Email: {profile.emails} outbox rows, bare smtplib loop, then a Celery worker")
    result = mail_drain.drain(count=profile.emails, smtp_port=smtp_port, concurrency=2, logs=logs)
    ratio = result.worker_rate / result.bare_rate
    return [
        Row(
            f"email: worker drains {result.emails} outbox rows",
            f"{result.worker_rate:.0f} emails/s",
            ">= 50 %",
            pct(ratio),
            ratio >= 0.5 and result.sent == result.emails,
            f"bare smtplib loop (one connection, prebuilt) {result.bare_rate:.0f}/s; Celery "
            f"worker on Redis, {result.worker_concurrency} processes, {result.sent} sent, "
            f"{result.failed} not sent, {result.worker_seconds:.1f} s",
        )
    ]


def scale(profile: Profile, *, env, logs: Path, workers: int) -> list:
    from django.utils import timezone

    from . import scale as data
    from .report import Row, ms

    now = timezone.now()
    rng = random.Random(7)  # noqa: S311
    reminder_day = data.a_business_day(now)
    say(
        f"Scale: {profile.consultations} consultations, {profile.applications} applications, "
        f"{profile.registrations} registrations (bulk)"
    )
    begin = time.monotonic()
    data.create_consultations(profile.consultations, now=now, rng=rng)
    data.create_applications(profile.applications, now=now, rng=rng)
    data.create_registrations(
        profile.registrations, per_session=500, now=now, reminder_day=reminder_day
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    say(f"Scale data in {time.monotonic() - begin:.0f} s; the admin under load")
    from . import admin_load, server

    gunicorn, port = server.start_gunicorn(
        workers=workers, env=env, log=logs / "gunicorn-admin.log"
    )
    try:
        rows = admin_load.measure(
            port, profile, changelists=data.CHANGELISTS, gunicorn_pid=gunicorn.pid
        )
    finally:
        gunicorn.stop()
    say("Scale: changelists and jobs timed in-process")
    for timing in data.measure(runs=profile.job_runs + 2, reminder_day=reminder_day, now=now):
        limit = 0.3 if timing.name.startswith("admin") else 2.0
        rows.append(
            Row(
                timing.name,
                ms(timing.median),
                f"< {ms(limit)}",
                f"{timing.median / limit:.2f} x limit",
                timing.median < limit,
                ", ".join(
                    filter(None, [timing.note, "runs " + " ".join(ms(s) for s in timing.seconds)])
                ),
            )
        )
    return rows


if __name__ == "__main__":
    sys.exit(main())
