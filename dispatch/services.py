"""Every write to a dispatch application, its deadlines, expert matching and visits."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import business_days, corporate_number
from core.corporate_number import validate_corporate_number
from core.workflow import submit_once

from . import date_rules as rules
from . import emails
from .models import (
    ACTIVE_STATUSES,
    CONTACT_WITHIN,
    DEADLINES,
    DECIDE_WITHIN,
    MAX_VISITS,
    SUBMITTED_FIELDS,
    WORKFLOW,
    Completion,
    DeadlineAlert,
    DispatchApplication,
    DispatchEvent,
    DispatchVisit,
    Expert,
    Specialism,
    Status,
    Support,
    VisitStatus,
)


def fiscal_year_of(day: dt.date) -> int:
    """Tokyo's fiscal year runs April to March."""
    return day.year if day.month >= 4 else day.year - 1


def submit_application(
    data: dict[str, Any],
    *,
    submission_key: uuid.UUID,
    language: str,
    now: dt.datetime | None = None,
) -> tuple[DispatchApplication, bool]:
    """Store an application and acknowledge it; a repeated submit returns the first one."""
    now = now or timezone.now()
    closures = business_days.office_closures()  # read once for both dates
    received = business_days.received_on(now, closures=closures)
    fields = {name: data[name] for name in SUBMITTED_FIELDS if name in data}

    def create(reference: str) -> DispatchApplication:
        application = DispatchApplication.objects.create(
            **fields,
            reference=reference,
            token=secrets.token_urlsafe(32),
            submission_key=submission_key,
            language=language,
            fiscal_year=fiscal_year_of(received),
            submitted_at=now,
            received_on=received,
            contact_due_on=business_days.add_business_days(
                received, CONTACT_WITHIN, closures=closures
            ),
            consented_at=now,
        )
        DispatchEvent.objects.create(
            application=application, action="submitted", to_status=Status.SUBMITTED
        )
        emails.queue_acknowledgement(application)
        return application

    return submit_once(
        DispatchApplication, submission_key=submission_key, prefix="D", create=create
    )


def _refuse_while_waiting(application: DispatchApplication) -> None:
    """While the office waits for the applicant's answer (``information``), the screening
    steps wait too: the answer puts the application back where it was."""
    waiting = DispatchApplication.objects.select_for_update().filter(
        pk=application.pk, status=Status.INFO_REQUESTED
    )
    if waiting.exists():
        raise ValidationError(
            _(
                "The application is waiting for the applicant's answer to the office's "
                "question. Continue once they have answered."
            ),
            code="waiting_for_applicant",
        )


@transaction.atomic
def record_contact(application, *, by: AbstractBaseUser, note: str = ""):
    """The office has contacted the applicant to arrange the preliminary interview."""
    _refuse_while_waiting(application)
    return WORKFLOW.move(
        application,
        Status.CONTACTED,
        by=by,
        action="contacted",
        note=note,
        contacted_at=timezone.now(),
    )


@transaction.atomic
def schedule_interview(
    application,
    *,
    by: AbstractBaseUser,
    at: dt.datetime,
    note: str = "",
    override: bool = False,
    override_reason: str = "",
    now: dt.datetime | None = None,
):
    """The preliminary interview is arranged: today or later, on a business day, unless the
    coordinator makes an exception and says why (the reason goes into the history)."""
    _refuse_while_waiting(application)
    exception = rules.allow(
        rules.interview_time_problems(at, now=now or timezone.now()),
        override=override,
        override_reason=override_reason,
    )
    scheduled = WORKFLOW.move(
        application,
        Status.INTERVIEW_SCHEDULED,
        by=by,
        action="interview_scheduled",
        note=rules.join_notes(note, exception),
        allow_same=True,  # a new time for the interview: the applicant is sent the update
        interview_at=at,
    )
    emails.queue_interview(scheduled)
    return scheduled


@transaction.atomic
def record_interview(
    application,
    *,
    by: AbstractBaseUser,
    held_on: dt.date,
    note: str = "",
    today: dt.date | None = None,
):
    """The interview took place; the decision is due five business days later.

    The day is one that has come (not a future day, which would show the applicant a decision
    before their interview) and not before the application was sent."""
    _refuse_while_waiting(application)
    rules.check_interview_held_on(
        held_on, today=today or timezone.localdate(), sent_at=application.submitted_at
    )
    day0 = business_days.business_day_on_or_after(held_on)
    return WORKFLOW.move(
        application,
        Status.INTERVIEW_HELD,
        by=by,
        action="interview_held",
        note=note,
        interview_held_on=held_on,
        decision_due_on=business_days.add_business_days(day0, DECIDE_WITHIN),
    )


