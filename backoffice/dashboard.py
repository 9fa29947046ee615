"""What needs me today: the figures on the admin's home page.

Pure functions of the staff member and the Tokyo date. A section appears only when the user
may see its records; each number links to the admin list filtered to exactly its rows, with
the list filters of each app's ``admin.py`` (keep the two in step: the tests compare them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, OuterRef, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext as _

from consultations import access as consultation_access
from consultations.models import WAITING_STATUSES, Consultation, RequesterType
from core import business_days
from core.queries import count_of
from dispatch.models import DEADLINES, DispatchApplication
from mail.admin import outbox_visible_to
from mail.models import OutboxEmail
from seminars.models import SEAT_STATUSES, Registration, RegistrationStatus, Seminar

from . import charts, statistics

CHART_WEEKS = 12
CHART_MONTHS = 6


@dataclass(frozen=True)
class Figure:
    label: str
    count: int
    url: str
    urgent: bool = False  # overdue or failed: shown in red when not zero


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    figures: list[Figure]


@dataclass(frozen=True)
class SeminarRow:
    title: str
    starts_at: dt.datetime
    capacity: int
    seated: int
    waiting: int
    change_url: str
    seated_url: str
    waiting_url: str

    @property
    def fill_rate(self) -> int:
        """Seats taken, in percent of the capacity (rounded)."""
        return round(100 * self.seated / self.capacity) if self.capacity else 0


@dataclass(frozen=True)
class SeminarWeek:
    count: int
    url: str
    rows: list[SeminarRow]


@dataclass(frozen=True)
class Dashboard:
    sections: list[Section]
    seminars: SeminarWeek | None
    charts: list[charts.BarChart]
    statistics_url: str  # empty when the user may see no statistics


def changelist_url(model, **params) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def can_view(user, model) -> bool:
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


def consultation_figures(user, *, today: dt.date) -> Section:
    waiting = Q(status__in=WAITING_STATUSES)
    # Every figure is about open consultations: reading only those through the status index
    # spares a scan of the closed years (65 ms at 100,000 consultations).
    counts = consultation_access.readable(Consultation.objects.open(), user).aggregate(
        overdue=Count("pk", filter=waiting & Q(reply_due_on__lt=today)),
        due_today=Count("pk", filter=waiting & Q(reply_due_on=today)),
        unassigned=Count("pk", filter=Q(assigned_to__isnull=True)),
        mine=Count("pk", filter=waiting & Q(assigned_to=user)),
    )
    url = lambda **params: changelist_url(Consultation, **params)  # noqa: E731
    return Section(
        "consultations",
        _("Consultations"),
        [
            Figure(_("Reply overdue"), counts["overdue"], url(due="overdue"), urgent=True),
            Figure(_("Reply due today"), counts["due_today"], url(due="today")),
            Figure(_("Unassigned"), counts["unassigned"], url(assigned="none")),
            Figure(
                _("Assigned to me, waiting for an answer"),
                counts["mine"],
                url(assigned="me", due="waiting"),
            ),
        ],
    )


def dispatch_figures(*, today: dt.date) -> Section:
    """Each deadline step (``DEADLINES``): overdue and due today."""
    aggregates = {}
    for step, (status, due_field) in DEADLINES.items():
        aggregates[f"{step}_overdue"] = Count(
            "pk", filter=Q(status=status, **{f"{due_field}__lt": today})
        )
        aggregates[f"{step}_today"] = Count("pk", filter=Q(status=status, **{due_field: today}))
    counts = DispatchApplication.objects.aggregate(**aggregates)
    labels = {
        "contact": (_("First contact overdue"), _("First contact due today")),
        "decision": (_("Decision overdue"), _("Decision due today")),
    }
    figures = []
    for step, (status, _due_field) in DEADLINES.items():
        overdue, due_today = labels[step]
        url = lambda when, status=status: changelist_url(  # noqa: E731
            DispatchApplication, deadline=when, status__exact=status
        )
        figures += [
            Figure(overdue, counts[f"{step}_overdue"], url("overdue"), urgent=True),
            Figure(due_today, counts[f"{step}_today"], url("today")),
        ]
    return Section("dispatch", _("Expert dispatch"), figures)


def seminar_week(*, today: dt.date) -> SeminarWeek:
    sessions = (
        Seminar.objects.in_week_of(today)
        .with_seats()
        .annotate(
            waiting=count_of(
                Registration.objects.filter(
                    seminar=OuterRef("pk"), status=RegistrationStatus.WAITING
                )
            )
        )
        .order_by("starts_at")
    )
    rows = [
        SeminarRow(
            title=str(seminar),
            starts_at=seminar.starts_at,
            capacity=seminar.capacity,
            seated=seminar.seated,
            waiting=seminar.waiting,
            change_url=reverse("admin:seminars_seminar_change", args=[seminar.pk]),
            seated_url=changelist_url(
                Registration,
                seminar__id__exact=seminar.pk,
                status__in=",".join(SEAT_STATUSES),
            ),
            waiting_url=changelist_url(
                Registration,
                seminar__id__exact=seminar.pk,
                status__exact=RegistrationStatus.WAITING,
            ),
        )
        for seminar in sessions
    ]
    return SeminarWeek(len(rows), changelist_url(Seminar, when="this_week"), rows)


def outbox_figures(user) -> Section:
    counts = outbox_visible_to(user).aggregate(
        failed=Count("pk", filter=Q(status=OutboxEmail.Status.FAILED)),
        retrying=Count("pk", filter=Q(status=OutboxEmail.Status.PENDING, attempts__gt=0)),
    )
    return Section(
        "outbox",
        _("Email outbox"),
        [
            Figure(
                _("Failed: given up"),
                counts["failed"],
                changelist_url(OutboxEmail, status__exact=OutboxEmail.Status.FAILED),
                urgent=True,
            ),
            Figure(
                _("Failed, being retried"),
                counts["retrying"],
                changelist_url(OutboxEmail, delivery="retrying"),
            ),
        ],
    )


def _weeks(today: dt.date) -> list[dt.date]:
    """The Mondays of the last ``CHART_WEEKS`` weeks, this week last."""
    monday = today - dt.timedelta(days=today.weekday())
    return [monday - dt.timedelta(weeks=n) for n in range(CHART_WEEKS - 1, -1, -1)]


def _week_label(monday: dt.date) -> str:
    return f"{monday.month}/{monday.day}"


def consultations_per_week_chart(*, today: dt.date) -> charts.BarChart:
    weeks = _weeks(today)
    counts: dict[tuple[dt.date, str], int] = {}
    rows = (
        # From Tokyo midnight: a filter on the time column can use its index, where __date
        # converts every row first (89 ms at 100,000 consultations).
        Consultation.objects.counted()
        .filter(received_at__gte=business_days.start_of(weeks[0]))
        .values("requester_type", day=TruncDate("received_at"))
        .annotate(n=Count("pk"))
    )
    for row in rows:
        key = (row["day"] - dt.timedelta(days=row["day"].weekday()), row["requester_type"])
        counts[key] = counts.get(key, 0) + row["n"]
    total = sum(counts.values())
    return charts.bar_chart(
        key="chart-consultations-per-week",
        title=_("Consultations received per week, by who asks"),
        description=_("%(weeks)s weeks from %(first)s; %(total)s consultations in all.")
        % {"weeks": CHART_WEEKS, "first": weeks[0].isoformat(), "total": total},
        category_header=_("Week from"),
        categories=[_week_label(monday) for monday in weeks],
        series=[
            charts.Series(str(label), [counts.get((monday, value), 0) for monday in weeks])
            for value, label in RequesterType.choices
        ],
    )


def compliance_chart(*, today: dt.date) -> charts.BarChart:
    first = today.replace(day=1)
    for _month in range(CHART_MONTHS - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    last = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    months = statistics.compliance_by_month(first, last, today=today)
    return charts.bar_chart(
        key="chart-reply-compliance",
        title=_("Replies sent by the reply deadline, per month"),
        description=_(
            "Share of the consultations due in each month that had a first answer by their "
            "reply deadline; consultations not yet due are left out. %(months)s months."
        )
        % {"months": len(months)},
        category_header=_("Month"),
        categories=[month.label for month in months],
        series=[charts.Series(_("On time"), [month.share for month in months])],
        unit="%",
        max_value=100,
        empty=_("none due"),
    )


def registrations_per_week_chart(*, today: dt.date) -> charts.BarChart:
    weeks = _weeks(today)
    counts: dict[dt.date, int] = {}
    rows = (
        Registration.objects.filter(registered_at__gte=business_days.start_of(weeks[0]))
        .values(day=TruncDate("registered_at"))
        .annotate(n=Count("pk"))
    )
    for row in rows:
        monday = row["day"] - dt.timedelta(days=row["day"].weekday())
        counts[monday] = counts.get(monday, 0) + row["n"]
    return charts.bar_chart(
        key="chart-registrations-per-week",
        title=_("Seminar registrations per week"),
        description=_("%(weeks)s weeks from %(first)s; %(total)s registrations in all.")
        % {"weeks": CHART_WEEKS, "first": weeks[0].isoformat(), "total": sum(counts.values())},
        category_header=_("Week from"),
        categories=[_week_label(monday) for monday in weeks],
        series=[charts.Series(_("Registrations"), [counts.get(m, 0) for m in weeks])],
    )


def build_dashboard(user, *, today: dt.date) -> Dashboard:
    sections, week, drawn = [], None, []
    if can_view(user, Consultation):
        sections.append(consultation_figures(user, today=today))
        drawn += [consultations_per_week_chart(today=today), compliance_chart(today=today)]
    if can_view(user, DispatchApplication):
        sections.append(dispatch_figures(today=today))
    if can_view(user, OutboxEmail):
        sections.append(outbox_figures(user))
    if can_view(user, Seminar) and can_view(user, Registration):
        week = seminar_week(today=today)
        drawn.append(registrations_per_week_chart(today=today))
    link = reverse("statistics") if statistics.visible_sections(user) else ""
    return Dashboard(sections, week, drawn, link)
