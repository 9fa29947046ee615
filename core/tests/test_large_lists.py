"""The changelists of the office's large tables (``core.admin.LargeListAdmin``): an estimated
length only for a long unfiltered list on PostgreSQL, rows read without the encrypted columns
the list does not show, and the same markup and links as Django's at a lower cost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.models import User
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from conftest import log_in_staff
from consultations.models import Consultation
from consultations.tests.factories import TOKYO, make_consultation
from core import admin as core_admin
from core.admin import EstimatedCountPaginator, LargeListAdmin
from core.fields import EncryptedTextMixin
from core.queries import distinct_values, planned_rows
from dispatch.models import DispatchApplication
from dispatch.tests.factories import make_application
from mail.models import OutboxEmail
from seminars.models import Registration
from seminars.tests.factories import make_seminar, register

pytestmark = pytest.mark.django_db
CONSULTATIONS = reverse("admin:consultations_consultation_changelist")
REGISTRATIONS = reverse("admin:seminars_registration_changelist")
APPLICATIONS = reverse("admin:dispatch_dispatchapplication_changelist")
OUTBOX = reverse("admin:mail_outboxemail_changelist")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only (set DATABASE_URL)"
)


@pytest.fixture
def planner(monkeypatch):
    """PostgreSQL's planner as the paginator asks it: expects ``planner.rows`` rows, and
    remembers each list it was asked about."""

    class Planner:
        rows: int | None = 100_004
        asked: list = []

        def __call__(self, queryset):
            self.asked.append(queryset)
            return self.rows

    fake = Planner()
    fake.asked = []
    monkeypatch.setattr(core_admin, "planned_rows", fake)
    return fake


@pytest.fixture
def superuser(client):
    user = User.objects.create_superuser("root", "", "pw-0123456789")
    client.force_login(user)
    return user


def paginator(planner_rows, planner, *, estimate=True, rows=3):
    planner.rows = planner_rows
    queryset = User.objects.order_by("pk")
    for index in range(rows - queryset.count()):
        User.objects.create_user(f"u{index}")
    return EstimatedCountPaginator(queryset, 50, estimate=estimate)


# --- The paginator ---------------------------------------------------------------------


def test_a_long_unfiltered_list_has_the_planner_s_estimate(planner):
    pages = paginator(100_004, planner)
    assert (pages.count, pages.estimated, pages.num_pages) == (100_004, True, 2001)
    assert pages.approximate_count == "100,000"
    assert list(pages.page(1).object_list) == list(User.objects.order_by("pk"))


def test_a_filtered_list_is_counted_exactly_and_the_planner_is_not_asked(planner):
    pages = paginator(100_004, planner, estimate=False)
    assert (pages.count, pages.estimated) == (3, False)
    assert planner.asked == []


@pytest.mark.parametrize("expected", [10_000, 5, None])  # (None: not PostgreSQL)
def test_a_short_list_is_counted_exactly(planner, expected):
    pages = paginator(expected, planner)
    assert (pages.count, pages.estimated) == (3, False)


def test_a_page_past_the_estimate_shows_the_rows_there(planner):
    """The estimate may be short of the table's length: its last pages stay reachable."""
    pages = paginator(10_001, planner)
    assert pages.num_pages == 201
    assert list(pages.page(202).object_list) == []  # (no rows there: an empty page, no error)
    assert pages.page(402).number == 402
    for number in (0, 403, 10**30):
        with pytest.raises(EmptyPage):
            pages.page(number)
    with pytest.raises(PageNotAnInteger):
        pages.page("x")
    counted = paginator(None, planner)
    with pytest.raises(EmptyPage):  # Django's own behaviour when counted
        counted.page(2)


@pytest.mark.parametrize(
    ("count", "shown"),
    [(10_001, "10,000"), (20_004, "20,000"), (123_456, "123,000"), (1_234_567, "1,230,000")],
)
def test_the_estimate_is_shown_to_three_figures(planner, count, shown):
    assert paginator(count, planner).approximate_count == shown


