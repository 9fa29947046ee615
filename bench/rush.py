"""The registration rush, repeated: each run a new session of 100 seats and 2,000 new visitors
from 64 connections (the Python generator: a person told the session filled up sends the form
again with the waiting-list box ticked, which wrk cannot do). Every run must seat exactly 100,
answer no 5xx and keep the POSTs' p99 under 1 s."""

from __future__ import annotations

import datetime as dt
import itertools

from . import cpu, web
from .loadgen import median
from .report import Row, ms

CONNECTIONS = 64
CAPACITY = 100
P99_LIMIT = 1.0
_numbers = itertools.count(100)


def new_session(*, capacity: int = CAPACITY):
    """A session open for registration, a month ahead, with a number no other run has."""
    from django.utils import timezone

    from .scale import create_session

    today = timezone.localdate()
    return create_session(
        next(_numbers),
        fiscal_year=2099,
        starts_at=timezone.now() + dt.timedelta(days=30),
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=20),
        capacity=capacity,
    )


def one_run(ports: list[int], *, people: int, meter: cpu.Meter | None = None) -> dict:
    from seminars.models import RegistrationStatus

    seminar = new_session()
    if meter:
        meter.start()
    result = web.run(
        web.registration_rush(ports, seminar.pk, people=people, connections=CONNECTIONS)
    )
    used = meter.stop() if meter else {}
    registrations = seminar.registrations.all()
    confirmed = registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    waiting = registrations.filter(status=RegistrationStatus.WAITING).count()
    other = registrations.count() - confirmed - waiting
    exact = (
        confirmed == CAPACITY
        and waiting == people - CAPACITY
        and other == 0
        and result.unexpected == 0
    )
    return {
        "exact": exact,
        "confirmed": confirmed,
        "waiting": waiting,
        "server_errors": result.stats.server_errors + result.stats.errors,
        "p99": result.stats.percentile(99),
        "p50": result.stats.percentile(50),
        "rate": result.stats.rate,
        "resubmitted": result.resubmitted,
        "cpu": used,
        "posts": result.stats.count,
    }


def measure(
    ports: list[int],
    *,
    people: int,
    runs: int,
    label: str = "rush",
    servers: list[int] = (),
    p99_is_target: bool = True,
) -> list[Row]:
    """The rows of ``runs`` rushes; with ``p99_is_target`` off the p99 is for information
    (the scale-out run, where the workers send the emails on the same cores meanwhile)."""
    from .__main__ import say

    results = []
    for number in range(1, runs + 1):
        results.append(one_run(ports, people=people, meter=cpu.Meter(web=list(servers))))
        last = results[-1]
        say(
            f"{label}: run {number}/{runs}: {last['confirmed']} confirmed, "
            f"{last['waiting']} waiting, p99 {ms(last['p99'])}, {last['rate']:.0f} POSTs/s"
        )
    exact = sum(r["exact"] for r in results)
    errors = sum(r["server_errors"] for r in results)
    under = sum(r["p99"] < P99_LIMIT for r in results)
    worst = max(r["p99"] for r in results)
    spread = f"{len(ports)} servers, " if len(ports) > 1 else ""
    return [
        Row(
            f"{label}: {people} registrations on {CAPACITY} seats, {CONNECTIONS} connections",
            f"exact in {exact} of {runs} runs",
            f"{runs} of {runs}",
            "-",
            exact == runs,
            f"{spread}confirmed per run: "
            + " ".join(str(r["confirmed"]) for r in results)
            + f"; {sum(r['resubmitted'] for r in results)} resubmitted with the waiting-list box",
        ),
        Row(
            f"{label}: server errors",
            str(errors),
            "0",
            "-",
            errors == 0,
            "5xx and connection errors, all runs",
        ),
        Row(
            f"{label}: POST p99 < {ms(P99_LIMIT)}",
            f"{under} of {runs} runs",
            f"{runs} of {runs}" if p99_is_target else "-",
            f"worst {worst / P99_LIMIT:.2f} x limit",
            under == runs or not p99_is_target,
            f"p99 worst {ms(worst)}, median {ms(median([r['p99'] for r in results]))}; "
            f"p50 median {ms(median([r['p50'] for r in results]))}; "
            f"{median([r['rate'] for r in results]):.0f} POSTs/s (median); "
            + cpu.per_request(_summed(r["cpu"] for r in results), sum(r["posts"] for r in results)),
        ),
    ]


def _summed(readings) -> dict[str, float]:
    total: dict[str, float] = {}
    for reading in readings:
        for name, seconds in reading.items():
            total[name] = total.get(name, 0.0) + seconds
    return total
