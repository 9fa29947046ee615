"""Every write to a consultation: the public submission and each move the office makes."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import business_days
from core.jobs import claim_daily_run
from core.workflow import submit_once
from mail import outbox

from . import access, emails
from .models import (
    DISCARDED,
    STAFF_INTAKES,
    SUBMITTED_FIELDS,
    TRANSITIONS,
    WORKFLOW,
    Consultation,
    ConsultationCall,
    ConsultationEvent,
    ConsultationNote,
    ConsultationOpening,
    ConsultationReply,
    Intake,
    ReplyState,
    Status,
)

APPROVE_REPLY = "consultations.approve_reply"


def submit_consultation(
    data: dict[str, Any],
    *,
    submission_key: uuid.UUID,
    language: str,
    now: dt.datetime | None = None,
) -> tuple[Consultation, bool]:
    """Store a consultation and queue its confirmation; return it and whether it is new.

    A submission whose key was seen before returns the stored consultation (double click,
    reload, back and resubmit).
    """
    now = now or timezone.now()

    def create(reference: str) -> Consultation:
        consultation = _create(data, reference, submission_key, language, received_at=now)
        ConsultationEvent.objects.create(
            consultation=consultation, action="submitted", to_status=Status.RECEIVED
        )
        emails.queue_confirmation(consultation)
        return consultation

    return submit_once(Consultation, submission_key=submission_key, prefix="C", create=create)


def record_intake(
    data: dict[str, Any],
    *,
    intake: str,
    received_at: dt.datetime,
    by: AbstractBaseUser,
    submission_key: uuid.UUID,
    language: str,
    minutes: int | None = None,
    send_confirmation: bool = False,
) -> tuple[Consultation, bool]:
    """A consultation by phone, in person, by letter or by email, recorded by the staff member
    who took it: the same reference, deadlines (from when it was received) and history as a
    web consultation, counted by how it came in, and assigned to that staff member. The
    person may stay anonymous; a confirmation goes out only if asked and an address is given.
    """
    if intake not in STAFF_INTAKES:
        raise ValidationError(_("Choose how the consultation reached the desk."), code="intake")
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        message = _("Enter a time that has passed: when the desk received it.")
        raise ValidationError({"received_at": ValidationError(message, code="future")})
    if send_confirmation and not data.get("email"):
        message = _("Enter the person's email address, or do not send a confirmation.")
        raise ValidationError({"email": ValidationError(message, code="no_email")})

    def create(reference: str) -> Consultation:
        consultation = _create(
            data,
            reference,
            submission_key,
            language,
            received_at=received_at,
            intake=intake,
            call_minutes=minutes,
            recorded_by=by,
        )
        ConsultationEvent.objects.create(
            consultation=consultation,
            by=by,
            action="recorded",
            to_status=Status.RECEIVED,
            note=Intake(intake).label,
        )
        if send_confirmation:
            emails.queue_confirmation(consultation)
        return consultation

    consultation, created = submit_once(
        Consultation, submission_key=submission_key, prefix="C", create=create
    )
    if created and access.may_assign(by, consultation, by):
        consultation = assign_consultation(consultation, to=by, by=by)
    return consultation, created


def _create(data, reference, submission_key, language, *, received_at, **extra) -> Consultation:
    closures = business_days.office_closures()  # read once for the three dates below
    received = business_days.received_on(received_at, closures=closures)
    fields = {name: data[name] for name in SUBMITTED_FIELDS if name in data}
    return Consultation.objects.create(
        **fields,
        **extra,
        reference=reference,
        token=secrets.token_urlsafe(32),
        submission_key=submission_key,
        language=language,
        received_at=received_at,
        received_on=received,
        reply_expected_from=business_days.add_business_days(received, 1, closures=closures),
        reply_due_on=business_days.add_business_days(
            received, settings.CONSULTATION_REPLY_TARGET_DAYS, closures=closures
        ),
        consented_at=received_at,
    )


@transaction.atomic
def assign_consultation(
    consultation: Consultation, *, to: AbstractBaseUser, by: AbstractBaseUser
) -> Consultation:
    """Give the consultation to a consultant; a new one starts being worked on."""
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not access.may_assign(by, locked, to):
        raise ValidationError(
            _(
                "Only a desk lead can assign a consultation to someone else or take over one "
                "another consultant has."
            ),
            code="need_to_know",
        )
    if locked.assigned_to_id == to.pk:
        return locked
    if locked.status == Status.CLOSED or locked.status in DISCARDED:
        raise ValidationError(
            _("A closed consultation, spam or a duplicate cannot be assigned."), code="closed"
        )
    target = Status.IN_PROGRESS if locked.status == Status.RECEIVED else locked.status
    note = _("Assigned to %(name)s") % {"name": to.get_username()}
    return WORKFLOW.move(
        locked, target, by=by, action="assigned", note=note, assigned_to=to, allow_same=True
    )


@transaction.atomic
def request_call(
    consultation: Consultation, *, by: AbstractBaseUser, note: str = ""
) -> Consultation:
    """The office will phone the person (the desk may call, depending on the content)."""
    if not consultation.phone:
        raise ValidationError(_("The person gave no phone number."), code="no_phone")
    return WORKFLOW.move(
        consultation, Status.AWAITING_CALL, by=by, action="call_planned", note=note
    )


@transaction.atomic
def record_call(
    consultation: Consultation, *, by: AbstractBaseUser, reached: bool, summary: str
) -> Consultation:
    """Log a call. A call that reached the person answers the consultation."""
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    ConsultationCall.objects.create(consultation=locked, by=by, reached=reached, summary=summary)
    if not reached:
        note_in_history(locked, "call_unanswered", by=by, note=summary)
        return locked
    return _answer(locked, by=by, action="call_answered", note=summary)


def note_in_history(consultation: Consultation, action: str, *, by=None, note: str = "") -> None:
    """A line of the history that moves no status (a call unanswered, a draft, a message)."""
    ConsultationEvent.objects.create(
        consultation=consultation,
        by=by,
        action=action,
        from_status=consultation.status,
        to_status=consultation.status,
        note=note,
    )


def needs_second_look(user: AbstractBaseUser) -> bool:
    """With CONSULTATION_REPLY_APPROVAL on, a reply by someone who may not approve replies
    waits for someone who may (a desk lead)."""
    return settings.CONSULTATION_REPLY_APPROVAL and not user.has_perm(APPROVE_REPLY)


@transaction.atomic
def send_reply(consultation: Consultation, *, by: AbstractBaseUser, body: str) -> ConsultationReply:
    """Email a reply to the person in their language and keep it on the record; or, when it
    needs a second look, keep it as a draft for approval (nothing is sent yet)."""
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not locked.email:
        raise ValidationError(
            _("The person gave no email address: record a phone call instead."), code="no_email"
        )
    if Status.ANSWERED not in TRANSITIONS[locked.status] and locked.status != Status.ANSWERED:
        raise ValidationError(
            _("Assign the consultation before replying."), code="invalid_transition"
        )
    if pending_reply(locked):
        raise ValidationError(
            _("A reply is already waiting for approval: approve it or send it back first."),
            code="pending",
        )
    if needs_second_look(by):
        reply = ConsultationReply.objects.create(
            consultation=locked, by=by, body=body, state=ReplyState.PENDING
        )
        note_in_history(locked, "reply_drafted", by=by)
        return reply
    reply = ConsultationReply.objects.create(consultation=locked, by=by, body=body)
    _answer(locked, by=by, action="replied")
    emails.queue_reply(locked, reply)
    return reply


def pending_reply(consultation: Consultation) -> ConsultationReply | None:
    return consultation.replies.filter(state=ReplyState.PENDING).first()


@transaction.atomic
def decide_reply(
    consultation: Consultation, *, by: AbstractBaseUser, approve: bool, note: str = ""
) -> ConsultationReply:
    """A desk lead's second look at the draft: approve it (it is emailed and answers the
    consultation) or send it back to its author with a note. Not one's own draft."""
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    reply = pending_reply(locked)
    if reply is None:
        raise ValidationError(_("No reply is waiting for approval."), code="none_pending")
    if not by.has_perm(APPROVE_REPLY):
        raise ValidationError(_("Only a desk lead can approve a reply."), code="need_to_know")
    if reply.by_id == by.pk:
        raise ValidationError(
            _("A second look is someone else's: ask another desk lead."), code="own_draft"
        )
    if not approve and not note.strip():
        raise ValidationError({"note": ValidationError(_("Say what to change."), code="no_note")})
    reply.decided_by, reply.decided_at = by, timezone.now()
    if not approve:
        reply.state, reply.return_note = ReplyState.RETURNED, note
        reply.save(update_fields=["state", "return_note", "decided_by", "decided_at"])
        note_in_history(locked, "reply_returned", by=by, note=note)
        return reply
    reply.state = ReplyState.SENT
    reply.save(update_fields=["state", "decided_by", "decided_at"])
    _answer(locked, by=by, action="reply_approved", note=note)
    emails.queue_reply(locked, reply)
    return reply


