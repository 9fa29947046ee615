"""The one way the portal builds, stores and sends an email: the outbox.

``queue_email`` renders a template triple (``<name>.subject.txt``, ``<name>.txt``,
``<name>.html``) in the recipient's language and stores it as an ``OutboxEmail`` row inside the
caller's transaction; once that transaction commits, a ``send_email`` task is queued with the
row's id. ``deliver`` (the task body) locks the row, sends it once, and records success or the
failure with a back-off. ``requeue_due`` (a beat job, every minute) queues again the rows whose
time has come, so a broker or SMTP outage delays mail but never loses it.

Log lines carry row ids and exception classes only: never an address, subject or body.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutboxEmail

logger = logging.getLogger(__name__)

# The normal path sends within seconds; a row still pending after this is queued again.
FIRST_SWEEP_AFTER = dt.timedelta(seconds=60)
# After the sweeper queues a row it waits this long before queueing it again.
SWEEP_LEASE = dt.timedelta(minutes=5)
SWEEP_BATCH = 500


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(template: str, context: dict[str, Any], *, language: str) -> RenderedEmail:
    """Render ``template``'s subject, text and HTML parts in ``language``."""
    context = {
        "site_url": settings.SITE_URL,
        "office_email": settings.OFFICE_EMAIL,
        "office_phone": settings.OFFICE_PHONE,
        **context,
    }
    with translation.override(language):
        subject = render_to_string(f"{template}.subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    # A subject is one line: no header injection, no stray template whitespace.
    subject = re.sub(r"\s+", " ", subject).strip()
    return RenderedEmail(subject=subject, text=text.strip() + "\n", html=html)


def queue_email(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str,
    about: models.Model | None = None,
    attachments: list[dict[str, str]] | None = None,
) -> OutboxEmail:
    """Store an email for ``to`` in the current transaction; it is sent after commit.

    ``attachments`` are text files: ``{"filename": ..., "content": ..., "mimetype": ...}``.
    """
    rendered = render_email(template, context, language=language)
    return _store(
        to_email=to,
        language=language,
        template=template,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        attachments=attachments or [],
        content_type=ContentType.objects.get_for_model(about) if about is not None else None,
        object_id=str(about.pk) if about is not None else "",
    )


def _store(**fields: Any) -> OutboxEmail:
    """Create a pending row with a fresh Message-ID; queue it once the transaction commits."""
    now = timezone.now()
    email = OutboxEmail.objects.create(
        **fields,
        message_id=make_msgid(domain=_message_id_domain()),
        created_at=now,
        next_attempt_at=now + FIRST_SWEEP_AFTER,
    )
    transaction.on_commit(lambda: enqueue(email.pk))
    return email


def enqueue(outbox_id: int) -> bool:
    """Queue the send task; if the broker is unreachable, leave the row to the sweeper."""
    from .tasks import send_email

    try:
        send_email.delay(outbox_id)
    except Exception as exc:  # the broker is down: the sweeper will queue the row again
        logger.warning(
            "outbox email %s not queued (%s); the sweeper will retry", outbox_id, type(exc).__name__
        )
        return False
    return True


# An SMTP error may quote the addresses it refused; staff see the error without them.
ADDRESS = re.compile(r"[^\s<>'\"(),;:\[\]]+@[^\s<>'\"(),;:\[\]]+")


def describe_failure(exc: Exception) -> str:
    return ADDRESS.sub("[address]", f"{type(exc).__name__}: {exc}")[:2000]


def retry_delay(attempts: int) -> dt.timedelta:
    """Back-off after the ``attempts``-th failure: 1, 2, 4 ... minutes, at most an hour."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def deliver(outbox_id: int) -> str:
    """Send one outbox row at most once; return what happened (for logs and tests)."""
    with transaction.atomic():
        email = OutboxEmail.objects.select_for_update(skip_locked=True).filter(pk=outbox_id).first()
        if email is None:
            return "locked-or-missing"
        if email.status != OutboxEmail.Status.PENDING:
            return f"already-{email.status}"
        now = timezone.now()
        email.attempts += 1
        email.last_attempt_at = now
        try:
            _build_message(email).send()
        except Exception as exc:  # SMTP refused, timed out, DNS...: record and back off
            email.last_error = describe_failure(exc)
            if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                email.status = OutboxEmail.Status.FAILED
            email.next_attempt_at = now + retry_delay(email.attempts)
            email.save(
                update_fields=[
                    "attempts",
                    "last_attempt_at",
                    "last_error",
                    "status",
                    "next_attempt_at",
                ]
            )
            logger.warning(
                "outbox email %s failed on attempt %s (%s)",
                outbox_id,
                email.attempts,
                type(exc).__name__,
            )
            return "failed"
        email.status = OutboxEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "last_attempt_at", "status", "sent_at", "last_error"])
    logger.info("outbox email %s sent", outbox_id)
    return "sent"


def requeue_due(*, now: dt.datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Queue again the pending rows whose ``next_attempt_at`` has passed; return how many."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            OutboxEmail.objects.due(now=now)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        OutboxEmail.objects.filter(pk__in=ids).update(next_attempt_at=now + SWEEP_LEASE)
        for outbox_id in ids:
            transaction.on_commit(lambda outbox_id=outbox_id: enqueue(outbox_id))
    return len(ids)


def resend(email: OutboxEmail) -> OutboxEmail:
    """Send a row again, as a new row (staff action): a sent email stays on the record."""
    copied = [
        "to_email",
        "language",
        "template",
        "subject",
        "body_text",
        "body_html",
        "attachments",
        "content_type",
        "object_id",
    ]
    with transaction.atomic():
        return _store(**{name: getattr(email, name) for name in copied})


def retry_now(email: OutboxEmail) -> None:
    """Put a failed or pending row back in the queue at once (staff action)."""
    with transaction.atomic():
        OutboxEmail.objects.filter(pk=email.pk).exclude(status=OutboxEmail.Status.SENT).update(
            status=OutboxEmail.Status.PENDING, next_attempt_at=timezone.now() + FIRST_SWEEP_AFTER
        )
        transaction.on_commit(lambda: enqueue(email.pk))


def _message_id_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">").strip() or "localhost"


def _build_message(email: OutboxEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_email],
        headers={"Message-ID": email.message_id, "Auto-Submitted": "auto-generated"},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message
