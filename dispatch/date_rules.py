"""The date rules of a dispatch: which days and hours the office's steps may take, and the
coordinator's exception to them. Each refusal names the service's argument it is about
(``starts_at``, ``hours``, ``at``, ``held_on``), which the admin's step form shows beside its
field of the same name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core import business_days
from core.templatetags.portal import office_date, office_datetime

from .models import DispatchVisit, Expert, VisitStatus


@dataclass(frozen=True)
class Problem:
    """A date rule a step breaks: the form field it belongs to, what to say, its code."""

    field: str
    message: str
    code: str


EXCEPTION_LABELS = {
    "in_past": gettext_lazy("in the past"),
    "closed_day": gettext_lazy("not a business day"),
    "outside_office_hours": gettext_lazy("outside office hours"),
}


def refusal(field: str, message: str, code: str) -> ValidationError:
    """A refusal that the step's form shows beside ``field`` (the service's argument of the
    same name)."""
    return ValidationError({field: ValidationError(message, code=code)})


def day_text(day: dt.date) -> str:
    """The office's date style: 2026年12月1日（火）/ Tuesday 1 December 2026."""
    return office_date(day)


def moment(at: dt.datetime) -> str:
    """The office's style: 2026年12月1日（火）10:00 / Tuesday 1 December 2026, 10:00."""
    return office_datetime(at)


def closed_day(field: str, day: dt.date) -> Problem:
    return Problem(
        field,
        _(
            "%(day)s is not a business day of the office (a weekend, a national holiday, the "
            "year-end closure or an office closure). Choose a business day, or tick the "
            "exception and give the reason."
        )
        % {"day": day_text(day)},
        "closed_day",
    )


def allow(problems: list[Problem], *, override: bool, override_reason: str) -> str:
    """Refuse the step for its ``problems``, unless the coordinator made an exception with a
    reason; return the history note that records the exception ("" when none was needed)."""
    reason = override_reason.strip()
    if override and not reason:
        raise refusal(
            "override_reason",
            _("Give the reason for the exception, or untick it."),
            "override_reason_required",
        )
    if not problems:
        return ""
    if not override:
        errors: dict[str, list[ValidationError]] = {}
        for problem in problems:
            errors.setdefault(problem.field, []).append(
                ValidationError(problem.message, code=problem.code)
            )
        raise ValidationError(errors)
    rules = pgettext("list separator", ", ").join(
        str(EXCEPTION_LABELS[code]) for code in dict.fromkeys(p.code for p in problems)
    )
    return _("Exception (%(rules)s): %(reason)s") % {"rules": rules, "reason": reason}


def join_notes(*notes: str) -> str:
    return "\n".join(note for note in notes if note)


def visit_time_problems(starts_at: dt.datetime, ends_at: dt.datetime, *, now: dt.datetime):
    """What is wrong with a visit at this time, if anything: in the past, on a closed day,
    outside the office's hours (it starts before 9:00 or ends after 17:00)."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    problems = []
    if starts_at < now:
        problems.append(
            Problem(
                "starts_at",
                _(
                    "%(start)s has passed. Choose a date and time from now on, or tick the "
                    "exception and give the reason."
                )
                % {"start": moment(starts_at)},
                "in_past",
            )
        )
    if not business_days.is_business_day(start.date()):
        problems.append(closed_day("starts_at", start.date()))
    opens, closes = business_days.OFFICE_OPENS_AT, business_days.OFFICE_CLOSES_AT
    if start.time() < opens:
        problems.append(
            Problem(
                "starts_at",
                _(
                    "The visit would start at %(start)s, before the office opens at %(opens)s. "
                    "Choose a start from %(opens)s, or tick the exception and give the reason."
                )
                % {"start": f"{start:%H:%M}", "opens": f"{opens:%H:%M}"},
                "outside_office_hours",
            )
        )
    if end.date() > start.date() or end.time() > closes:
        problems.append(
            Problem(
                "hours",
                _(
                    "The visit would end at %(end)s, after the office closes at %(closes)s. "
                    "Start earlier or make it shorter, or tick the exception and give the "
                    "reason."
                )
                % {"end": f"{end:%H:%M}", "closes": f"{closes:%H:%M}"},
                "outside_office_hours",
            )
        )
    return problems


def check_expert_free(expert: Expert, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    """An expert is at one visit at a time. The expert's row is locked first, so that two
    coordinators cannot book the same hour at the same moment."""
    Expert.objects.select_for_update().filter(pk=expert.pk).first()
    clash = (
        DispatchVisit.objects.filter(
            expert=expert,
            status=VisitStatus.PLANNED,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .select_related("application")
        .first()
    )
    if clash:
        raise refusal(
            "starts_at",
            _(
                "%(expert)s already has a visit from %(start)s to %(end)s (%(reference)s). "
                "Choose another time, or another expert with the reason."
            )
            % {
                "expert": expert.name,
                "start": moment(clash.starts_at),
                "end": f"{timezone.localtime(clash.ends_at):%H:%M}",
                "reference": clash.application.reference,
            },
            "expert_busy",
        )


def interview_time_problems(at: dt.datetime, *, now: dt.datetime) -> list[Problem]:
    """What is wrong with an interview at ``at``: a day that has passed (earlier today is
    still today), a closed day."""
    day = timezone.localdate(at)
    problems = []
    if day < timezone.localdate(now):
        problems.append(
            Problem(
                "at",
                _(
                    "The interview date %(day)s has passed. Choose today or a later day, or tick "
                    "the exception and give the reason."
                )
                % {"day": day_text(day)},
                "in_past",
            )
        )
    if not business_days.is_business_day(day):
        problems.append(closed_day("at", day))
    return problems


def check_interview_held_on(held_on: dt.date, *, today: dt.date, sent_at: dt.datetime) -> None:
    """The interview was held on a day that has come, and not before the application was
    sent (a future day would show the applicant a decision before their interview)."""
    if held_on > today:
        raise refusal(
            "held_on",
            _(
                "%(day)s has not come yet. Enter the day the interview took place, today "
                "(%(today)s) or earlier."
            )
            % {"day": day_text(held_on), "today": day_text(today)},
            "in_future",
        )
    sent_on = timezone.localdate(sent_at)
    if held_on < sent_on:
        raise refusal(
            "held_on",
            _(
                "%(day)s is before the application was sent on %(sent)s. Enter the day the "
                "interview took place, on or after %(sent)s."
            )
            % {"day": day_text(held_on), "sent": day_text(sent_on)},
            "before_submission",
        )
