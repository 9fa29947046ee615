"""Email: a real Celery worker drains outbox rows to an SMTP server on loopback, against a bare
smtplib loop sending the same messages over one connection. Runs inside ``python -m bench``
(Django set up on bench.settings).

The rows are queued as the portal queues a backlog: ``tasks.enqueue`` with all their ids, one
task per ``tasks.SEND_CHUNK`` rows (what the sweeper does after an outage, and what a job that
stores many emails in one transaction does on commit). For information, the same number of
rows is then drained with one task per row, as a burst of separate one-email transactions
(a registration rush) would queue them."""

from __future__ import annotations

import smtplib
import time
from dataclasses import dataclass
from email.utils import make_msgid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from core import encryption
from mail import mime, outbox, tasks
from mail.models import OutboxEmail

from . import server

SAMPLE_TEMPLATES = ("seminars/emails/confirmation", "consultations/emails/confirmation")
MARK = "bench-drain"


@dataclass
class DrainResult:
    emails: int
    bare_seconds: float
    worker_seconds: float
    one_per_task_seconds: float
    worker_concurrency: int
    sent: int
    failed: int

    @property
    def bare_rate(self) -> float:
        return self.emails / self.bare_seconds

    @property
    def worker_rate(self) -> float:
        return self.sent / self.worker_seconds if self.worker_seconds else 0.0

    @property
    def one_per_task_rate(self) -> float:
        return self.emails / self.one_per_task_seconds if self.one_per_task_seconds else 0.0


def _samples() -> list[OutboxEmail]:
    """Real rendered emails from the HTTP phase (a seat confirmation with its .ics, a
    consultation confirmation), else the test email."""
    samples = []
    for template in SAMPLE_TEMPLATES:
        row = OutboxEmail.objects.filter(template=template).exclude(attachments=[]).first()
        row = row or OutboxEmail.objects.filter(template=template).first()
        if row:
            samples.append(row)
    if not samples:
        samples.append(
            outbox.render_email("emails/test_message", {}, to="sample@example.jp", language="ja")
        )
    return samples


def create_rows(count: int) -> list[int]:
    samples = _samples()
    now = timezone.now()
    rows = []
    for index in range(count):
        sample = samples[index % len(samples)]
        to = f"drain{index}@example.jp"
        rows.append(
            OutboxEmail(
                created_at=now,
                to_email=to,
                to_email_index=encryption.blind_index(to),
                language=sample.language,
                template=sample.template,
                subject=sample.subject,
                body_text=sample.body_text,
                body_html=sample.body_html,
                attachments=sample.attachments,
                message_id=make_msgid(domain="portal.example.jp"),
                next_attempt_at=now + outbox.FIRST_SWEEP_AFTER,
                object_id=MARK,
            )
        )
    created = OutboxEmail.objects.bulk_create(rows, batch_size=1000)
    return [row.pk for row in created]


def bare_loop(ids: list[int], port: int) -> float:
    """Seconds for smtplib to send the same messages over one connection (built beforehand)."""
    messages = [
        (email.to_email, mime.build_message(email).message().as_bytes(linesep="\r\n"))
        for email in OutboxEmail.objects.filter(pk__in=ids).order_by("pk")
    ]
    sender = settings.DEFAULT_FROM_EMAIL
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for to, message in messages:
            smtp.sendmail(sender, [to], message)
    return time.perf_counter() - started


def drain(*, count: int, smtp_port: int, concurrency: int, logs: Path) -> DrainResult:
    warmup = create_rows(concurrency * 2)
    ids = create_rows(count)
    one_per_task = create_rows(count)
    bare = bare_loop(ids, smtp_port)

    server.flush_redis(settings.CELERY_BROKER_URL)
    env = server.bench_env(EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}")
    worker = server.start_celery(env=env, log=logs / "celery-worker.log", concurrency=concurrency)
    try:
        for pk in warmup:
            _enqueue(pk)
        _wait_sent(warmup, worker, timeout=60)
        started = time.perf_counter()
        _enqueue(*ids)
        _wait_sent(ids, worker, timeout=600)
        elapsed = time.perf_counter() - started
        started = time.perf_counter()
        for pk in one_per_task:
            _enqueue(pk)
        _wait_sent(one_per_task, worker, timeout=600)
        one_per_task_elapsed = time.perf_counter() - started
    finally:
        worker.stop()
    rows = OutboxEmail.objects.filter(pk__range=(min(ids), max(ids)))
    result = DrainResult(
        emails=count,
        bare_seconds=bare,
        worker_seconds=elapsed,
        one_per_task_seconds=one_per_task_elapsed,
        worker_concurrency=concurrency,
        sent=rows.filter(status=OutboxEmail.Status.SENT).count(),
        failed=rows.exclude(status=OutboxEmail.Status.SENT).count(),
    )
    print(  # noqa: T201  (for information; the target is on the backlog above)
        f"[bench] Email: {result.worker_rate:.0f}/s queued as a backlog, "
        f"{result.one_per_task_rate:.0f}/s with one task per row, "
        f"bare smtplib {result.bare_rate:.0f}/s",
        flush=True,
    )
    return result


def _enqueue(*ids: int) -> None:
    if not tasks.enqueue(*ids):
        raise SystemExit("the bench could not queue the send tasks on Redis")


def _wait_sent(ids: list[int], worker: server.Process, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    rows = OutboxEmail.objects.filter(pk__range=(min(ids), max(ids)))
    while time.monotonic() < deadline:
        if not worker.alive():
            raise SystemExit(f"the Celery worker exited; see {worker.log}")
        if not rows.filter(status=OutboxEmail.Status.PENDING, attempts=0).exists():
            return
        time.sleep(0.05)
    raise SystemExit(f"the worker did not drain {len(ids)} emails in {timeout} s")
