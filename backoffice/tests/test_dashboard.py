"""The admin's home page: what needs the logged-in staff member today."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse
from django.utils import timezone, translation

from backoffice import charts
from backoffice.dashboard import (
    build_dashboard,
    consultation_figures,
    dispatch_figures,
    outbox_figures,
    seminar_week,
)
from consultations import services as consultation_services
from consultations.models import Consultation
from consultations.models import Status as ConsultationStatus
from consultations.tests.factories import make_consultation
from dispatch import services as dispatch_services
from dispatch.models import DispatchApplication
from dispatch.tests.factories import make_application
from mail import outbox
from mail.models import OutboxEmail
from seminars import services as seminar_services
from seminars.models import Seminar
from seminars.tests.factories import make_seminar, register

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")


def staff(username, *groups, **fields):
    user = User.objects.create_user(username, password="pw-0123456789", is_staff=True, **fields)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


@pytest.fixture(autouse=True)
def _english(settings):
    """Labels in English, in the test and in the pages it asks for."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def today():
    return timezone.localdate()


def rows_listed(client, url) -> set[int]:
    """The primary keys the admin list at ``url`` shows (all of them, on one page here)."""
    response = client.get(url)
    assert response.status_code == 200, url
    changelist = response.context["cl"]
    assert changelist.result_count == len(changelist.result_list)
    return {obj.pk for obj in changelist.result_list}


def figures_by_label(section):
    return {str(figure.label): figure for figure in section.figures}


def due_on(consultation, day):
    Consultation.objects.filter(pk=consultation.pk).update(reply_due_on=day)


@pytest.fixture
def consultations(today):
    """Overdue, due today and later, in different hands and statuses."""
    me = staff("sato", "Consultants")
    other = staff("suzuki", "Consultants")
    overdue = make_consultation()
    due_today = make_consultation()
    mine_later = make_consultation()
    mine_overdue = make_consultation()
    answered_late = make_consultation()
    closed_unassigned = make_consultation()  # in no figure
    Consultation.objects.filter(pk=closed_unassigned.pk).update(status=ConsultationStatus.CLOSED)
    consultation_services.assign_consultation(mine_later, to=me, by=me)
    consultation_services.assign_consultation(mine_overdue, to=me, by=me)
    consultation_services.assign_consultation(answered_late, to=other, by=other)
    consultation_services.send_reply(answered_late, by=other, body="Our answer.")
    for consultation, day in [
        (overdue, today - dt.timedelta(days=2)),
        (due_today, today),
        (mine_later, today + dt.timedelta(days=3)),
        (mine_overdue, today - dt.timedelta(days=1)),
        (answered_late, today - dt.timedelta(days=5)),
        (closed_unassigned, today - dt.timedelta(days=4)),
    ]:
        due_on(consultation, day)
    return me, {
        "overdue": {overdue.pk, mine_overdue.pk},
        "due_today": {due_today.pk},
        "unassigned": {overdue.pk, due_today.pk},
        "mine": {mine_later.pk, mine_overdue.pk},
    }


def test_consultation_figures_count_due_overdue_unassigned_and_mine(consultations, today):
    me, _expected = consultations
    figures = figures_by_label(consultation_figures(me, today=today))
    assert figures["Reply overdue"].count == 2
    assert figures["Reply due today"].count == 1
    assert figures["Unassigned"].count == 2
    assert figures["Assigned to me, waiting for an answer"].count == 2


def test_each_consultation_figure_links_to_exactly_its_rows(client, consultations, today):
    me, expected = consultations
    client.force_login(me)
    section = consultation_figures(me, today=today)
    for figure, key in zip(
        section.figures, ["overdue", "due_today", "unassigned", "mine"], strict=True
    ):
        assert rows_listed(client, figure.url) == expected[key], figure.label