def _answer(locked: Consultation, *, by, action: str, note: str = "") -> Consultation:
    changes = {} if locked.first_response_at else {"first_response_at": timezone.now()}
    # A follow-up reply or call keeps the consultation answered.
    return WORKFLOW.move(
        locked, Status.ANSWERED, by=by, action=action, note=note, allow_same=True, **changes
    )


@transaction.atomic
def mark_out_of_scope(
    consultation: Consultation, *, by: AbstractBaseUser, referral: str
) -> Consultation:
    """The desk cannot help with this; tell the person where to turn instead."""
    changes = {"referral": referral}
    if not consultation.first_response_at:
        changes["first_response_at"] = timezone.now()
    moved = WORKFLOW.move(
        consultation, Status.OUT_OF_SCOPE, by=by, action="out_of_scope", note=referral, **changes
    )
    if moved.email:  # (a consultation by phone may have none: the referral was said there)
        emails.queue_referral(moved)
    return moved


@transaction.atomic
def close_consultation(
    consultation: Consultation, *, by: AbstractBaseUser, note: str = ""
) -> Consultation:
    return WORKFLOW.move(
        consultation, Status.CLOSED, by=by, action="closed", note=note, closed_at=timezone.now()
    )


@transaction.atomic
def add_note(consultation: Consultation, *, by: AbstractBaseUser, text: str) -> ConsultationNote:
    return ConsultationNote.objects.create(consultation=consultation, by=by, text=text)


