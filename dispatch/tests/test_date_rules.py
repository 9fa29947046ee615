"""Dates and states of a dispatch (issue 18): no visit in the past, on a closed day or outside
office hours without an exception and its reason; no expert at two visits at once; an
interview arranged for today or later, recorded once held; a visit recorded once it has begun;
the five visits counted by corporate number. Each refusal names the field it is about, and the
admin's step shows it beside that field."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import log_in_staff
from core import business_days
from core.models import OfficeClosure
from dispatch import services
from dispatch.models import EVENT_ACTIONS, DispatchApplication, DispatchVisit, Status

from .factories import (
    TOKYO,
    approved_application,
    business_day_from_today,
    corporate_number_for,
    make_application,
    make_expert,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 5, 20, 11, tzinfo=TOKYO)  # a Wednesday, when the tests plan


def at(day: str, time: str = "14:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=TOKYO)


def codes(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}
    return {None: [e.code for e in error.error_list]}


def refused(call, **kwargs) -> dict:
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    return codes(error.value)


@pytest.fixture
def staff():
    return User.objects.create_user("coordinator", is_staff=True)


@pytest.fixture
def application(staff):
    return approved_application(staff)


def plan(application, staff, starts_at, **kwargs):
    return services.plan_visit(application, by=staff, starts_at=starts_at, now=NOW, **kwargs)


# -- visits ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "starts_at, hours, expected",
    [
        (at("2026-05-19"), 2, {"starts_at": ["in_past"]}),  # yesterday
        (at("2026-05-20", "10:00"), 2, {"starts_at": ["in_past"]}),  # earlier today
        (at("2026-05-23"), 2, {"starts_at": ["closed_day"]}),  # a Saturday
        (at("2026-07-20"), 2, {"starts_at": ["closed_day"]}),  # Marine Day
        (at("2026-12-29"), 2, {"starts_at": ["closed_day"]}),  # the year-end closure
        (at("2026-06-02", "08:30"), 2, {"starts_at": ["outside_office_hours"]}),
        (at("2026-06-02", "16:00"), 2, {"hours": ["outside_office_hours"]}),  # ends 18:00
        (at("2026-06-02", "03:00"), 2, {"starts_at": ["outside_office_hours"]}),
        (
            at("2026-05-16", "03:00"),
            2,
            {"starts_at": ["in_past", "closed_day", "outside_office_hours"]},
        ),
    ],
)
def test_a_visit_breaking_a_date_rule_is_refused_and_names_its_field(
    application, staff, starts_at, hours, expected
):
    assert (
        refused(plan, application=application, staff=staff, starts_at=starts_at, hours=hours)
        == expected
    )
    assert not DispatchVisit.objects.exists()
    assert Status(DispatchApplication.objects.get().status) == Status.APPROVED


def test_a_visit_on_an_office_closure_is_refused(application, staff):
    OfficeClosure.objects.create(date=dt.date(2026, 6, 3), reason="庁舎点検")
    assert refused(plan, application=application, staff=staff, starts_at=at("2026-06-03")) == {
        "starts_at": ["closed_day"]
    }


@pytest.mark.parametrize("start, hours", [("09:00", 2), ("15:00", 2), ("13:00", 4)])
def test_a_visit_within_office_hours_on_a_business_day_is_planned(application, staff, start, hours):
    visit = plan(application, staff, at("2026-06-02", start), hours=hours)
    assert visit.ends_at == at("2026-06-02", start) + dt.timedelta(hours=hours)


def test_an_exception_with_its_reason_plans_the_visit_and_is_written_in_the_history(
    application, staff
):
    visit = plan(
        application,
        staff,
        at("2026-05-23", "10:00"),  # a Saturday
        override=True,
        override_reason="団体の総会に合わせるため",
    )
    assert visit.starts_at == at("2026-05-23", "10:00")
    event = application.events.latest("pk")
    assert event.action == "visit_planned"
    assert "団体の総会に合わせるため" in event.note
    assert "例外（閉庁日）：" in event.note  # the rule waived, in words


def test_an_exception_needs_its_reason(application, staff):
    result = refused(
        plan,
        application=application,
        staff=staff,
        starts_at=at("2026-05-23"),
        override=True,
        override_reason="  ",
    )
    assert result == {"override_reason": ["override_reason_required"]}
    assert not DispatchVisit.objects.exists()


def test_an_expert_is_never_at_two_visits_at_once(staff):
    expert = make_expert(name="佐藤 一郎")
    first = approved_application(staff, expert=expert)
    second = approved_application(staff, expert=expert, organisation_name="東京飲食業協会")
    booked = plan(first, staff, at("2026-06-02", "10:00"))  # 10:00 to 12:00
    for start in ("11:00", "09:00", "10:00"):
        assert refused(
            plan,
            application=second,
            staff=staff,
            starts_at=at("2026-06-02", start),
            override=True,  # (an exception does not lift it)
            override_reason="どうしても",
        ) == {"starts_at": ["expert_busy"]}
    assert plan(second, staff, at("2026-06-02", "12:00")).expert == expert  # right after
    services.cancel_visit(booked, by=staff, reason="延期")
    assert plan(second, staff, at("2026-06-02", "10:00")).expert == expert  # freed


def test_another_expert_may_visit_at_the_same_hour(staff):
    plan(approved_application(staff), staff, at("2026-06-02"))
    other = approved_application(staff, organisation_name="東京飲食業協会")
    assert plan(other, staff, at("2026-06-02")).starts_at == at("2026-06-02")


def test_a_visit_is_recorded_only_once_it_has_begun(application, staff):
    visit = plan(application, staff, at("2026-06-02"))
    assert refused(
        services.record_visit, visit=visit, by=staff, report="済", now=at("2026-06-02", "13:59")
    ) == {"visit": ["not_yet"]}
    done = services.record_visit(visit, by=staff, report="済", now=at("2026-06-02", "14:00"))
    assert done.status == "done"


# -- the interview ---------------------------------------------------------------------------


@pytest.fixture
def contacted(staff):
    application = make_application()  # sent Friday 2026-05-01
    services.record_contact(application, by=staff)
    return application


def test_the_interview_is_arranged_for_today_or_later_on_a_business_day(contacted, staff):
    def schedule(when, **kwargs):
        return services.schedule_interview(contacted, by=staff, at=when, now=NOW, **kwargs)

    assert refused(schedule, when=at("2026-05-19", "10:00")) == {"at": ["in_past"]}
    assert refused(schedule, when=at("2026-05-23", "10:00")) == {"at": ["closed_day"]}
    assert refused(schedule, when=at("2026-05-17", "10:00")) == {"at": ["in_past", "closed_day"]}
    assert refused(schedule, when=at("2026-05-23", "10:00"), override=True, override_reason="") == {
        "override_reason": ["override_reason_required"]
    }
    # Earlier today is today: the interview may be entered on its day.
    assert schedule(at("2026-05-20", "09:00")).interview_at == at("2026-05-20", "09:00")


def test_an_interview_on_a_closed_day_needs_an_exception_with_its_reason(contacted, staff):
    services.schedule_interview(
        contacted,
        by=staff,
        at=at("2026-05-23", "10:00"),
        note="オンライン",
        override=True,
        override_reason="先方の希望で土曜日",
        now=NOW,
    )
    event = contacted.events.latest("pk")
    assert event.action == "interview_scheduled"
    assert "オンライン" in event.note and "先方の希望で土曜日" in event.note


def test_the_interview_is_recorded_once_held_and_not_before_the_application(contacted, staff):
    services.schedule_interview(contacted, by=staff, at=at("2026-05-20", "10:00"), now=NOW)

    def record(held_on):
        return services.record_interview(
            contacted, by=staff, held_on=dt.date.fromisoformat(held_on), today=NOW.date()
        )

    assert refused(record, held_on="2026-05-21") == {"held_on": ["in_future"]}
    assert refused(record, held_on="2026-04-30") == {"held_on": ["before_submission"]}
    assert record("2026-05-20").status == Status.INTERVIEW_HELD


def test_the_decision_comes_only_after_the_interview_is_held(contacted, staff):
    services.schedule_interview(contacted, by=staff, at=at("2026-05-20", "10:00"), now=NOW)
    with pytest.raises(ValidationError) as error:
        services.approve_application(contacted, by=staff, expert=make_expert())
    assert error.value.code == "invalid_transition"


# -- the five visits, by corporate number ----------------------------------------------------


def test_two_names_of_one_corporate_number_share_the_five_visits(staff):
    number = corporate_number_for("東京飲食業協会")
    short = approved_application(
        staff, organisation_name="（一社）東京飲食業協会", corporate_number=number
    )
    full = approved_application(
        staff, organisation_name="一般社団法人東京飲食業協会", corporate_number=number
    )
    for day in range(1, 6):
        plan(short, staff, at(f"2026-06-0{day}"))
    assert services.visits_used(full) == 5
    assert refused(plan, application=full, staff=staff, starts_at=at("2026-06-08")) == {
        None: ["visit_limit"]
    }


def test_one_name_with_two_corporate_numbers_is_two_organisations(staff):
    name = "東京商店会連合会"
    first = approved_application(staff, organisation_name=name, corporate_number="1180301018771")
    second = approved_application(staff, organisation_name=name, corporate_number="7000012050002")
    for day in range(1, 6):
        plan(first, staff, at(f"2026-06-0{day}"))
    assert services.visits_used(second) == 0
    assert plan(second, staff, at("2026-06-08")).application == second


def test_an_application_from_before_the_number_counts_with_its_name(staff):
    old = approved_application(staff, organisation_name="東京小売業協同組合", corporate_number="")
    new = approved_application(staff, organisation_name="東京小売業協同組合")
    assert new.corporate_number and not old.corporate_number
    for day in range(1, 4):
        plan(old, staff, at(f"2026-06-0{day}"))
    plan(new, staff, at("2026-06-04"))
    assert services.visits_used(new) == services.visits_used(old) == 4


def test_the_count_is_the_same_from_the_application_without_a_number(staff):
    """Seen from the older application (no number), the new one's visits count too, and the
    sixth is refused from either side."""
    old = approved_application(staff, organisation_name="東京小売業協同組合", corporate_number="")
    new = approved_application(staff, organisation_name="東京小売業協同組合")
    for day in range(1, 6):
        plan(new, staff, at(f"2026-06-0{day}"))
    assert services.visits_used(old) == 5
    assert refused(plan, application=old, staff=staff, starts_at=at("2026-06-08")) == {
        None: ["visit_limit"]
    }


def test_another_spelling_without_a_number_joins_once_its_number_is_recorded(staff):
    number = corporate_number_for("東京飲食業協会")
    old = approved_application(
        staff, organisation_name="（一社）東京飲食業協会", corporate_number=""
    )
    new = approved_application(
        staff, organisation_name="一般社団法人東京飲食業協会", corporate_number=number
    )
    for day in range(1, 4):
        plan(old, staff, at(f"2026-06-0{day}"))
    assert services.visits_used(new) == 0  # two spellings, no number: not yet one organisation
    with pytest.raises(ValidationError) as wrong:
        services.record_corporate_number(old, by=staff, number="1000012040001")
    assert wrong.value.code == "corporate_number_check_digit"
    services.record_corporate_number(old, by=staff, number=f"{number[:1]}-{number[1:]}")
    assert services.visits_used(new) == 3
    old.refresh_from_db()
    assert old.corporate_number == number
    assert old.events.last().action == "corporate_number_recorded"
    with pytest.raises(ValidationError) as again:
        services.record_corporate_number(old, by=staff, number=number)
    assert again.value.code == "already"


# -- the admin's steps -----------------------------------------------------------------------


@pytest.fixture
def coordinator(client):
    return log_in_staff(client, "Dispatch coordinators", "ito")


def action(application, name):
    return reverse("admin:dispatch_dispatchapplication_action", args=[application.pk, name])


def visit_form(day: dt.datetime, **changes) -> dict:
    return {
        "starts_at_0": f"{day:%Y-%m-%d}",
        "starts_at_1": f"{day:%H:%M}",
        "hours": "2",
        "place": "",
        "expert": "",
        "change_reason": "",
        "override_reason": "",
        **changes,
    }


def last_business_day_before_today() -> dt.date:
    day = timezone.localdate() - dt.timedelta(days=1)
    while not business_days.is_business_day(day):
        day -= dt.timedelta(days=1)
    return day


def row_of(html: str, field: str) -> str:
    """The form row of ``field`` on a step's page."""
    start = html.index(f'name="{field}')
    return html[html.rindex('<div class="form-row', 0, start) : start]


