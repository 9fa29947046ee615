"""Email: a real Celery worker drains outbox rows to an SMTP server on loopback, against a bare
smtplib loop sending the same messages over one connection. Runs inside ``python -m bench``
(Django set up on bench.settings)."""

from __future__ import annotations

import smtplib
import time
from dataclasses import dataclass
from email.utils import make_msgid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from harassment_portal import encryption, mail
from harassment_portal.models import OutboxEmail

from . import server

SAMPLE_TEMPLATES = ("seminars/emails/confirmation", "consultations/emails/confirmation")
MARK = "bench-drain"


@dataclass
class DrainResult:
    emails: int
    bare_seconds: float
    worker_seconds: float
    worker_concurrency: int
    sent: int
    failed: int

    @property
    def bare_rate(self) -> float:
        return self.emails / self.bare_seconds

    @property
    def worker_rate(self) -> float:
        return self.sent / self.worker_seconds if self.worker_seconds else 0.0


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
        rendered = mail.render_email("emails/test_message", {}, language="ja")
        samples.append(
            OutboxEmail(
                template="emails/test_message",
                language="ja",
                subject=rendered.subject,
                body_text=rendered.text,
                body_html=rendered.html,
                attachments=[],
            )
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
                next_attempt_at=now + mail.FIRST_SWEEP_AFTER,
                object_id=MARK,
            )
        )
    created = OutboxEmail.objects.bulk_create(rows, batch_size=1000)
    return [row.pk for row in created]


def bare_loop(ids: list[int], port: int) -> float:
    """Seconds for smtplib to send the same messages over one connection (built beforehand)."""
    messages = [
        (email.to_email, mail._build_message(email).message().as_bytes(linesep="\r\n"))
        for email in OutboxEmail.objects.filter(pk__in=ids).order_by("pk")
    ]
    sender = settings.DEFAULT_FROM_EMAIL
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for to, message in messages:
            smtp.sendmail(sender, [to], message)
    return time.perf_counter() - started


def drain(*, count: int, smtp_port: int, concurrency: int, logs: Path) -> DrainResult:
    from harassment_portal.tasks import send_email

    warmup = create_rows(concurrency * 2)
    ids = create_rows(count)
    bare = bare_loop(ids, smtp_port)

    server.flush_redis(settings.CELERY_BROKER_URL)
    env = server.bench_env(EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}")
    worker = server.Process(
        [
            str(server.BIN / "celery"),
            "-A",
            "harassment_portal",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        log=logs / "celery-worker.log",
    )
    try:
        for pk in warmup:
            send_email.delay(pk)
        _wait_sent(warmup, worker, timeout=60)
        started = time.perf_counter()
        for pk in ids:
            send_email.delay(pk)
        _wait_sent(ids, worker, timeout=600)
        elapsed = time.perf_counter() - started
    finally:
        worker.stop()
    rows = OutboxEmail.objects.filter(pk__range=(min(ids), max(ids)))
    return DrainResult(
        emails=count,
        bare_seconds=bare,
        worker_seconds=elapsed,
        worker_concurrency=concurrency,
        sent=rows.filter(status=OutboxEmail.Status.SENT).count(),
        failed=rows.exclude(status=OutboxEmail.Status.SENT).count(),
    )


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
