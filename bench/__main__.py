"""``make bench`` / ``python -m bench [--quick]``: the benchmark of issue 7.

Production settings (bench/settings.py) on a fresh PostgreSQL database (portal_bench) and two
Redis databases of its own, gunicorn sync workers, a Python load generator on loopback. Every
throughput is a ratio against a trivial Django view served by the same server in the same round;
the median of the rounds counts. Exit status 1 when any target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .loadgen import median, percentile_all

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.md"  # a full run's table (the README quotes it)
PARTS = ["pages", "rush", "memory", "email", "scale", "patches"]
PARTIAL_RESULTS = ROOT / "bench" / "results" / "partial.md"  # --quick or --only: not committed

TRIVIAL = "/bench/trivial/"
PUBLIC_PAGES = {
    "home": "/ja/",
    "FAQ": "/ja/faq/",
    "seminar list": "/ja/seminars/",
    "consultation overview": "/ja/consultation/",
    "dispatch overview": "/ja/dispatch/",
    "privacy notice": "/ja/privacy/",
}
FORM_PAGES = {
    "consultation form": "/ja/consultation/form/",
    "dispatch application form": "/ja/dispatch/apply/",
    "seminar session + registration form": "/ja/seminars/{seminar}/",
}


@dataclass(frozen=True)
class Profile:
    rounds: int
    seconds: float  # per measured phase
    rush_people: int
    memory_requests: int
    emails: int
    consultations: int
    applications: int
    registrations: int
    job_runs: int


FULL = Profile(3, 4.0, 2000, 20_000, 5000, 100_000, 20_000, 20_000, 3)
QUICK = Profile(2, 1.5, 400, 3000, 500, 10_000, 2000, 2000, 2)
CONNECTIONS = 16
RUSH_CONNECTIONS = 64
RUSH_CAPACITY = 100


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short smoke run (smaller data)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (4)")
    parser.add_argument(
        "--only",
        nargs="*",
        choices=PARTS,
        help="run only these parts",
    )
    args = parser.parse_args(argv)
    profile = QUICK if args.quick else FULL
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
        seminar = create_rush_seminar()
        if parts & {"pages", "rush"}:
            gunicorn, port = server.start_gunicorn(
                workers=args.workers, env=env, log=logs / "gunicorn.log"
            )
            try:
                if "pages" in parts:
                    rows += pages(port, profile, seminar=seminar)
                if "rush" in parts:
                    rows += rush(port, profile, seminar=seminar)
            finally:
                gunicorn.stop()
        if "memory" in parts:
            rows += memory(profile, env=env, logs=logs, seminar=seminar)
        if "email" in parts:
            rows += email(profile, smtp_port=smtp_port, logs=logs)
        if "scale" in parts:
            rows += scale(profile)
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
        f"PostgreSQL, Redis cache and broker), gunicorn {args.workers} sync workers, "
        f"{CONNECTIONS} connections, a Python asyncio load generator (one connection per "
        f"request: sync workers close it); {profile.rounds} rounds of {profile.seconds:g} s per "
        f"figure, each right after {profile.seconds / 2:g} s of the trivial view (its reference); "
        "median of the per-round ratios.",
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


def create_rush_seminar():
    from django.utils import timezone

    from seminars.models import Level, Seminar

    starts = timezone.now() + dt.timedelta(days=30)
    return Seminar.objects.create(
        number=99,
        fiscal_year=2099,
        level=Level.BASIC,
        title_ja="ベンチマーク用セミナー",
        title_en="Benchmark session",
        overview_ja="ベンチマーク用の回です。",
        overview_en="A session for the benchmark.",
        agenda_ja="基礎知識\n質疑応答",
        agenda_en="Basics\nQ&A",
        speaker_ja="講師",
        speaker_en="Speaker",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        application_opens_on=timezone.localdate() - dt.timedelta(days=1),
        application_closes_on=timezone.localdate() + dt.timedelta(days=20),
        capacity=RUSH_CAPACITY,
        published=True,
    )


def pages(port: int, profile: Profile, *, seminar) -> list:
    from consultations.models import Consultation
    from mail.models import OutboxEmail

    from . import web
    from .report import Row, ms, pct

    form_pages = {k: v.format(seminar=seminar.pk) for k, v in FORM_PAGES.items()}
    gets = {**PUBLIC_PAGES, **form_pages}
    say("Warming up")
    for path in [TRIVIAL, *gets.values()]:
        web.run(web.measure_get(port, path, connections=4, duration=0.5))
    # Every worker's first submission loads what only a submission uses (the email
    # templates, the broker connection): the rounds measure the steady state.
    web.run(web.consultation_posts(port, connections=CONNECTIONS, duration=1))
    results: dict[str, list] = {name: [] for name in [*gets, "form POST", "confirm POST"]}
    # Each figure's own reference: the trivial view measured just before it, so that a host
    # slowing down or speeding up during a round moves both sides of the ratio.
    references: dict[str, list] = {name: [] for name in results}
    trivial = []

    def reference_for(*names: str) -> None:
        stats = web.run(
            web.measure_get(port, TRIVIAL, connections=CONNECTIONS, duration=profile.seconds / 2)
        )
        trivial.append(stats)
        for name in names:
            references[name].append(stats)

    consultations_before = Consultation.objects.count()
    outbox_before = OutboxEmail.objects.count()
    unexpected = 0
    for number in range(1, profile.rounds + 1):
        say(f"Round {number}/{profile.rounds}: {len(gets)} pages and the consultation POSTs")
        for name, path in gets.items():
            reference_for(name)
            results[name].append(
                web.run(
                    web.measure_get(port, path, connections=CONNECTIONS, duration=profile.seconds)
                )
            )
        reference_for("form POST", "confirm POST")
        validation, submission, bad = web.run(
            web.consultation_posts(port, connections=CONNECTIONS, duration=profile.seconds)
        )
        results["form POST"].append(validation)
        results["confirm POST"].append(submission)
        unexpected += bad
    submitted = sum(stats.count for stats in results["confirm POST"])
    stored = Consultation.objects.count() - consultations_before
    emails = OutboxEmail.objects.count() - outbox_before

    rows = [
        Row(
            "trivial view (reference)",
            f"{median([s.rate for s in trivial]):.0f} req/s",
            "-",
            "100 %",
            all(s.server_errors == 0 and s.errors == 0 for s in trivial),
            f"p50 {ms(median([s.percentile(50) for s in trivial]))}, "
            f"p99 {ms(median([s.percentile(99) for s in trivial]))}",
        )
    ]

    def ratio_row(name: str, label: str, target: float, *, p99_limit: float | None = None):
        runs = results[name]
        ratios = [run.rate / ref.rate for run, ref in zip(runs, references[name], strict=True)]
        ratio = median(ratios)
        bad_status = sum(
            n for run in runs for status, n in run.statuses.items() if status >= 400
        ) + sum(run.errors for run in runs)
        p99 = percentile_all(runs, 99)
        ok = ratio >= target and bad_status == 0
        info = f"{median([r.rate for r in runs]):.0f} req/s, p50 {ms(percentile_all(runs, 50))}"
        info += f", p99 {ms(p99)}"
        if bad_status:
            info += f", {bad_status} errors/4xx/5xx"
        rows.append(
            Row(
                label,
                f"{median([r.rate for r in runs]):.0f} req/s",
                f">= {pct(target)}",
                pct(ratio),
                ok,
                info,
            )
        )
        if p99_limit is not None:
            rows.append(
                Row(
                    f"{label}: p99 at {CONNECTIONS} connections",
                    ms(p99),
                    f"< {ms(p99_limit)}",
                    f"{p99 / p99_limit:.2f} x limit",
                    p99 < p99_limit,
                    "",
                )
            )

    for name in PUBLIC_PAGES:
        ratio_row(name, f"public page: {name}", 0.70)
    for name in form_pages:
        ratio_row(name, f"form page GET: {name}", 0.15)
    ratio_row("form POST", "consultation form POST (validation, draft)", 0.10, p99_limit=0.150)
    ratio_row(
        "confirm POST", "consultation submit POST (insert, outbox row)", 0.10, p99_limit=0.150
    )
    rows.append(
        Row(
            "consultation submits stored",
            f"{stored} stored, {emails} emails",
            f"{submitted} sent, 0 unexpected",
            "-",
            stored == submitted and emails >= stored and unexpected == 0,
            f"{unexpected} unexpected answers; no SMTP in the request (outbox + task queued)",
        )
    )
    return rows


def rush(port: int, profile: Profile, *, seminar) -> list:
    from seminars.models import RegistrationStatus

    from . import web
    from .report import Row, ms

    people = profile.rush_people
    say(
        f"Registration rush: {people} people, {RUSH_CONNECTIONS} connections, {RUSH_CAPACITY} seats"
    )
    result = web.run(
        web.registration_rush(port, seminar.pk, people=people, connections=RUSH_CONNECTIONS)
    )
    stats = result.stats
    registrations = seminar.registrations.all()
    confirmed = registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    waiting = registrations.filter(status=RegistrationStatus.WAITING).count()
    other = registrations.count() - confirmed - waiting
    p99 = stats.percentile(99)
    first = ", ".join(f"{n}x{status}" for status, n in sorted(result.first_try.items()))
    info = (
        f"{stats.count} POSTs in {stats.elapsed:.1f} s ({stats.rate:.0f}/s), "
        f"p50 {ms(stats.percentile(50))}; first answers {first}; "
        f"{result.resubmitted} resubmitted with the waiting-list box"
    )
    return [
        Row(
            f"rush: {people} registrations, {RUSH_CAPACITY} seats",
            f"{confirmed} confirmed, {waiting} waiting",
            f"{RUSH_CAPACITY} confirmed, {people - RUSH_CAPACITY} waiting",
            "-",
            confirmed == RUSH_CAPACITY
            and waiting == people - RUSH_CAPACITY
            and other == 0
            and result.unexpected == 0,
            f"{other} other rows, {result.unexpected} people not registered",
        ),
        Row(
            "rush: server errors",
            str(stats.server_errors + stats.errors),
            "0",
            "-",
            stats.server_errors + stats.errors == 0,
            f"{stats.server_errors} 5xx, {stats.errors} connection errors",
        ),
        Row(
            f"rush: POST p99 at {RUSH_CONNECTIONS} connections",
            ms(p99),
            "< 1000 ms",
            f"{p99 / 1.0:.2f} x limit",
            p99 < 1.0,
            info,
        ),
    ]


def memory(profile: Profile, *, env, logs: Path, seminar) -> list:
    from . import server, web
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


def scale(profile: Profile) -> list:
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
    say(f"Scale data in {time.monotonic() - begin:.0f} s; timing changelists and jobs")
    rows = []
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
