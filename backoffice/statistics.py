"""The office's statistics for its reports: counts only, never a person's data.

Each section is a list of ``Table``s (a label column, then numbers) that the page shows and
the CSV export writes as they are, so both always carry the same figures. Functions take the
period as Tokyo dates (both inclusive) and ``today`` for what "not yet due" means.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.models import ConductType, Consultation, Intake, RequesterType, Topic
from core.choices import Industry
from dispatch.models import MAX_VISITS, DispatchApplication, DispatchVisit, VisitStatus
from dispatch.models import Status as DispatchStatus
from seminars.models import Registration, RegistrationStatus, Seminar

# Section -> the permissions a user needs to see it (supervisors and administrators have all).
SECTIONS: dict[str, tuple[str, ...]] = {
    "consultations": ("consultations.view_consultation",),
    "seminars": ("seminars.view_seminar", "seminars.view_registration"),
    "dispatch": ("dispatch.view_dispatchapplication", "dispatch.view_dispatchvisit"),
}


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple]  # (label, number, number, ...)
    note: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    tables: list[Table]


@dataclass(frozen=True)
class MonthCompliance:
    month: dt.date
    on_time: int = 0
    late: int = 0
    unanswered: int = 0  # past the deadline with no answer yet
    not_yet_due: int = 0

    @property
    def label(self) -> str:
        return month_label(self.month)

    @property
    def share(self) -> float | None:
        """Percent answered by the deadline, of those whose deadline has come; None if none."""
        decided = self.on_time + self.late + self.unanswered
        return round(100 * self.on_time / decided, 1) if decided else None


def visible_sections(user) -> list[str]:
    return [key for key, perms in SECTIONS.items() if user.has_perms(perms)]


def fiscal_year_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """April to March: the Tokyo fiscal year that holds ``today``."""
    year = today.year if today.month >= 4 else today.year - 1
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def fiscal_year_of(day: dt.date) -> int:
    return fiscal_year_period(day)[0].year


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of each month from ``start``'s to ``end``'s."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def month_label(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def _by(queryset, field: str) -> Counter:
    return Counter({row[field]: row["n"] for row in queryset.values(field).annotate(n=Count("pk"))})


def _choice_rows(
    counts: Counter, choices, *, blank_label: str | None = None, total: bool = True
) -> list[tuple]:
    """One row per choice (zeros included), then "not given" and the total if asked for."""
    rows = [(str(label), counts.get(value, 0)) for value, label in choices]
    if blank_label is not None:
        rows.append((blank_label, counts.get("", 0)))
    if total:
        rows.append((_("Total"), sum(count for _label, count in rows)))
    return rows


def compliance_by_month(start: dt.date, end: dt.date, *, today: dt.date) -> list[MonthCompliance]:
    """Consultations by the month of their reply deadline: answered on time, late, not yet.

    The first answer is ``first_response_at`` (a reply, a call that reached the person, or a
    referral); on time means on or before ``reply_due_on``, Tokyo dates.
    """
    no_answer = Q(first_response_at__isnull=True)
    rows = (
        Consultation.objects.counted()
        .filter(reply_due_on__range=(start, end))
        .values(month=TruncMonth("reply_due_on"))
        .annotate(
            on_time=Count("pk", filter=Q(first_response_at__date__lte=F("reply_due_on"))),
            late=Count("pk", filter=Q(first_response_at__date__gt=F("reply_due_on"))),
            unanswered=Count("pk", filter=no_answer & Q(reply_due_on__lt=today)),
            not_yet_due=Count("pk", filter=no_answer & Q(reply_due_on__gte=today)),
        )
    )
    found = {row.pop("month"): row for row in rows}
    return [MonthCompliance(month, **found.get(month, {})) for month in months_between(start, end)]


def consultation_section(start: dt.date, end: dt.date, *, today: dt.date) -> Section:
    received = Consultation.objects.counted().filter(received_at__date__range=(start, end))
    conduct = Counter(
        code for codes in received.values_list("conduct_types", flat=True) for code in codes or []
    )
    per_month = Counter(
        {
            (row["month"].date(), row["requester_type"]): row["n"]
            for row in received.values("requester_type", month=TruncMonth("received_at")).annotate(
                n=Count("pk")
            )
        }
    )
    compliance = compliance_by_month(start, end, today=today)
    count = _("Consultations")
    return Section(
        "consultations",
        _("Consultations"),
        [
            Table(
                "intake",
                _("By how it reached the desk"),
                (_("Received by"), count),
                _choice_rows(_by(received, "intake"), Intake.choices),
            ),
            Table(
                "requester-type",
                _("By who asks"),
                (_("Requester type"), count),
                _choice_rows(_by(received, "requester_type"), RequesterType.choices),
            ),
            Table(
                "topic",
                _("By topic"),
                (_("Topic"), count),
                _choice_rows(_by(received, "topic"), Topic.choices),
            ),
            Table(
                "industry",
                _("By industry"),
                (_("Industry"), count),
                _choice_rows(
                    _by(received, "industry"), Industry.choices, blank_label=_("Not given")
                ),
            ),
            Table(
                "conduct-type",
                _("By kind of conduct"),
                (_("Kind of conduct"), count),
                _choice_rows(conduct, ConductType.choices, total=False),
                note=_("A consultation may name several kinds of conduct, or none."),
            ),
            Table(
                "month",
                _("By month received"),
                (_("Month"), *(str(label) for _v, label in RequesterType.choices), _("Total")),
                [
                    (
                        month_label(month),
                        *(per_month[(month, value)] for value in RequesterType.values),
                        sum(per_month[(month, value)] for value in RequesterType.values),
                    )
                    for month in months_between(start, end)
                ],
            ),
            Table(
                "reply-compliance",
                _("Replies by the reply deadline, by month of the deadline"),
                (
                    _("Month"),
                    _("Answered on time"),
                    _("Answered late"),
                    _("Overdue, not answered"),
                    _("Not yet due"),
                    _("On time (%)"),
                ),
                [
                    (
                        month.label,
                        month.on_time,
                        month.late,
                        month.unanswered,
                        month.not_yet_due,
                        "" if month.share is None else month.share,
                    )
                    for month in compliance
                ],
                note=_(
                    "The first answer is a reply, a phone call that reached the person or a "
                    "referral. The share leaves out consultations not yet due."
                ),
            ),
        ],
    )


def seminar_section(start: dt.date, end: dt.date) -> Section:
    def count(status):
        return Count("registrations", filter=Q(registrations__status=status))

    sessions = (
        Seminar.objects.filter(starts_at__date__range=(start, end))
        .annotate(
            confirmed=count(RegistrationStatus.CONFIRMED),
            attended=count(RegistrationStatus.ATTENDED),
            # (a seat offered and not yet accepted is counted with the waiting list)
            waiting=Count(
                "registrations",
                filter=Q(
                    registrations__status__in=[
                        RegistrationStatus.WAITING,
                        RegistrationStatus.OFFERED,
                    ]
                ),
            ),
            cancelled=count(RegistrationStatus.CANCELLED),
        )
        .order_by("starts_at")
    )
    registered = Registration.objects.filter(registered_at__date__range=(start, end))
    per_month = Counter(
        {
            row["month"].date(): row["n"]
            for row in registered.values(month=TruncMonth("registered_at")).annotate(n=Count("pk"))
        }
    )
    return Section(
        "seminars",
        _("Seminars"),
        [
            Table(
                "sessions",
                _("Registrations and attendance per session"),
                (
                    _("Session"),
                    _("Date"),
                    _("Capacity"),
                    _("Registered (not marked as attended)"),
                    _("Attended"),
                    _("On the waiting list"),
                    _("Cancelled"),
                ),
                [
                    (
                        f"{s.session_label} {s.title}",
                        timezone.localdate(s.starts_at).isoformat(),
                        s.capacity,
                        s.confirmed,
                        s.attended,
                        s.waiting,
                        s.cancelled,
                    )
                    for s in sessions
                ],
                note=_(
                    "Sessions starting in the period. Attendance is what staff recorded with "
                    '"Mark as attended"; the waiting list is as it stands now.'
                ),
            ),
            Table(
                "registrations-month",
                _("Registrations by month made"),
                (_("Month"), _("Registrations")),
                [(month_label(m), per_month.get(m, 0)) for m in months_between(start, end)],
            ),
        ],
    )


def dispatch_section(start: dt.date, end: dt.date) -> Section:
    submitted = DispatchApplication.objects.filter(submitted_at__date__range=(start, end))
    fiscal_years = range(fiscal_year_of(start), fiscal_year_of(end) + 1)
    visits = (
        DispatchVisit.objects.filter(application__fiscal_year__in=fiscal_years)
        .exclude(status=VisitStatus.CANCELLED)
        .values("application__organisation_name", "application__fiscal_year")
        .annotate(
            done=Count("pk", filter=Q(status=VisitStatus.DONE)),
            planned=Count("pk", filter=Q(status=VisitStatus.PLANNED)),
        )
        .order_by("application__fiscal_year", "application__organisation_name")
    )
    return Section(
        "dispatch",
        _("Expert dispatch"),
        [
            Table(
                "applications-status",
                _("Applications by status"),
                (_("Status"), _("Applications")),
                _choice_rows(_by(submitted, "status"), DispatchStatus.choices),
                note=_("Applications submitted in the period, by their status now."),
            ),
            Table(
                "visits",
                _("Visits used per organisation and fiscal year"),
                (
                    _("Organisation"),
                    _("Fiscal year"),
                    _("Visits done"),
                    _("Visits planned"),
                    _("Visits used"),
                    _("Visits left"),
                ),
                [
                    (
                        row["application__organisation_name"],
                        row["application__fiscal_year"],
                        row["done"],
                        row["planned"],
                        row["done"] + row["planned"],
                        max(MAX_VISITS - row["done"] - row["planned"], 0),
                    )
                    for row in visits
                ],
                note=_(
                    "Fiscal years %(first)s to %(last)s; cancelled visits do not count. An "
                    "organisation may have up to %(max)s visits a fiscal year."
                )
                % {"first": fiscal_years[0], "last": fiscal_years[-1], "max": MAX_VISITS},
            ),
        ],
    )


def build_report(sections: list[str], start: dt.date, end: dt.date, *, today: dt.date):
    """The sections asked for (already checked against the user's permissions), in order."""
    builders = {
        "consultations": lambda: consultation_section(start, end, today=today),
        "seminars": lambda: seminar_section(start, end),
        "dispatch": lambda: dispatch_section(start, end),
    }
    return [builders[key]() for key in SECTIONS if key in sections]
