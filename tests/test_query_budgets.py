"""Query discipline: every public page and every admin changelist has a query budget, and
showing 100 rows costs the same number of queries as showing one."""

import datetime as dt
import itertools
import uuid

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from consultations.models import ConsultationOpening, ReplyTemplate
from consultations.tests.factories import make_consultation
from core.models import OfficeClosure
from dispatch.models import DispatchVisit
from dispatch.tests.factories import approved_application, make_application, make_expert
from faq.models import FaqCategory, FaqEntry
from seminars.tests.factories import make_seminar, register

pytestmark = pytest.mark.django_db

PUBLIC_BUDGET = 5
# On PostgreSQL a changelist asks the planner how long the list is before counting it (one
# planning-only query: core.admin.EstimatedCountPaginator), hence one more than on SQLite.
CHANGELIST_BUDGET = 9
_serial = itertools.count(1)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


# --- Public pages ---------------------------------------------------------------------------


def faq_entries(count: int) -> None:
    category, _created = FaqCategory.objects.get_or_create(
        slug="general", defaults={"title_ja": "一般", "title_en": "General"}
    )
    FaqEntry.objects.bulk_create(
        FaqEntry(
            category=category,
            slug=f"q{next(_serial)}",
            question_ja="質問",
            answer_ja="回答",
            question_en="Question",
            answer_en="Answer",
        )
        for _ in range(count)
    )


def seminars(count: int) -> None:
    for _ in range(count):
        make_seminar()


PUBLIC_PAGES = {
    # page -> what it lists (to compare 1 row with 100), or None
    "home": None,
    "faq:list": faq_entries,
    "consultations:overview": None,
    "consultations:form": None,
    "seminars:overview": seminars,
    "seminars:my_registrations": None,
    "dispatch:overview": None,
    "dispatch:form": None,
    "privacy": None,
    "accessibility": None,
}


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_a_public_page_stays_within_its_budget_whatever_it_lists(client, name, language):
    listed = PUBLIC_PAGES[name]
    with translation.override(language):
        url = reverse(name)
    if listed:
        listed(1)
    few = queries(client, url)
    assert few <= PUBLIC_BUDGET
    if listed:
        listed(99)
        cache.clear()  # whatever the page cached, it must rebuild
        assert queries(client, url) == few


def test_a_seminar_page_stays_within_its_budget(client):
    seminar = make_seminar(capacity=150)
    register(seminar, 1)
    url = reverse("seminars:detail", args=[seminar.pk])
    few = queries(client, url)
    assert few <= PUBLIC_BUDGET
    for index in range(2, 101):
        register(seminar, index)
    cache.clear()
    assert queries(client, url) == few


# --- Admin changelists ----------------------------------------------------------------------


def users(count):
    for _ in range(count):
        get_user_model().objects.create_user(f"user{next(_serial)}", password="pw")


def groups(count):
    Group.objects.bulk_create(Group(name=f"group {next(_serial)}") for _ in range(count))


def totp_devices(count):
    for _ in range(count):
        user = get_user_model().objects.create_user(f"otp{next(_serial)}", password="pw")
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def axes_rows(model, **extra):
    def build(count):
        model.objects.bulk_create(
            model(username=f"user{next(_serial)}", ip_address="192.0.2.1", user_agent="t", **extra)
            for _ in range(count)
        )

    return build


def closures(count):
    start = dt.date(2030, 1, 1)
    OfficeClosure.objects.bulk_create(
        OfficeClosure(date=start + dt.timedelta(days=next(_serial)), reason="Inventory")
        for _ in range(count)
    )


def consultations(count):
    for _ in range(count):
        make_consultation(email=f"c{next(_serial)}@example.jp")  # and its confirmation email


def openings(count):
    staff = get_user_model().objects.create_user(f"reader{next(_serial)}", is_staff=True)
    consultation = make_consultation(email=f"o{next(_serial)}@example.jp")
    ConsultationOpening.objects.bulk_create(
        ConsultationOpening(consultation=consultation, by=staff) for _ in range(count)
    )


