"""The statistics page for the office's reports, and its CSV export."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone, translation

from backoffice import statistics
from consultations import services as consultation_services
from consultations.models import Consultation
from consultations.tests.factories import make_consultation
from dispatch import services as dispatch_services
from dispatch.tests.factories import approved_application, make_application, make_expert
from seminars import services as seminar_services
from seminars.tests.factories import make_seminar, register

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
MARKER = "ZZMARKERZZ"


@pytest.fixture(autouse=True)
def _english(settings):
    """Labels in English, in the test and in the pages it asks for."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def staff(username, *groups):
    user = User.objects.create_user(username, password="pw-0123456789", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


def table(section, key):
    return {t.key: t for t in section.tables}[key]


def rows(section, key):
    return {row[0]: row[1:] for row in table(section, key).rows}


def at(year, month, day, hour=10):
    return dt.datetime(year, month, day, hour, tzinfo=TOKYO)


@pytest.mark.parametrize(
    ("today", "period"),
    [
        (dt.date(2026, 4, 1), (dt.date(2026, 4, 1), dt.date(2027, 3, 31))),
        (dt.date(2026, 11, 29), (dt.date(2026, 4, 1), dt.date(2027, 3, 31))),
        (dt.date(2027, 3, 31), (dt.date(2026, 4, 1), dt.date(2027, 3, 31))),
        (dt.date(2027, 4, 1), (dt.date(2027, 4, 1), dt.date(2028, 3, 31))),
    ],
)
def test_the_default_period_is_the_fiscal_year_april_to_march(today, period):
    assert statistics.fiscal_year_period(today) == period


def test_consultations_are_counted_by_type_topic_industry_conduct_and_month():
    make_consultation(
        at=at(2026, 5, 7),
        requester_type="business",
        topic="policy_manual",
        industry="retail",
        conduct_types=["verbal_abuse", "threats"],
    )
    make_consultation(at=at(2026, 5, 8), industry="retail", conduct_types=["verbal_abuse"])
    make_consultation(at=at(2026, 6, 1), conduct_types=[])
    make_consultation(at=at(2026, 3, 31, 16))  # the fiscal year before: not counted

    section = statistics.consultation_section(
        dt.date(2026, 4, 1), dt.date(2026, 6, 30), today=dt.date(2026, 7, 1)
    )

    assert rows(section, "requester-type") == {
        "Business operator in Tokyo": (1,),
        "Person working in Tokyo": (2,),
        "Customer of a business in Tokyo": (0,),
        "Total": (3,),
    }
    assert rows(section, "topic")["Policies and manuals"] == (1,)
    assert rows(section, "topic")["How to respond to an incident"] == (2,)
    assert rows(section, "industry")["Retail"] == (2,)
    assert rows(section, "industry")["Not given"] == (1,)
    conduct = rows(section, "conduct-type")
    assert conduct["Verbal abuse or insults"] == (2,)
    assert conduct["Threats or intimidation"] == (1,)
    assert "Total" not in conduct  # several kinds per consultation: a total would mislead
    assert rows(section, "month") == {
        "2026-04": (0, 0, 0, 0),
        "2026-05": (1, 1, 0, 2),
        "2026-06": (0, 1, 0, 1),
    }


def test_reply_compliance_counts_on_time_late_overdue_and_not_yet_due():
    consultant = staff("sato", "Consultants")

    def answered(due, answered_at):
        consultation = make_consultation(at=at(2026, 5, 1))
        consultation_services.assign_consultation(consultation, to=consultant, by=consultant)
        consultation_services.send_reply(consultation, by=consultant, body="Answer.")
        Consultation.objects.filter(pk=consultation.pk).update(
            reply_due_on=due, first_response_at=answered_at
        )

    def unanswered(due):
        consultation = make_consultation(at=at(2026, 5, 1))
        Consultation.objects.filter(pk=consultation.pk).update(reply_due_on=due)

    answered(dt.date(2026, 5, 12), at(2026, 5, 12, 23))  # late evening of the last day: on time
    answered(dt.date(2026, 5, 12), at(2026, 5, 11))
    answered(dt.date(2026, 5, 12), at(2026, 5, 13, 0))  # just after midnight in Tokyo: late
    unanswered(dt.date(2026, 5, 20))  # overdue
    unanswered(dt.date(2026, 6, 2))  # not yet due on 1 June
    unanswered(dt.date(2026, 6, 1))  # due today: not yet missed

    may, june = statistics.compliance_by_month(
        dt.date(2026, 5, 1), dt.date(2026, 6, 30), today=dt.date(2026, 6, 1)
    )

    assert (may.on_time, may.late, may.unanswered, may.not_yet_due) == (2, 1, 1, 0)
    assert may.share == 50.0
    assert (june.on_time, june.late, june.unanswered, june.not_yet_due) == (0, 0, 0, 2)
    assert june.share is None


def test_seminar_sessions_show_registered_attended_waiting_and_cancelled():
    seminar_staff = staff("ito", "Seminar staff")
    seminar = make_seminar(capacity=3)
    attended = register(seminar, 1)
    register(seminar, 2)
    cancelled = register(seminar, 3)
    register(seminar, 4, waiting=True)
    register(seminar, 5, waiting=True)
    seminar_services.mark_attended(attended, by=seminar_staff, now=seminar.ends_at)
    seminar_services.cancel_registration(cancelled)  # person 4 moves up
    make_seminar(starts_in_days=400)  # outside the period
    today = timezone.localdate()

    with translation.override("ja"):  # (the office's language: the label is translated)
        section = statistics.seminar_section(today, today + dt.timedelta(days=30))

    ((label, day, capacity, registered, came, waiting, gone),) = table(section, "sessions").rows
    assert label == f"2026年度 第{seminar.number}回 カスハラの基礎"
    assert day == timezone.localdate(seminar.starts_at).isoformat()
    assert (capacity, registered, came, waiting, gone) == (3, 2, 1, 1, 1)
    month = f"{today:%Y-%m}"
    assert rows(section, "registrations-month")[month] == (5,)


def test_dispatch_counts_applications_by_status_and_visits_per_organisation():
    coordinator = staff("tanaka", "Dispatch coordinators")
    expert = make_expert()
    first = approved_application(coordinator, expert=expert)
    second = approved_application(coordinator, expert=expert)  # same organisation, same year
    other = approved_application(coordinator, expert=expert, organisation_name="東京飲食業組合")
    visits = [
        dispatch_services.plan_visit(
            application, by=coordinator, starts_at=at(2026, 6, day), now=at(2026, 5, 20)
        )
        for application, day in [(first, 1), (first, 2), (second, 3), (other, 4)]
    ]
    dispatch_services.record_visit(visits[0], by=coordinator, report="Done.")
    dispatch_services.cancel_visit(visits[1], by=coordinator, reason="Postponed.")
    make_application()  # submitted, no visit

    section = statistics.dispatch_section(dt.date(2026, 4, 1), dt.date(2027, 3, 31))

    by_status = rows(section, "applications-status")
    assert by_status["Submitted"] == (1,)
    assert by_status["Visits being scheduled"] == (2,)
    assert by_status["In progress"] == (1,)
    assert by_status["Total"] == (4,)
    assert table(section, "visits").rows == [
        ("東京小売業協同組合", 2026, 1, 1, 2, 3),
        ("東京飲食業組合", 2026, 0, 1, 1, 4),
    ]


def test_supervisor_sees_every_section_for_the_current_fiscal_year(client):
    client.force_login(staff("kimura", "Supervisors"))
    response = client.get(reverse("statistics"))
    assert response.status_code == 200
    start, end = statistics.fiscal_year_period(timezone.localdate())
    assert response.context["form"].cleaned_data == {"start": start, "end": end}
    assert [section.key for section in response.context["report"]] == [
        "consultations",
        "seminars",
        "dispatch",
    ]
    html = response.content.decode()
    assert f"start={start.isoformat()}&amp;end={end.isoformat()}" in html  # the CSV link
    assert " style=" not in html and "<script" not in html.split('id="content-main"')[1]


def test_a_chosen_period_is_used(admin_client):
    make_consultation(at=at(2026, 5, 7))
    make_consultation(at=at(2026, 6, 7))
    response = admin_client.get(reverse("statistics"), {"start": "2026-06-01", "end": "2026-06-30"})
    consultations = response.context["report"][0]
    assert rows(consultations, "requester-type")["Total"] == (1,)


def test_a_period_that_ends_before_it_starts_is_refused(admin_client):
    params = {"start": "2026-06-30", "end": "2026-06-01"}
    response = admin_client.get(reverse("statistics"), params)
    assert response.status_code == 200
    assert response.context["report"] == []
    assert "The start date must be on or before the end date." in response.content.decode()
    assert admin_client.get(reverse("statistics-csv"), params).status_code == 400


@pytest.mark.parametrize(
    ("group", "visible"),
    [
        ("Consultants", ["consultations"]),
        ("Seminar staff", ["seminars"]),
        ("Dispatch coordinators", ["dispatch"]),
        ("Supervisors", ["consultations", "seminars", "dispatch"]),
        ("Administrators", ["consultations", "seminars", "dispatch"]),
    ],
)
def test_each_role_sees_the_statistics_of_its_own_domain_only(client, group, visible):
    client.force_login(staff("someone", group))
    page = client.get(reverse("statistics"))
    assert [section.key for section in page.context["report"]] == visible
    for key in statistics.SECTIONS:
        expected = 200 if key in visible else 403
        assert client.get(reverse("statistics"), {"section": key}).status_code == expected
        assert client.get(reverse("statistics-csv"), {"section": key}).status_code == expected


def test_consultant_gets_no_dispatch_figures_in_the_csv(client):
    approved_application(staff("tanaka", "Dispatch coordinators"))
    client.force_login(staff("sato", "Consultants"))
    text = client.get(reverse("statistics-csv")).content.decode("utf-8-sig")
    assert "Consultations" in text
    assert "Expert dispatch" not in text and "東京小売業協同組合" not in text


def test_staff_without_a_domain_and_visitors_are_kept_out(client):
    assert client.get(reverse("statistics")).status_code == 302  # to the admin login
    assert client.get(reverse("statistics-csv")).status_code == 302
    client.force_login(staff("nobody"))
    assert client.get(reverse("statistics")).status_code == 403
    assert client.get(reverse("statistics-csv")).status_code == 403
    assert client.get(reverse("statistics"), {"section": "unknown"}).status_code == 404


def test_csv_has_the_page_figures_and_no_personal_data(admin_client):
    email = f"{MARKER.lower()}@example.jp"
    make_consultation(
        at=timezone.now(),
        name=f"山田 {MARKER}",
        email=email,
        organisation=f"{MARKER} 商事",
        job_role=MARKER,
        details=f"{MARKER} details",
        phone="03-9999-0000",
    )
    seminar = make_seminar()
    register(
        seminar,
        1,
        name=f"{MARKER} 花子",
        email=email,
        organisation=f"{MARKER} Ltd",
        question=MARKER,
    )
    coordinator = staff("tanaka", "Dispatch coordinators")
    application = approved_application(
        coordinator,
        contact_name=f"{MARKER} 花子",
        representative_name=f"{MARKER} 太郎",
        contact_email=email,
        contact_phone="03-9999-0000",
        address=f"東京都 {MARKER}",
        at=timezone.now(),
    )
    dispatch_services.plan_visit(
        application,
        by=coordinator,
        starts_at=timezone.now(),
        override=True,  # (now: whatever the hour or the day)
        override_reason="a test at any hour",
    )

    response = admin_client.get(reverse("statistics-csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="statistics-')
    text = response.content.decode("utf-8-sig")
    assert MARKER not in text and MARKER.lower() not in text
    assert "@" not in text and "9999" not in text
    parsed = list(csv.reader(io.StringIO(text)))
    assert ["Person working in Tokyo", "1"] in parsed
    assert ["Seminars", "Registrations and attendance per session"] in parsed
    assert ["Expert dispatch", "Visits used per organisation and fiscal year"] in parsed


def test_csv_cells_never_start_a_spreadsheet_formula(admin_client):
    coordinator = staff("tanaka", "Dispatch coordinators")
    application = approved_application(
        coordinator, organisation_name='=HYPERLINK("http://evil.example","x")', at=timezone.now()
    )
    dispatch_services.plan_visit(
        application,
        by=coordinator,
        starts_at=timezone.now(),
        override=True,  # (now: whatever the hour or the day)
        override_reason="a test at any hour",
    )
    text = admin_client.get(reverse("statistics-csv")).content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_the_dashboard_links_to_the_statistics(client):
    client.force_login(staff("sato", "Consultants"))
    html = client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("statistics")}"' in html
    client.force_login(staff("nobody"))
    html = client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("statistics")}"' not in html