@transaction.atomic
def approve_application(application, *, by: AbstractBaseUser, expert: Expert, note: str = ""):
    if not expert.active:
        raise ValidationError(_("This expert is not active."), code="inactive_expert")
    approved = WORKFLOW.move(
        application,
        Status.APPROVED,
        by=by,
        action="approved",
        note=note,
        expert=expert,
        decided_at=timezone.now(),
    )
    emails.queue_decision(approved)
    return approved


@transaction.atomic
def reject_application(application, *, by: AbstractBaseUser, reason: str):
    rejected = WORKFLOW.move(
        application,
        Status.REJECTED,
        by=by,
        action="rejected",
        note=reason,
        decision_reason=reason,
        paused_from="",  # (rejected while waiting for an answer: the pause ends)
        paused_on=None,
        decided_at=timezone.now(),
    )
    emails.queue_decision(rejected)
    return rejected


@transaction.atomic
def withdraw_application(application, *, by: AbstractBaseUser, note: str = ""):
    return WORKFLOW.move(
        application,
        Status.WITHDRAWN,
        by=by,
        action="withdrawn",
        note=note,
        paused_from="",  # (withdrawn while waiting for an answer: the pause ends)
        paused_on=None,
    )


@transaction.atomic
def complete_application(
    application, *, by: AbstractBaseUser, completion: str, note: str = ""
) -> DispatchApplication:
    """The support ends: when its visits are used (five, or all the organisation wanted), or
    when the manual is delivered; never while a visit is still planned. The applicant is sent
    the completion notice."""
    locked = DispatchApplication.objects.select_for_update().get(pk=application.pk)
    if completion not in Completion.values:
        raise rules.refusal("completion", _("Choose how the support ended."), "completion_required")
    visits = locked.visits.exclude(status=VisitStatus.CANCELLED)
    if visits.filter(status=VisitStatus.PLANNED).exists():
        raise ValidationError(
            _("A visit is still planned. Record it or cancel it first."), code="visits_planned"
        )
    done = visits.filter(status=VisitStatus.DONE).count()
    wanted = min(locked.visits_wanted, MAX_VISITS)
    if completion == Completion.VISITS_USED and done < wanted and _visits_used(locked) < MAX_VISITS:
        raise rules.refusal(
            "completion",
            _(
                "%(done)s of the %(wanted)s visits wanted have taken place. Complete the "
                "support this way once they are used, or choose the manual's delivery."
            )
            % {"done": done, "wanted": wanted},
            "visits_left",
        )
    completed = WORKFLOW.move(
        locked, Status.COMPLETED, by=by, action="completed", note=note, completion=completion
    )
    emails.queue_completion_notice(completed)
    return completed


def _same_organisation(application: DispatchApplication, prefix: str = "") -> Q:
    """The applications of ``application``'s organisation this fiscal year: those with its
    corporate number, and those of its name that have none (sent before the number was
    asked). For an application without a number, the numbers already given under its name
    count too, so that the answer is the same from either side. An older application under
    another spelling and without a number is linked once a coordinator records its number
    (``record_corporate_number``)."""
    name = Q(**{f"{prefix}organisation_name": application.organisation_name})
    numbers = {application.corporate_number} - {""}
    if not numbers:
        numbers = set(
            DispatchApplication.objects.filter(
                fiscal_year=application.fiscal_year,
                organisation_name=application.organisation_name,
            )
            .exclude(corporate_number="")
            .values_list("corporate_number", flat=True)
        )
    if not numbers:
        return name
    by_number = Q(**{f"{prefix}corporate_number__in": sorted(numbers)})
    return by_number | (name & Q(**{f"{prefix}corporate_number": ""}))


@transaction.atomic
def record_corporate_number(
    application: DispatchApplication, *, by: AbstractBaseUser, number: str
) -> DispatchApplication:
    """A coordinator records the corporate number of an application sent without one (before
    the form asked it), so that the five-visit cap counts it with the organisation's others."""
    locked = DispatchApplication.objects.select_for_update().get(pk=application.pk)
    if locked.corporate_number:
        raise ValidationError(
            _("This application already has its corporate number."), code="already"
        )
    validate_corporate_number(number)
    locked.corporate_number = corporate_number.normalise(number)
    locked.save(update_fields=["corporate_number"])
    DispatchEvent.objects.create(
        application=locked,
        by=by,
        action="corporate_number_recorded",
        from_status=locked.status,
        to_status=locked.status,
        note=locked.corporate_number,
    )
    return locked


