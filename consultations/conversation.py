"""The person's side of a consultation after it was sent: their case page's messages.

A message on a consultation still waiting for the desk joins it. On one answered, referred or
closed within ``CONSULTATION_REOPEN_DAYS``, it reopens the consultation: back in progress, in
its consultant's queue, with a new reply deadline. Later than that, it starts a new
consultation linked to the old one (``follow_up_of``), with its own reference and link.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import business_days

from . import services
from .models import (
    DISCARDED,
    SUBMITTED_FIELDS,
    WAITING_STATUSES,
    WORKFLOW,
    Consultation,
    ConsultationMessage,
    ReplyState,
    Status,
)


@dataclasses.dataclass(frozen=True)
class Sent:
    message: ConsultationMessage
    reopened: bool = False
    new_consultation: Consultation | None = None  # the follow-up, after the reopening period


def answered_since(consultation: Consultation) -> dt.datetime:
    """When the consultation reached its present answered, referred or closed status (its
    last change, for one moved there without a history line)."""
    event = consultation.events.filter(to_status=consultation.status).order_by("-at").first()
    return event.at if event else consultation.updated_at


def may_reopen(consultation: Consultation, *, now: dt.datetime) -> bool:
    return now - answered_since(consultation) <= dt.timedelta(
        days=settings.CONSULTATION_REOPEN_DAYS
    )


@transaction.atomic
def add_message(consultation: Consultation, body: str, *, now: dt.datetime | None = None) -> Sent:
    now = now or timezone.now()
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    body = body.strip()
    if not body:
        raise ValidationError(_("Write your message."), code="empty")
    if len(body) > settings.CONSULTATION_MESSAGE_MAX:
        raise ValidationError(
            _("Shorten your message to %(max)s characters or fewer.")
            % {"max": settings.CONSULTATION_MESSAGE_MAX},
            code="too_long",
        )
    if locked.anonymised_at or locked.status in DISCARDED:
        raise ValidationError(_("This consultation can no longer take messages."), code="gone")

    if locked.status in WAITING_STATUSES:
        message = _keep(locked, body)
        return Sent(message)
    if may_reopen(locked, now=now):
        message = _keep(locked, body)
        received = business_days.received_on(now)
        WORKFLOW.move(
            locked,
            Status.IN_PROGRESS,
            by=None,
            action="reopened",
            reply_due_on=business_days.add_business_days(
                received, settings.CONSULTATION_REPLY_TARGET_DAYS
            ),
            reply_expected_from=business_days.add_business_days(received, 1),
            closed_at=None,
        )
        return Sent(message, reopened=True)
    return Sent(_keep(locked, body), new_consultation=_follow_up(locked, body, now=now))


def _keep(consultation: Consultation, body: str) -> ConsultationMessage:
    message = ConsultationMessage.objects.create(consultation=consultation, body=body)
    services.note_in_history(consultation, "message_received")
    return message


def _follow_up(old: Consultation, body: str, *, now: dt.datetime) -> Consultation:
    """A new consultation from the old one's person, with the message as its account."""
    data = {name: getattr(old, name) for name in SUBMITTED_FIELDS}
    data["details"] = body
    data["tried_so_far"] = ""
    consultation, _created = services.submit_consultation(
        data, submission_key=uuid.uuid4(), language=old.language, now=now
    )
    Consultation.objects.filter(pk=consultation.pk).update(follow_up_of=old)
    consultation.follow_up_of = old
    return consultation


def conversation(consultation: Consultation) -> list[dict]:
    """What the case page shows, oldest first: the person's account, the desk's replies and
    the person's messages (not the desk's internal notes or call summaries)."""
    entries = [{"at": consultation.received_at, "from_desk": False, "text": consultation.details}]
    entries += [
        {"at": reply.at, "from_desk": True, "text": reply.body}
        for reply in consultation.replies.all()
        if reply.state == ReplyState.SENT  # (a draft waiting for approval is not sent yet)
    ]
    entries += [
        {"at": message.at, "from_desk": False, "text": message.body}
        for message in consultation.messages.all()
    ]
    if consultation.status == Status.OUT_OF_SCOPE and consultation.referral:
        entries.append(
            {"at": answered_since(consultation), "from_desk": True, "text": consultation.referral}
        )
    return sorted(entries, key=lambda entry: entry["at"])