@pytest.fixture
def applications(today):
    """Each deadline step overdue, due today and due later."""
    coordinator = staff("tanaka", "Dispatch coordinators")

    def submitted(contact_due_on):
        application = make_application()
        DispatchApplication.objects.filter(pk=application.pk).update(contact_due_on=contact_due_on)
        return application

    def interviewed(decision_due_on):
        application = make_application()
        dispatch_services.record_contact(application, by=coordinator)
        dispatch_services.schedule_interview(
            application,
            by=coordinator,
            at=timezone.now() - dt.timedelta(days=3),
            override=True,  # (a day that has passed: entered afterwards)
            override_reason="recorded afterwards",
        )
        dispatch_services.record_interview(
            application, by=coordinator, held_on=today - dt.timedelta(days=3)
        )
        DispatchApplication.objects.filter(pk=application.pk).update(
            decision_due_on=decision_due_on
        )
        return application

    yesterday, tomorrow = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    expected = {
        "contact_overdue": {submitted(yesterday).pk, submitted(yesterday).pk},
        "contact_today": {submitted(today).pk},
        "decision_overdue": {interviewed(yesterday).pk},
        "decision_today": {interviewed(today).pk, interviewed(today).pk},
    }
    submitted(tomorrow)
    interviewed(tomorrow)
    return coordinator, expected


def test_dispatch_figures_split_each_step_into_overdue_and_due_today(client, applications, today):
    coordinator, expected = applications
    section = dispatch_figures(today=today)
    keys = ["contact_overdue", "contact_today", "decision_overdue", "decision_today"]
    assert [figure.count for figure in section.figures] == [len(expected[k]) for k in keys]
    client.force_login(coordinator)
    for figure, key in zip(section.figures, keys, strict=True):
        assert rows_listed(client, figure.url) == expected[key], figure.label


def at_tokyo(day, hour):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TOKYO)


def move_to(seminar, day):
    """Register first while registration is open, then put the session on ``day``."""
    Seminar.objects.filter(pk=seminar.pk).update(
        starts_at=at_tokyo(day, 14), ends_at=at_tokyo(day, 16)
    )


def test_seminar_week_shows_fill_rate_and_waiting_list_with_links(client, today):
    seminar_staff = staff("ito", "Seminar staff")
    monday = today - dt.timedelta(days=today.weekday())
    this_week = make_seminar(capacity=4)
    for index in range(1, 4):
        register(this_week, index)
    register(this_week, 4)
    register(this_week, 5, waiting=True)
    register(this_week, 6, waiting=True)
    cancelled = register(this_week, 7, waiting=True)
    seminar_services.cancel_registration(cancelled)
    seminar_services.mark_attended(
        this_week.registrations.first(), by=seminar_staff, now=this_week.ends_at
    )  # (as if after the session)
    move_to(this_week, monday + dt.timedelta(days=2))
    move_to(make_seminar(), monday - dt.timedelta(days=1))  # last Sunday
    move_to(make_seminar(), monday + dt.timedelta(days=7))  # next Monday

    week = seminar_week(today=today)

    assert week.count == 1
    (row,) = week.rows
    assert (row.seated, row.capacity, row.fill_rate, row.waiting) == (4, 4, 100, 2)
    client.force_login(seminar_staff)
    assert rows_listed(client, week.url) == {this_week.pk}
    seated = set(
        this_week.registrations.filter(status__in=["confirmed", "attended"]).values_list(
            "pk", flat=True
        )
    )
    assert rows_listed(client, row.seated_url) == seated and len(seated) == 4
    waiting = set(this_week.registrations.filter(status="waiting").values_list("pk", flat=True))
    assert rows_listed(client, row.waiting_url) == waiting and len(waiting) == 2


def test_fill_rate_is_rounded_percent_of_capacity():
    from backoffice.dashboard import SeminarRow

    row = SeminarRow("s", timezone.now(), 3, 2, 0, "", "", "")
    assert row.fill_rate == 67
    assert SeminarRow("s", timezone.now(), 0, 0, 0, "", "", "").fill_rate == 0


def queue_about(obj, *, status=OutboxEmail.Status.PENDING, attempts=0):
    email = outbox.queue_email(
        to="someone@example.jp",
        template="emails/test_message",
        context={},
        language="ja",
        about=obj,
    )
    OutboxEmail.objects.filter(pk=email.pk).update(status=status, attempts=attempts)
    return email.pk