def test_the_visit_step_shows_a_refusal_beside_its_field(client, coordinator):
    application = approved_application(coordinator)
    yesterday = last_business_day_before_today()  # (past, and on no closed day)
    past = dt.datetime.combine(yesterday, dt.time(14), tzinfo=TOKYO)
    response = client.post(action(application, "plan_visit"), visit_form(past))
    assert response.status_code == 200
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["starts_at"]] == ["in_past"]
    assert not form.non_field_errors()
    html = response.content.decode()
    assert "errors" in row_of(html, "starts_at") and "errorlist" in row_of(html, "starts_at")
    assert "例外" in row_of(html, "starts_at")  # says how to go on

    late = business_day_from_today(3, hour=16)
    response = client.post(action(application, "plan_visit"), visit_form(late))
    assert [e.code for e in response.context["form"].errors.as_data()["hours"]] == [
        "outside_office_hours"
    ]
    assert not application.visits.exists()


def test_the_visit_step_takes_an_exception_with_its_reason(client, coordinator):
    application = approved_application(coordinator)
    saturday = business_day_from_today(3, hour=10)
    while saturday.weekday() != 5:
        saturday += dt.timedelta(days=1)
    data = visit_form(saturday, override="on")
    response = client.post(action(application, "plan_visit"), data)
    assert response.context["form"].errors == {
        "override_reason": ["例外とする理由を入力するか、例外のチェックを外してください。"]
    }
    data["override_reason"] = "総会に合わせるため"
    assert client.post(action(application, "plan_visit"), data).status_code == 302
    assert "総会に合わせるため" in application.events.latest("pk").note