def _visits_used(application: DispatchApplication) -> int:
    """Visits (not cancelled) of this organisation in the application's fiscal year."""
    return (
        DispatchVisit.objects.filter(
            _same_organisation(application, "application__"),
            application__fiscal_year=application.fiscal_year,
        )
        .exclude(status=VisitStatus.CANCELLED)
        .count()
    )


@transaction.atomic
def plan_visit(
    application,
    *,
    by: AbstractBaseUser,
    starts_at: dt.datetime,
    hours: float = 2,
    place: str = "",
    expert: Expert | None = None,
    change_reason: str = "",
    override: bool = False,
    override_reason: str = "",
    now: dt.datetime | None = None,
) -> DispatchVisit:
    """Plan a visit: at most five per organisation and fiscal year, counted under a lock; on a
    business day, within office hours and not in the past unless the coordinator makes an
    exception and says why; never while the expert is at another visit."""
    now = now or timezone.now()
    # Lock every application of the organisation this year, in a fixed order, so that two
    # coordinators planning at the same moment cannot both take the fifth visit.
    same_organisation = list(
        DispatchApplication.objects.select_for_update()
        .filter(_same_organisation(application), fiscal_year=application.fiscal_year)
        .order_by("pk")
    )
    locked = next(a for a in same_organisation if a.pk == application.pk)
    if locked.status not in (Status.APPROVED, Status.SCHEDULING, Status.IN_PROGRESS):
        raise ValidationError(
            _("Visits can be planned only for an approved application."), code="invalid_transition"
        )
    if _visits_used(locked) >= MAX_VISITS:
        raise ValidationError(
            _("This organisation has used all %(max)s visits of the fiscal year.")
            % {"max": MAX_VISITS},
            code="visit_limit",
        )
    expert = expert or locked.expert
    if expert is None:
        raise ValidationError(_("Assign an expert first."), code="no_expert")
    if expert != locked.expert and not change_reason.strip():
        raise rules.refusal(
            "change_reason", _("Give the reason for sending another expert."), "reason_required"
        )
    ends_at = starts_at + dt.timedelta(hours=hours)
    exception = rules.allow(
        rules.visit_time_problems(starts_at, ends_at, now=now),
        override=override,
        override_reason=override_reason,
    )
    rules.check_expert_free(expert, starts_at, ends_at)
    visit = DispatchVisit.objects.create(
        application=locked,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place or locked.place_of_visits,
        expert=expert,
        expert_change_reason=change_reason.strip(),
    )
    if locked.status == Status.APPROVED:
        WORKFLOW.move(locked, Status.SCHEDULING, by=by, action="visit_planned", note=exception)
    else:
        DispatchEvent.objects.create(
            application=locked,
            by=by,
            action="visit_planned",
            from_status=locked.status,
            to_status=locked.status,
            note=exception,
        )
    emails.queue_visit_confirmations(visit)
    return visit


@transaction.atomic
def record_visit(
    visit: DispatchVisit, *, by: AbstractBaseUser, report: str, now: dt.datetime | None = None
) -> DispatchVisit:
    """The visit took place: only once its start has passed."""
    now = now or timezone.now()
    locked = DispatchVisit.objects.select_for_update().get(pk=visit.pk)
    if locked.status != VisitStatus.PLANNED:
        raise ValidationError(_("Only a planned visit can be recorded."), code="invalid_transition")
    if locked.starts_at > now:
        raise rules.refusal(
            "visit",
            _(
                "The visit of %(start)s has not taken place yet. Record it once it has, or "
                "cancel it."
            )
            % {"start": rules.moment(locked.starts_at)},
            "not_yet",
        )
    locked.status, locked.report = VisitStatus.DONE, report
    locked.save(update_fields=["status", "report"])
    if locked.application.status == Status.SCHEDULING:
        WORKFLOW.move(locked.application, Status.IN_PROGRESS, by=by, action="visit_done")
    return locked


