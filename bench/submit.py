"""The consultation submit end to end, as in production: wrk sends the "check your answers"
POSTs at 16 connections while a Celery worker drains the outbox to the SMTP sink.

A submit needs a draft of its own (a session holding a person's answers), which wrk cannot
create and replay in one script; so each round first stores the drafts with the Python
generator (not timed, the worker idle), then wrk submits each once. The CPU each process used
during the timed phase is read from /proc and shown per submit: web, PostgreSQL, Redis, the
worker, the SMTP sink (another machine in production) and wrk.
"""

from __future__ import annotations

import time

from . import cpu, web, wrk
from .loadgen import median
from .pages import CONNECTIONS, Measurer, Series, p99_row, ratio_row
from .report import Row

TARGET = 0.08
P99_LIMIT = 0.200
FIRST_GUESS = 400  # submits per second, to prepare enough drafts for the first round


def measure(port: int, profile, *, gunicorn_pid: int, worker, sink) -> list[Row]:
    from consultations.models import Consultation
    from mail.models import OutboxEmail

    from .__main__ import say

    meter = Measurer([port], profile.seconds)
    series = Series()
    used_total: dict[str, float] = {}
    consultations_before = Consultation.objects.count()
    outbox_before = OutboxEmail.objects.count()
    expected_rate = FIRST_GUESS
    # Every worker's first submission loads what only a submission uses: warm them first.
    warm_tokens, warm = web.run(web.prepare_drafts(port, count=64, connections=CONNECTIONS))
    wrk.run(
        _submits(warm_tokens, warm),
        ports=[port],
        connections=CONNECTIONS,
        duration=5,
        may_run_out=True,
    )
    for number in range(1, profile.rounds + 1):
        count = int(expected_rate * profile.seconds * 1.6) + 100
        say(f"Submit: round {number}/{profile.rounds}, {count} drafts, then wrk with the worker")
        tokens, sessions = web.run(web.prepare_drafts(port, count=count, connections=CONNECTIONS))
        wait_drained(timeout=120)
        series.references.append(meter.reference())
        meter_cpu = cpu.Meter(web=gunicorn_pid, worker=worker.pid, **{"smtp sink": sink.pid})
        meter_cpu.start()
        stats = meter.send(_submits(tokens, sessions))
        used = meter_cpu.stop()
        series.runs.append(stats)
        for name, seconds in used.items():
            used_total[name] = used_total.get(name, 0.0) + seconds
        expected_rate = max(stats.rate, 50)
    time.sleep(2)  # the submits in flight when wrk stopped: answered and committed by now
    drained = wait_drained(timeout=300)
    submitted = sum(run.count for run in series.runs) + len(warm)
    stored = Consultation.objects.count() - consultations_before
    emails = OutboxEmail.objects.count() - outbox_before
    sent = OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count()
    pending = OutboxEmail.objects.exclude(status=OutboxEmail.Status.SENT).count()
    label = "consultation submit (insert, outbox row; worker sending)"
    split = cpu.per_request(used_total, sum(run.count for run in series.runs))
    return [
        ratio_row(label, series, TARGET, "the worker drains the outbox in the same run"),
        p99_row(label, series.p99(), P99_LIMIT, CONNECTIONS, split),
        Row(
            "consultation submits stored and sent",
            f"{stored} stored, {emails} emails",
            f"{submitted} answered (+ <= 16 in flight per run), all sent",
            "-",
            # wrk stops with up to one request per connection unanswered: stored, not counted.
            submitted <= stored <= submitted + CONNECTIONS * (profile.rounds + 1)
            and emails == stored
            and pending == 0
            and drained,
            f"{sent} outbox rows sent by the worker, {pending} not sent; "
            f"wrk counts answers other than 2xx/3xx as failures "
            f"({series.failures()} seen); median {median([r.rate for r in series.runs]):.0f}/s",
        ),
    ]


def _submits(tokens: web.FormTokens, sessions: list[str]) -> list[wrk.Request]:
    return [
        wrk.Request(
            "POST",
            "/ja/consultation/check/",
            cookies={"csrftoken": tokens.csrf, "sessionid": session},
            form={"csrfmiddlewaretoken": tokens.csrf},
        )
        for session in sessions
    ]


def wait_drained(*, timeout: float) -> bool:
    """Wait until the worker has sent every outbox row (True), or ``timeout`` seconds."""
    from mail.models import OutboxEmail

    deadline = time.monotonic() + timeout
    pending = OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING)
    while time.monotonic() < deadline:
        if not pending.exists():
            return True
        time.sleep(0.1)
    return False