def test_the_visit_step_reads_a_date_in_the_japanese_era(client, coordinator):
    application = approved_application(coordinator)
    day = business_day_from_today(4)
    era = f"令和{day.year - 2018}年{day.month}月{day.day}日"
    data = visit_form(day, starts_at_0=era)
    assert client.post(action(application, "plan_visit"), data).status_code == 302
    assert application.visits.get().starts_at == day
    page = client.get(action(application, "plan_visit")).content.decode()
    assert "DateTimeShortcuts.js" in page and "vDateField" in page  # the admin's calendar


def test_the_interview_steps_show_their_refusals_beside_their_fields(client, coordinator):
    application = make_application()
    client.post(action(application, "contact"), {"note": ""})
    yesterday = last_business_day_before_today()  # (past, and on no closed day)
    response = client.post(
        action(application, "interview"),
        {"at_0": f"{yesterday:%Y/%m/%d}", "at_1": "10:00", "note": "", "override_reason": ""},
    )
    assert [e.code for e in response.context["form"].errors.as_data()["at"]] == ["in_past"]
    tomorrow = business_day_from_today(1, hour=10)
    response = client.post(
        action(application, "interview"),
        {"at_0": f"{tomorrow:%Y/%m/%d}", "at_1": "10:00", "note": "", "override_reason": ""},
    )
    assert response.status_code == 302
    response = client.post(
        action(application, "interview_held"), {"held_on": f"{tomorrow:%Y/%m/%d}", "note": ""}
    )
    assert [e.code for e in response.context["form"].errors.as_data()["held_on"]] == ["in_future"]
    assert "errorlist" in row_of(response.content.decode(), "held_on")


