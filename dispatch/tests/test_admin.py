"""The coordinators' screens: changelist, buttons with ranked suggestions, roles."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from conftest import log_in_staff
from dispatch.models import DispatchApplication, Status

from .factories import TOKYO, business_day_from_today, make_application, make_expert

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:dispatch_dispatchapplication_changelist")


@pytest.fixture
def coordinator(client):
    return log_in_staff(client, "Dispatch coordinators", "ito")


def action(application, name):
    return reverse("admin:dispatch_dispatchapplication_action", args=[application.pk, name])


def test_changelist_shows_deadlines_and_filters_overdue(client, coordinator, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 5, 14))
    late = make_application()  # contact due 2026-05-13: overdue on the 14th
    fresh = make_application(at=dt.datetime(2026, 5, 12, 10, tzinfo=TOKYO))
    response = client.get(CHANGELIST)
    html = response.content.decode()
    assert "deadline-overdue" in html and "0 / 5" in html
    overdue = client.get(CHANGELIST, {"deadline": "overdue"}).context["cl"].result_list
    assert list(overdue) == [late]
    week = client.get(CHANGELIST, {"deadline": "week"}).context["cl"].result_list
    assert list(week) == [fresh]
    found = client.get(CHANGELIST, {"q": late.reference}).context["cl"].result_list
    assert list(found) == [late]


def test_coordinator_records_each_step_with_the_buttons(client, coordinator):
    expert = make_expert(name="佐藤 一郎", industries=["retail"])
    make_expert(name="別の専門家", industries=["medical"])
    application = make_application()
    client.post(action(application, "contact"), {"note": "電話で連絡"})
    interview = business_day_from_today(1, hour=10)
    client.post(
        action(application, "interview"),
        {"at_0": f"{interview:%Y-%m-%d}", "at_1": "10:00", "note": ""},
    )
    today = timezone.localdate()  # (held "today": the rule looks at the day, not the plan)
    client.post(action(application, "interview_held"), {"held_on": f"{today}", "note": ""})
    page = client.get(action(application, "approve"))
    suggestions = page.context["action_context"]["suggestions"]
    assert suggestions[0].expert == expert  # the retail expert first, with reasons shown
    assert page.context["form"].initial["expert"] == expert.pk
    client.post(action(application, "approve"), {"expert": expert.pk, "note": ""})
    response = client.post(
        action(application, "plan_visit"),
        {
            "starts_at_0": f"{business_day_from_today(5):%Y-%m-%d}",
            "starts_at_1": "14:00",
            "hours": "2",
            "place": "",
            "expert": "",
            "change_reason": "",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SCHEDULING and application.expert == expert
    assert application.visits.get().place == application.address
    actions = [e.action for e in application.events.all()]
    assert actions == [
        "submitted",
        "contacted",
        "interview_scheduled",
        "interview_held",
        "approved",
        "visit_planned",
    ]


def test_a_refused_step_is_explained(client, coordinator):
    from .factories import approved_application

    application = approved_application(coordinator, expert=make_expert(name="担当"))
    other = make_expert(name="別の専門家")
    response = client.post(
        action(application, "plan_visit"),
        {
            "starts_at_0": "2026-06-02",
            "starts_at_1": "14:00",
            "hours": "2",
            "place": "",
            "expert": other.pk,
            "change_reason": "",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "change_reason": ["別の専門家を派遣する理由を入力してください。"]
    }
    assert not application.visits.exists()


def test_a_step_not_offered_in_the_status_is_not_performed(client, coordinator):
    application = make_application()
    response = client.post(action(application, "approve"), {"expert": make_expert().pk})
    assert response.status_code == 302
    assert DispatchApplication.objects.get().status == Status.SUBMITTED


def test_dispatch_is_invisible_to_other_groups_and_consultations_to_coordinators(client):
    application = make_application()
    consultant = User.objects.create_user("c", password="pw-0123456789", is_staff=True)
    consultant.groups.add(Group.objects.get(name="Consultants"))
    client.force_login(consultant)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(action(application, "contact")).status_code == 403
    assert client.get(reverse("admin:dispatch_expert_changelist")).status_code == 403
    coordinator = User.objects.create_user("d", password="pw-0123456789", is_staff=True)
    coordinator.groups.add(Group.objects.get(name="Dispatch coordinators"))
    client.force_login(coordinator)
    assert client.get(reverse("admin:consultations_consultation_changelist")).status_code == 403
    assert client.get(reverse("admin:seminars_registration_changelist")).status_code == 403


def test_experts_are_edited_with_checkboxes(client, coordinator):
    response = client.post(
        reverse("admin:dispatch_expert_add"),
        {
            "name": "高橋 健",
            "email": "takahashi@example.jp",
            "phone": "",
            "specialisms": ["consumer", "law"],
            "industries": ["retail"],
            "active": "on",
            "notes": "",
        },
    )
    assert response.status_code == 302
    from dispatch.models import Expert

    assert Expert.objects.get().specialisms == ["consumer", "law"]


def test_the_changelist_counts_each_applications_visits_but_not_the_cancelled(client, coordinator):
    from dispatch import services

    from .factories import approved_application

    busy = approved_application(coordinator)
    idle = make_application()
    planned = [
        services.plan_visit(
            busy,
            by=coordinator,
            starts_at=dt.datetime(2026, 6, day, 14, tzinfo=TOKYO),
            now=dt.datetime(2026, 5, 20, 9, tzinfo=TOKYO),
        )
        for day in (2, 9, 16)
    ]
    services.cancel_visit(planned[0], by=coordinator, reason="台風のため")
    changelist = client.get(CHANGELIST).context["cl"]
    counts = {application.pk: application.visit_count for application in changelist.result_list}
    assert counts == {busy.pk: 2, idle.pk: 0}
    column = changelist.list_display.index("visits_used")  # (as the column headers link it)
    fewest_first = client.get(CHANGELIST, {"o": str(column)}).context["cl"].result_list
    most_first = client.get(CHANGELIST, {"o": f"-{column}"}).context["cl"].result_list
    assert [a.pk for a in fewest_first] == [idle.pk, busy.pk]
    assert [a.pk for a in most_first] == [busy.pk, idle.pk]