def test_outbox_figures_count_failed_and_retrying_emails_the_user_may_see(client):
    consultation = make_consultation()
    application = make_application()
    failed = queue_about(consultation, status=OutboxEmail.Status.FAILED, attempts=12)
    retrying = queue_about(consultation, attempts=2)
    dispatch_failed = queue_about(application, status=OutboxEmail.Status.FAILED, attempts=12)
    queue_about(consultation, status=OutboxEmail.Status.SENT, attempts=1)

    admin = User.objects.create_superuser("admin", password="pw-0123456789")
    failed_figure, retrying_figure = outbox_figures(admin).figures
    assert (failed_figure.count, retrying_figure.count) == (2, 1)
    client.force_login(admin)
    assert rows_listed(client, failed_figure.url) == {failed, dispatch_failed}
    assert rows_listed(client, retrying_figure.url) == {retrying}

    # Someone who may read the outbox but not dispatch sees the consultation's email only.
    reader = staff("reader", "Consultants")
    reader.user_permissions.add(Permission.objects.get(codename="view_outboxemail"))
    reader = User.objects.get(pk=reader.pk)  # fresh permission cache
    failed_figure, _retrying = outbox_figures(reader).figures
    assert failed_figure.count == 1
    client.force_login(reader)
    assert rows_listed(client, failed_figure.url) == {failed}


@pytest.mark.parametrize(
    ("groups", "shown", "hidden"),
    [
        (["Consultants"], {"consultations"}, {"dispatch", "seminars", "outbox"}),
        (["Seminar staff"], {"seminars"}, {"consultations", "dispatch", "outbox"}),
        (["Dispatch coordinators"], {"dispatch"}, {"consultations", "seminars", "outbox"}),
        (["Supervisors"], {"consultations", "dispatch", "seminars", "outbox"}, set()),
        (["Administrators"], {"consultations", "dispatch", "seminars", "outbox"}, set()),
    ],
)
def test_each_role_sees_only_the_sections_of_its_domain(client, groups, shown, hidden):
    client.force_login(staff("someone", *groups))
    html = client.get(reverse("admin:index")).content.decode()
    for key in shown:
        assert f'id="dashboard-{key}"' in html, key
    for key in hidden:
        assert f'id="dashboard-{key}"' not in html, key
    assert 'class="app-' in html  # the usual list of apps is still there


def test_superuser_sees_everything_and_the_statistics_link(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    for key in ("consultations", "dispatch", "seminars", "outbox"):
        assert f'id="dashboard-{key}"' in html
    assert f'href="{reverse("statistics")}"' in html


def test_consultant_dashboard_has_no_dispatch_figures(consultations, today):
    me, _expected = consultations
    dashboard = build_dashboard(me, today=today)
    assert [section.key for section in dashboard.sections] == ["consultations"]
    assert dashboard.seminars is None
    assert {chart.key for chart in dashboard.charts} == {
        "chart-consultations-per-week",
        "chart-reply-compliance",
    }


def test_dashboard_takes_a_bounded_number_of_queries(
    client, consultations, applications, django_assert_max_num_queries, today
):
    """A few aggregate queries, however many rows: no query per consultation or session."""
    for _session in range(3):
        seminar = make_seminar(capacity=2)
        for person in range(3):
            register(seminar, person, waiting=True)
        move_to(seminar, today)
    for consultation in Consultation.objects.all():
        queue_about(consultation, status=OutboxEmail.Status.FAILED, attempts=12)
    supervisor = staff("kimura", "Supervisors")
    with django_assert_max_num_queries(11):  # 7 figures and charts, permissions, outbox scope
        dashboard = build_dashboard(supervisor, today=today)
    assert len(dashboard.sections) == 3 and dashboard.seminars.count == 3
    client.force_login(supervisor)
    with django_assert_max_num_queries(15):  # the whole page: session, user, recent actions
        assert client.get(reverse("admin:index")).status_code == 200


def test_charts_render_as_svg_with_text_alternatives(admin_client, today):
    make_consultation(at=timezone.now() - dt.timedelta(days=1), requester_type="business")
    make_consultation(at=timezone.now() - dt.timedelta(days=1))
    html = admin_client.get(reverse("admin:index")).content.decode()
    dashboard = html[html.index('id="portal-dashboard"') :]
    for key in (
        "chart-consultations-per-week",
        "chart-reply-compliance",
        "chart-registrations-per-week",
    ):
        assert f'aria-labelledby="{key}-title"' in dashboard
        assert f'<title id="{key}-title">' in dashboard
        assert f'<desc id="{key}-desc">' in dashboard
    assert dashboard.count('<table class="visually-hidden">') == 3
    assert 'role="img"' in dashboard
    assert "<rect " in dashboard
    assert " style=" not in dashboard and "<style" not in dashboard and "<script" not in dashboard
    # The hidden table holds the week's figures: one business operator, one worker.
    yesterday = today - dt.timedelta(days=1)
    week = yesterday - dt.timedelta(days=yesterday.weekday())
    row = rf'<th scope="row">{week.month}/{week.day}</th><td>1</td><td>1</td><td>0</td>'
    assert re.search(row, dashboard)


def test_bar_chart_stacks_values_and_leaves_out_empty_ones():
    chart = charts.bar_chart(
        key="c",
        title="t",
        description="d",
        category_header="week",
        categories=["a", "b"],
        series=[charts.Series("x", [3, None]), charts.Series("y", [1, 0])],
    )
    assert [(rect.series, rect.title) for rect in chart.rects] == [(0, "a: x 3"), (1, "a: y 1")]
    x, y = chart.rects
    # Stacked: y sits on top of x, and together they reach 4 of a nice top of 5.
    assert float(y.y) + float(y.height) == pytest.approx(float(x.y))
    assert float(x.height) + float(y.height) == pytest.approx((220 - 12 - 30) * 4 / 5)
    assert [row.cells for row in chart.rows] == [("3", "1"), ("-", "0")]


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 1), (1, 1), (3, 5), (7, 10), (12, 20), (51, 100)]
)
def test_nice_ceiling(value, ceiling):
    assert charts.nice_ceiling(value) == ceiling