def test_the_record_visit_step_refuses_a_visit_still_to_come(client, coordinator):
    application = approved_application(coordinator)
    visit = services.plan_visit(application, by=coordinator, starts_at=business_day_from_today(2))
    response = client.post(action(application, "visit_done"), {"visit": visit.pk, "text": "済"})
    assert [e.code for e in response.context["form"].errors.as_data()["visit"]] == ["not_yet"]


# -- the history in words --------------------------------------------------------------------


def test_every_history_action_the_services_write_has_words():
    import re
    from pathlib import Path

    source = "".join(p.read_text() for p in Path("dispatch").glob("*.py"))
    written = set(re.findall(r'action="([a-z_]+)"', source))
    assert written and written <= set(EVENT_ACTIONS), written - set(EVENT_ACTIONS)


def test_the_history_in_the_admin_is_in_words(client, coordinator):
    application = approved_application(coordinator)
    services.plan_visit(application, by=coordinator, starts_at=business_day_from_today(2))
    html = client.get(
        reverse("admin:dispatch_dispatchapplication_change", args=[application.pk])
    ).content.decode()
    history = html[html.index('id="events-group"') :]
    assert "申込みフォームから送信" in history and "訪問予定を登録" in history
    assert ">visit_planned<" not in history and ">submitted<" not in history
    assert "面談実施済み → 派遣決定" in history and "訪問日程調整中<" in history


def test_the_changelist_finds_an_organisation_by_its_corporate_number(client, coordinator):
    application = make_application(corporate_number="5010401067252")
    make_application(organisation_name="東京飲食業協会")
    changelist = reverse("admin:dispatch_dispatchapplication_changelist")
    found = client.get(changelist, {"q": "5010401067252"}).context["cl"].result_list
    assert list(found) == [application]
    page = client.get(reverse("admin:dispatch_dispatchapplication_change", args=[application.pk]))
    assert "5010401067252" in page.content.decode()  # shown on the application