def reply_templates(count):
    ReplyTemplate.objects.bulk_create(
        ReplyTemplate(title=f"Template {next(_serial)}", language="ja", body="{name}様")
        for _ in range(count)
    )


def registrations(count):
    seminar = make_seminar(capacity=500)
    for _ in range(count):
        register(seminar, next(_serial))


def applications(count):
    for _ in range(count):
        make_application(organisation_name=f"東京第{next(_serial)}協会")


def experts(count):
    for _ in range(count):
        make_expert(name=f"Expert {next(_serial)}")


def visits(count, *, staff=None):
    """``count`` visits of a new approved application; returns the application."""
    staff = staff or get_user_model().objects.create_user(f"staff{next(_serial)}", is_staff=True)
    application = approved_application(staff, organisation_name=f"協会{next(_serial)}")
    start = timezone.now() + dt.timedelta(days=30)
    DispatchVisit.objects.bulk_create(
        DispatchVisit(
            application=application,
            starts_at=start + dt.timedelta(days=index),
            ends_at=start + dt.timedelta(days=index, hours=2),
            place="会議室",
            expert=application.expert,
        )
        for index in range(count)
    )
    return application


def faq_categories(count):
    FaqCategory.objects.bulk_create(
        FaqCategory(slug=f"c{next(_serial)}", title_ja="分類", title_en="Category")
        for _ in range(count)
    )


BUILDERS = {
    "auth.group": groups,
    "auth.user": users,
    "otp_totp.totpdevice": totp_devices,
    "axes.accessattempt": axes_rows(AccessAttempt, failures_since_start=1),
    "axes.accesslog": axes_rows(AccessLog),
    "axes.accessfailurelog": axes_rows(AccessFailureLog),
    "harassment_portal.officeclosure": closures,
    "mail.outboxemail": consultations,
    "faq.faqcategory": faq_categories,
    "faq.faqentry": faq_entries,
    "consultations.consultation": consultations,
    "consultations.consultationopening": openings,
    "consultations.replytemplate": reply_templates,
    "seminars.seminar": seminars,
    "seminars.registration": registrations,
    "dispatch.dispatchapplication": applications,
    "dispatch.expert": experts,
    "dispatch.dispatchvisit": visits,
}


def test_every_changelist_has_a_builder():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(BUILDERS)


@pytest.mark.parametrize("label", sorted(BUILDERS))
def test_a_changelist_stays_within_its_budget_with_1_or_100_rows(client, label):
    app_label, model_name = label.split(".")
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    client.force_login(
        get_user_model().objects.create_superuser(f"admin-{uuid.uuid4().hex[:6]}", "", "pw")
    )
    BUILDERS[label](1)
    queries(client, url)  # warm: content types and the like are cached per process
    few = queries(client, url)
    assert few <= CHANGELIST_BUDGET

    BUILDERS[label](99)
    many = queries(client, url)
    assert many == few


@pytest.mark.parametrize(
    ("role", "label"),
    [
        ("Consultants", "consultations.consultation"),
        ("Desk leads", "consultations.consultation"),
        ("Supervisors", "consultations.consultationopening"),
        ("Supervisors", "mail.outboxemail"),
        ("Seminar staff", "seminars.registration"),
        ("Dispatch coordinators", "dispatch.dispatchapplication"),
        ("Supervisors", "dispatch.dispatchvisit"),
    ],
)
def test_a_role_sees_its_changelist_within_the_budget(client, role, label):
    app_label, model_name = label.split(".")
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    member = get_user_model().objects.create_user("member", password="pw", is_staff=True)
    member.groups.add(Group.objects.get(name=role))
    client.force_login(member)
    BUILDERS[label](1)
    queries(client, url)
    few = queries(client, url)
    assert few <= CHANGELIST_BUDGET
    BUILDERS[label](99)
    assert queries(client, url) == few


def test_the_case_page_stays_within_its_budget_however_long_the_conversation(client):
    from consultations import conversation
    from consultations import services as consultation_services

    staff = get_user_model().objects.create_user("desk", is_staff=True)
    consultation = make_consultation()
    consultation_services.assign_consultation(consultation, to=staff, by=staff)
    url = reverse("consultations:case", args=[consultation.token])

    def talk():
        consultation_services.send_reply(consultation, by=staff, body="回答")
        conversation.add_message(consultation, "返信")

    talk()
    few = queries(client, url)
    assert few <= PUBLIC_BUDGET
    for _ in range(20):
        talk()
    assert queries(client, url) == few