@on_postgresql
def test_the_planner_is_asked_for_its_estimate_on_postgresql():
    make_consultation()
    rows = planned_rows(Consultation.objects.filter(status="received").order_by("reference"))
    assert isinstance(rows, int) and rows >= 0


@pytest.mark.skipif(connection.vendor == "postgresql", reason="other databases")
def test_other_databases_have_no_planner_to_ask():
    assert planned_rows(Consultation.objects.all()) is None


# --- Through the changelists ----------------------------------------------------------


def test_the_whole_list_reads_about_and_its_length_is_estimated(client, superuser, planner):
    consultations = [make_consultation() for _ in range(3)]
    with translation.override("ja"):
        response = client.get(CONSULTATIONS)
    changelist = response.context["cl"]
    assert (changelist.paginator.estimated, changelist.result_count) == (True, 100_004)
    assert set(changelist.result_list) == set(consultations)
    html = response.content.decode()
    assert "約100,000件の相談" in html
    assert "データベースの統計による概数です" in html
    assert "結果 100004" not in html  # (the search bar's "N results" is the paginator's count)
    assert 'href="?p=2001"' in html


@pytest.mark.parametrize(
    "params", [{"status__exact": "received"}, {"due": "waiting"}, {"q": "C-"}, {"q": "a@b.jp"}]
)
def test_a_filtered_or_searched_list_is_counted(client, superuser, planner, params):
    make_consultation(), make_consultation()
    changelist = client.get(CONSULTATIONS, params).context["cl"]
    assert changelist.paginator.estimated is False
    assert changelist.result_count == changelist.queryset.count()
    assert planner.asked == []


def test_a_consultant_s_whole_list_is_estimated_too(client, planner):
    """What a consultant may read (unassigned and their own) is all of their list."""
    log_in_staff(client, "Consultants", "suzuki")
    make_consultation()
    changelist = client.get(CONSULTATIONS).context["cl"]
    assert changelist.paginator.estimated is True
    assert "assigned_to" in str(planner.asked[0].query)  # (their part of the table)
    assert (
        client.get(CONSULTATIONS, {"assigned": "none"}).context["cl"].paginator.estimated is False
    )


def test_without_an_estimate_the_page_is_django_s(client, superuser):
    """SQLite (and a short table on PostgreSQL): the exact count, as Django says it."""
    make_consultation(), make_consultation()
    response = client.get(CONSULTATIONS)
    assert response.context["cl"].paginator.estimated is False
    assert response.context["cl"].result_count == 2
    assert "estimated-count" not in response.content.decode()


# --- What a row costs -------------------------------------------------------------------


def encrypted(model) -> set[str]:
    return {f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextMixin)}


def test_a_row_is_read_without_the_encrypted_columns_the_list_does_not_show(client, superuser):
    make_consultation()
    register(make_seminar(), 1)
    consultation = client.get(CONSULTATIONS).context["cl"].result_list[0]
    assert consultation.get_deferred_fields() == encrypted(Consultation)
    registration = client.get(REGISTRATIONS).context["cl"].result_list[0]
    shown = {"name", "email", "organisation"}
    assert registration.get_deferred_fields() == encrypted(Registration) - shown
    assert (registration.name, registration.organisation) == ("山田 花子1", "東京商事")


def test_nor_those_of_the_records_read_with_it(client, superuser):
    from dispatch.tests.factories import approved_application

    staff = User.objects.create_user("coordinator", is_staff=True)
    approved_application(staff)
    row = client.get(APPLICATIONS).context["cl"].result_list[0]
    assert row.get_deferred_fields() == encrypted(DispatchApplication)
    assert row.expert.get_deferred_fields() == {"email", "phone"}