@transaction.atomic
def correct_contact(
    consultation: Consultation, *, by: AbstractBaseUser, email: str, phone: str, reason: str
) -> Consultation:
    """Correct a mistyped email address or phone number; the reason goes in the history (the
    old and new values stay in the encrypted change history, not in the note)."""
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if locked.anonymised_at:
        raise ValidationError(_("This consultation's personal data has been removed."))
    changed = [
        name
        for name, value in (("email", email), ("phone", phone))
        if value != getattr(locked, name)
    ]
    if not changed:
        raise ValidationError(_("Nothing was changed."), code="unchanged")
    for name in changed:
        setattr(locked, name, {"email": email, "phone": phone}[name])
    locked.save(update_fields=[*changed, "updated_at"])
    labels = {"email": _("email address"), "phone": _("phone number")}
    note_in_history(
        locked,
        "contact_corrected",
        by=by,
        note=_("%(fields)s: %(reason)s")
        % {
            "fields": pgettext("list separator", ", ").join(str(labels[n]) for n in changed),
            "reason": reason,
        },
    )
    return locked


@transaction.atomic
def mark_spam(consultation: Consultation, *, by: AbstractBaseUser, reason: str) -> Consultation:
    """Not a consultation: out of the figures; the next retention run removes its data."""
    return WORKFLOW.move(consultation, Status.SPAM, by=by, action="marked_spam", note=reason)


@transaction.atomic
def mark_duplicate(
    consultation: Consultation, *, of: Consultation, by: AbstractBaseUser
) -> Consultation:
    """The same consultation sent twice: the first keeps the account, this one is left out of
    the figures and loses its data at the next retention run."""
    if of.pk == consultation.pk or of.status in DISCARDED:
        raise ValidationError(
            _("Choose the consultation this one repeats: another one, not spam or a duplicate."),
            code="duplicate_of",
        )
    return WORKFLOW.move(
        consultation,
        Status.DUPLICATE,
        by=by,
        action="marked_duplicate",
        note=of.reference,
        duplicate_of=of,
    )


def record_opening(consultation: Consultation, *, by: AbstractBaseUser) -> None:
    """Someone opened the consultation's page: kept for the supervisors (DOMAIN.md 5.1)."""
    ConsultationOpening.objects.create(consultation=consultation, by=by)


@transaction.atomic
def send_due_digest(*, today: dt.date) -> int:
    """Email the office the consultations due today and overdue, once per business day.

    Returns how many consultations the digest listed (0 when nothing was sent).
    """
    if not business_days.is_business_day(today):
        return 0
    overdue = list(Consultation.objects.overdue(on=today).select_related("assigned_to"))
    due = list(Consultation.objects.due(on=today).select_related("assigned_to"))
    if not (overdue or due):
        return 0
    if not claim_daily_run("consultations.due_digest", today):
        return 0
    outbox.queue_email(
        to=settings.OFFICE_EMAIL,
        template="consultations/emails/due_digest",
        context={"today": today, "overdue": overdue, "due": due, "total": len(overdue) + len(due)},
        language=settings.LANGUAGE_CODE,
    )
    return len(overdue) + len(due)