# --- A case's own admin pages ---------------------------------------------------------------

CASE_PAGE_BUDGET = 30  # the change page: the record, its inlines, history, emails, steps


def _a_case_with(exchanges: int, staff):
    """A consultation with ``exchanges`` replies, messages from the person and notes."""
    from consultations import conversation
    from consultations import services as consultation_services

    consultation = make_consultation()
    consultation_services.assign_consultation(consultation, to=staff, by=staff)
    for _ in range(exchanges):
        consultation_services.add_note(consultation, by=staff, text="メモ")
        consultation_services.send_reply(consultation, by=staff, body="回答")
        conversation.add_message(consultation, "返信")
    return consultation


@pytest.mark.parametrize("page", ["change", "reply", "history"])
def test_a_consultations_admin_pages_cost_the_same_however_long_the_case(client, page):
    """The change page, the reply workspace and the history read a case's replies,
    messages, notes, events and emails in a fixed number of queries: a case with twenty
    exchanges costs what a case with one costs."""
    staff = get_user_model().objects.create_user("lead", password="pw", is_staff=True)
    staff.groups.add(Group.objects.get(name="Desk leads"))
    client.force_login(staff)

    def url(consultation):
        if page == "reply":
            return reverse(
                "admin:consultations_consultation_action", args=[consultation.pk, "reply"]
            )
        return reverse(f"admin:consultations_consultation_{page}", args=[consultation.pk])

    short, long = _a_case_with(1, staff), _a_case_with(20, staff)
    queries(client, url(short))  # warm: content types and the like are cached per process
    few = queries(client, url(short))
    assert few <= CASE_PAGE_BUDGET
    assert queries(client, url(long)) == few


@pytest.mark.parametrize("page", ["change", "history"])
def test_a_dispatch_applications_admin_pages_cost_the_same_however_many_visits(
    client, page, settings, tmp_path
):
    from dispatch.information import add_documents
    from dispatch.tests.documents import PDF, upload

    settings.DOCUMENTS_ROOT = tmp_path
    staff = get_user_model().objects.create_user("coordinator", password="pw", is_staff=True)
    staff.groups.add(Group.objects.get(name="Dispatch coordinators"))
    client.force_login(staff)

    def with_visits(count):
        application = visits(count, staff=staff)
        add_documents(application, documents=[upload(f"書類{i}.pdf", PDF) for i in range(count)])
        return reverse(f"admin:dispatch_dispatchapplication_{page}", args=[application.pk])

    one, five = with_visits(1), with_visits(5)  # (and as many documents)
    queries(client, one)
    few = queries(client, one)
    assert few <= CASE_PAGE_BUDGET
    assert queries(client, five) == few


@pytest.mark.parametrize("page", ["change", "message", "cancel", "attendance"])
def test_a_sessions_admin_pages_cost_the_same_however_many_registrants(client, page):
    """The session's change page and its steps (write to people, cancel, attendance from
    Zoom) count the registrants in the database, not by reading them."""
    staff = get_user_model().objects.create_user("seminars", password="pw", is_staff=True)
    staff.groups.add(Group.objects.get(name="Seminar staff"))
    client.force_login(staff)

    def session_with(count):
        seminar = make_seminar(capacity=count)
        for _ in range(count):
            register(seminar, next(_serial))
        if page == "attendance":  # offered once the session has ended
            seminar.__class__.objects.filter(pk=seminar.pk).update(
                starts_at=timezone.now() - dt.timedelta(hours=3),
                ends_at=timezone.now() - dt.timedelta(hours=1),
            )
        return reverse(f"admin:seminars_seminar_{page}", args=[seminar.pk])

    one, twenty = session_with(1), session_with(20)
    queries(client, one)
    few = queries(client, one)
    assert few <= CASE_PAGE_BUDGET
    assert queries(client, twenty) == few