def test_the_action_checkbox_is_django_s_markup(client, superuser):
    """Written directly, the checkbox is what Django renders through the form widget,
    escaping included, in either language."""
    application = make_application(organisation_name='<b>"協会" & 株式会社</b>')
    model_admin = admin.site.get_model_admin(DispatchApplication)
    for language in ("ja", "en"):
        with translation.override(language):
            ours = model_admin.action_checkbox(application)
            assert ours == ModelAdmin.action_checkbox(model_admin, application)


def test_a_row_s_link_is_the_one_django_reverses(client, superuser):
    for _ in range(3):
        make_consultation()
    changelist = client.get(CONSULTATIONS).context["cl"]
    for row in changelist.result_list:
        assert changelist.url_for_result(row) == ChangeList.url_for_result(changelist, row)
        assert changelist.url_for_result(row) == reverse(
            "admin:consultations_consultation_change", args=[row.pk]
        )


def test_the_columns_each_list_decrypts_are_fields():
    """(A typo in ``list_decrypted`` would only show as a query per row.)"""
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, LargeListAdmin):
            names = {f.name for f in model._meta.concrete_fields}
            for name in model_admin.list_decrypted:
                assert name.split("__")[0] in names, (model, name)


# --- Orderings and filters ---------------------------------------------------------------


def test_registrations_are_newest_first_and_one_session_s_in_the_order_people_came(
    client, superuser
):
    first, second = make_seminar(), make_seminar(starts_in_days=30)
    came = [register(first, 1), register(second, 2), register(first, 3)]
    for minutes, registration in enumerate(came):  # (one minute apart)
        Registration.objects.filter(pk=registration.pk).update(
            registered_at=timezone.now() + dt.timedelta(minutes=minutes)
        )
    newest_first = client.get(REGISTRATIONS).context["cl"].result_list
    assert list(newest_first) == came[::-1]
    session = client.get(REGISTRATIONS, {"seminar__id__exact": first.pk}).context["cl"]
    assert list(session.result_list) == [came[0], came[2]]


def test_the_outbox_s_template_filter_lists_each_template_once(client, superuser):
    make_consultation(), make_consultation()
    register(make_seminar(), 1)
    templates = sorted(set(OutboxEmail.objects.values_list("template", flat=True)))
    changelist = client.get(OUTBOX).context["cl"]
    (spec,) = [s for s in changelist.filter_specs if getattr(s, "field_path", "") == "template"]
    offered = [choice["display"] for choice in spec.choices(changelist)][1:]  # (after "All")
    assert offered == templates and len(templates) >= 2
    picked = client.get(OUTBOX, {"template": templates[0]}).context["cl"]
    assert {email.template for email in picked.result_list} == {templates[0]}


def test_the_fiscal_years_filter_lists_the_years_there_are(client, superuser):
    make_application(at=dt.datetime(2025, 5, 1, 10, tzinfo=TOKYO))
    make_application(at=dt.datetime(2027, 5, 1, 10, tzinfo=TOKYO))
    changelist = client.get(APPLICATIONS).context["cl"]
    (spec,) = [s for s in changelist.filter_specs if getattr(s, "field_path", "") == "fiscal_year"]
    assert [choice["display"] for choice in spec.choices(changelist)][1:] == ["2025", "2027"]


@on_postgresql
def test_distinct_values_are_found_through_the_index_on_postgresql():
    make_consultation(), make_consultation()
    register(make_seminar(), 1)
    expected = sorted(set(OutboxEmail.objects.values_list("template", flat=True)))
    assert distinct_values(OutboxEmail, "template") == expected


def test_the_deadline_column_reads_the_office_calendar_once_a_page(client, superuser, monkeypatch):
    from core import business_days

    for _ in range(3):
        make_application(at=timezone.now())  # (contact due in the coming days)
    calls = []
    next_business_day = business_days.next_business_day
    monkeypatch.setattr(
        business_days,
        "next_business_day",
        lambda *a, **k: calls.append(a) or next_business_day(*a, **k),
    )
    html = client.get(APPLICATIONS).content.decode()
    assert len(calls) == 1
    assert html.count('class="field-deadline"') == 3