def test_reply_compliance_chart_shows_the_share_answered_on_time():
    from backoffice.dashboard import compliance_chart

    answered = [
        at_tokyo(dt.date(2026, 11, 10), 15),  # before the deadline
        at_tokyo(dt.date(2026, 11, 12), 9),  # the day after
    ]
    for first_response_at in answered:
        consultation = make_consultation()
        Consultation.objects.filter(pk=consultation.pk).update(
            reply_due_on=dt.date(2026, 11, 11), first_response_at=first_response_at
        )

    chart = compliance_chart(today=dt.date(2026, 11, 20))

    assert [row.category for row in chart.rows][-2:] == ["2026-10", "2026-11"]
    assert chart.rows[-1].cells == ("50%",)
    assert chart.rows[-2].cells == ("none due",)
    assert [rect.title for rect in chart.rects] == ["2026-11: On time 50%"]


def test_the_week_chart_starts_at_midnight_tokyo_time_of_its_first_monday(today):
    from backoffice.dashboard import _weeks, consultations_per_week_chart

    first = _weeks(today)[0]
    midnight = dt.datetime.combine(first, dt.time.min, tzinfo=TOKYO)
    make_consultation(at=midnight - dt.timedelta(seconds=1))  # the Sunday before: left out
    make_consultation(at=midnight)  # the first minute of the first week: counted
    chart = consultations_per_week_chart(today=today)
    assert chart.description.endswith(f"from {first.isoformat()}; 1 consultations in all.")


@pytest.mark.parametrize(
    "language, caption, starts",
    [
        ("ja", "今週のセミナー：<a", r"<td>\d+年\d+月\d+日（.）14:00</td>"),
        ("en", "Seminars this week: <a", r"<td>\w+day \d+ \w+ \d{4}, 14:00</td>"),
    ],
)
def test_seminar_week_shows_when_each_session_starts_in_the_office_style(
    client, today, language, caption, starts
):
    """One date-and-time style (office_datetime), not a date and a separate time."""
    monday = today - dt.timedelta(days=today.weekday())
    move_to(make_seminar(), monday + dt.timedelta(days=2))
    client.force_login(staff("ito", "Seminar staff"))
    html = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert caption in html
    assert re.search(starts, html)