@transaction.atomic
def cancel_visit(visit: DispatchVisit, *, by: AbstractBaseUser, reason: str) -> DispatchVisit:
    locked = DispatchVisit.objects.select_for_update().get(pk=visit.pk)
    if locked.status != VisitStatus.PLANNED:
        raise ValidationError(
            _("Only a planned visit can be cancelled."), code="invalid_transition"
        )
    locked.status, locked.report = VisitStatus.CANCELLED, reason
    locked.calendar_sequence += 1  # the cancellation's .ics supersedes the invitation's
    locked.save(update_fields=["status", "report", "calendar_sequence"])
    emails.queue_visit_cancelled(locked)
    return locked


@transaction.atomic
def send_visit_reminders(*, today: dt.date) -> int:
    """On a business day, remind the applicant and the expert of each planned visit before
    the next business day (a Monday visit is reminded on Friday), once each. Returns how
    many visits were reminded."""
    if not business_days.is_business_day(today):
        return 0
    until = business_days.next_business_day(today)
    due = (
        DispatchVisit.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("application", "expert")
        .filter(
            status=VisitStatus.PLANNED,
            reminded_at__isnull=True,
            starts_at__date__gt=today,
            starts_at__date__lte=until,
        )
        .order_by("starts_at")
    )
    reminded = 0
    now = timezone.now()
    for visit in due:
        visit.reminded_at = now
        visit.save(update_fields=["reminded_at"])
        emails.queue_visit_reminders(visit)
        reminded += 1
    return reminded


@transaction.atomic
def send_deadline_alerts(*, today: dt.date) -> int:
    """Each business-day morning: remind the coordinators the business day before a
    deadline, and escalate to the office lead when it has passed. Each alert goes once;
    none on closed days; none once the step is done."""
    if not business_days.is_business_day(today):
        return 0
    tomorrow = business_days.next_business_day(today)
    sent = 0
    for deadline, (status, field) in DEADLINES.items():
        waiting = DispatchApplication.objects.filter(status=status)
        stages = [
            ("reminder", waiting.filter(**{field: tomorrow}), settings.DISPATCH_COORDINATORS_EMAIL),
            ("escalation", waiting.filter(**{f"{field}__lt": today}), settings.OFFICE_LEAD_EMAIL),
        ]
        for stage, applications, recipient in stages:
            for application in applications:
                due_on = getattr(application, field)
                _alert, created = DeadlineAlert.objects.get_or_create(
                    application=application,
                    deadline=deadline,
                    stage=stage,
                    due_on=due_on,
                    defaults={"sent_on": today},
                )
                if created:
                    emails.queue_deadline_alert(
                        application, deadline=deadline, stage=stage, due_on=due_on, to=recipient
                    )
                    sent += 1
    return sent


# Which specialism answers which kind of support wanted.
SUPPORT_SPECIALISMS = {
    Support.MANUAL_DRAFTING: Specialism.LABOUR,
    Support.MANUAL_REVIEW: Specialism.LABOUR,
    Support.SECTOR_ISSUES: Specialism.INDUSTRY,
    Support.DESK_DESIGN: Specialism.LABOUR,
    Support.MENTAL_CARE: Specialism.MENTAL_HEALTH,
    Support.LEGAL: Specialism.LAW,
    Support.TRAINING: Specialism.CONSUMER,
}


@dataclass(frozen=True)
class Suggestion:
    expert: Expert
    score: int
    load: int
    reasons: tuple[str, ...]


def rank_experts(application: DispatchApplication) -> list[Suggestion]:
    """Active experts, best match first, each with the reasons for its rank.

    Knowing the organisation's industry counts 3, each specialism the support asks for 2, and
    each organisation the expert already supports costs 1. Matching suggests; people decide.
    """
    experts = Expert.objects.filter(active=True).annotate(
        load=Count("applications", filter=Q(applications__status__in=ACTIVE_STATUSES))
    )
    wanted = {
        SUPPORT_SPECIALISMS[s] for s in application.support_wanted if s in SUPPORT_SPECIALISMS
    }
    suggestions = []
    for expert in experts:
        reasons, score = [], 0
        if application.industry in expert.industries:
            score += 3
            reasons.append(_("knows the organisation's industry"))
        for specialism in sorted(wanted & set(expert.specialisms)):
            score += 2
            reasons.append(_("specialism: %(name)s") % {"name": Specialism(specialism).label})
        score -= expert.load
        reasons.append(_("supports %(n)s organisations now") % {"n": expert.load})
        suggestions.append(Suggestion(expert, score, expert.load, tuple(reasons)))
    return sorted(suggestions, key=lambda s: (-s.score, s.load, s.expert.name))


def visits_used(application: DispatchApplication) -> int:
    return _visits_used(application)
