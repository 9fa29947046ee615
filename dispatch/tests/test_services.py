"""Deadlines, transitions, the five-visit cap, alerts, ranking and the emails."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import override_settings
from icalendar import Calendar

from dispatch import services
from dispatch.models import (
    TRANSITIONS,
    WORKFLOW,
    DeadlineAlert,
    DispatchApplication,
    Status,
    VisitStatus,
)
from mail.models import OutboxEmail

from .factories import TOKYO, approved_application, make_application, make_expert

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat
PLANNING = dt.datetime(2026, 5, 20, 9, tzinfo=TOKYO)  # when the tests' visits are planned
AFTERWARDS = dt.datetime(2026, 7, 1, 9, tzinfo=TOKYO)  # when they are recorded


def codes(error: ValidationError) -> dict[str, list[str]]:
    """The codes of a refusal, by the field it names (``None``: about the whole step)."""
    if hasattr(error, "error_dict"):
        return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}
    return {None: [e.code for e in error.error_list]}


@pytest.fixture
def staff():
    return User.objects.create_user("coordinator", is_staff=True)


@pytest.mark.parametrize(
    "submitted, received, contact_due",
    [
        ("2026-05-01T10:00", "2026-05-01", "2026-05-13"),  # DOMAIN.md 4.4
        ("2026-09-18T10:00", "2026-09-18", "2026-09-30"),
        ("2026-12-25T10:00", "2026-12-25", "2027-01-07"),
        ("2026-12-28T10:00", "2026-12-28", "2027-01-08"),
        ("2027-03-19T10:00", "2027-03-19", "2027-03-29"),
        ("2027-04-28T10:00", "2027-04-28", "2027-05-11"),
        ("2026-05-01T17:30", "2026-05-07", "2026-05-14"),  # after hours, before Golden Week
        ("2026-12-31T09:00", "2027-01-04", "2027-01-12"),  # year-end closure, then 1-11 holiday
    ],
)
def test_contact_deadline_is_five_business_days_after_receipt(submitted, received, contact_due):
    at = dt.datetime.fromisoformat(submitted).replace(tzinfo=TOKYO)
    application = make_application(at=at)
    assert application.received_on == D(received)
    assert application.contact_due_on == D(contact_due)


@pytest.mark.parametrize(
    "held_on, decision_due",
    [("2026-05-18", "2026-05-25"), ("2026-12-25", "2027-01-07"), ("2026-09-19", "2026-10-01")],
)
def test_decision_deadline_is_five_business_days_after_the_interview(staff, held_on, decision_due):
    application = make_application()
    services.record_contact(application, by=staff)
    services.schedule_interview(
        application,
        by=staff,
        at=dt.datetime(2026, 5, 12, 10, tzinfo=TOKYO),
        now=PLANNING.replace(day=8),
    )
    held = services.record_interview(application, by=staff, held_on=D(held_on), today=D(held_on))
    assert held.decision_due_on == D(decision_due)


def test_fiscal_year_runs_april_to_march():
    assert make_application(at=dt.datetime(2027, 3, 31, 10, tzinfo=TOKYO)).fiscal_year == 2026
    assert make_application(at=dt.datetime(2027, 4, 1, 10, tzinfo=TOKYO)).fiscal_year == 2027


ALL_MOVES = [(a, b) for a in Status.values for b in Status.values if a != b]


@pytest.mark.parametrize("from_status, to_status", ALL_MOVES)
def test_every_move_is_allowed_exactly_when_the_table_says(staff, from_status, to_status):
    application = make_application()
    DispatchApplication.objects.filter(pk=application.pk).update(status=from_status)
    if to_status in TRANSITIONS[from_status]:
        moved = WORKFLOW.move(application, to_status, by=staff, action="test")
        assert moved.status == to_status
        event = moved.events.latest("pk")
        assert (event.by, event.from_status, event.to_status) == (staff, from_status, to_status)
    else:
        with pytest.raises(ValidationError) as error:
            WORKFLOW.move(application, to_status, by=staff, action="test")
        assert error.value.code == "invalid_transition"


def test_a_visit_is_named_by_its_tokyo_date(staff):
    """Before 09:00 in Tokyo the UTC date is the day before: the name says the Tokyo one (the
    label of the visit in the admin's "Record a visit" and "Cancel a visit" lists)."""
    application = approved_application(staff)
    visit = services.plan_visit(
        application,
        by=staff,
        starts_at=dt.datetime(2026, 6, 2, 8, 30, tzinfo=TOKYO),
        override=True,
        override_reason="早朝しか時間が取れないため",
        now=PLANNING,
    )
    visit.refresh_from_db()  # aware, in UTC: 23:30 on 1 June
    assert visit.starts_at.utcoffset() == dt.timedelta(0)
    assert str(visit) == f"{application.reference} 2026-06-02"


def test_the_whole_journey_emails_the_applicant(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    expert = make_expert(name="Ichiro Sato")
    with django_capture_on_commit_callbacks(execute=True):
        application = approved_application(staff, expert=expert, language="en")
        visit = services.plan_visit(
            application, by=staff, starts_at=dt.datetime(2026, 6, 2, 14, tzinfo=TOKYO), now=PLANNING
        )
    subjects = [m.subject for m in mailoutbox]
    ref = application.reference
    assert subjects == [
        f"[{ref}] We have received your application for expert dispatch",
        f"[{ref}] Your preliminary interview is arranged",
        f"[{ref}] The decision on your application for expert dispatch",
        f"[{ref}] An expert visit is planned",
        f"[{ref}] 訪問日程が決まりました",
    ]
    acknowledgement, interview, decision, to_applicant, to_expert = mailoutbox
    assert "Tuesday 12 May 2026, 10:00" in interview.body
    assert "Wednesday 13 May 2026" in acknowledgement.body  # we will contact you by
    assert f"/en/dispatch/status/{application.token}/" in acknowledgement.body
    assert "Your expert is Ichiro Sato" in decision.body
    assert to_expert.to == [expert.email]
    for message in (to_applicant, to_expert):
        event = Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")[0]
        assert event.decoded("dtstart") == visit.starts_at
        assert str(event["location"]) == "東京都新宿区西新宿2-8-1"
    application.refresh_from_db()
    assert application.status == Status.SCHEDULING


def test_rejection_gives_the_reason_in_the_applicants_language(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = make_application(language="ja")
        services.reject_application(application, by=staff, reason="都外の団体のため")
    assert "都外の団体のため" in mailoutbox[-1].body
    assert "派遣" in mailoutbox[-1].subject


def test_an_inactive_expert_cannot_be_assigned(staff):
    application = make_application()
    services.record_contact(application, by=staff)
    services.schedule_interview(
        application,
        by=staff,
        at=dt.datetime(2026, 5, 12, 10, tzinfo=TOKYO),
        now=PLANNING.replace(day=8),
    )
    services.record_interview(application, by=staff, held_on=D("2026-05-18"), today=D("2026-05-18"))
    with pytest.raises(ValidationError) as error:
        services.approve_application(application, by=staff, expert=make_expert(active=False))
    assert error.value.code == "inactive_expert"
    application.refresh_from_db()
    assert application.status == Status.INTERVIEW_HELD and application.expert is None


def test_a_second_click_never_sends_the_decision_twice(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_application()
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_application(application, by=staff, reason="都外の団体のため")
        with pytest.raises(ValidationError) as error:
            services.reject_application(application, by=staff, reason="again")
    assert error.value.code == "already"
    assert len([m for m in mailoutbox if "派遣" in m.subject and "結果" in m.subject]) == 1
    application.refresh_from_db()
    assert application.decision_reason == "都外の団体のため"


def test_five_visits_at_most_per_organisation_and_fiscal_year(staff):
    application = approved_application(staff)
    start = dt.datetime(2026, 6, 1, 14, tzinfo=TOKYO)
    visits = [
        services.plan_visit(
            application, by=staff, starts_at=start + dt.timedelta(days=i), now=PLANNING
        )
        for i in range(5)
    ]
    with pytest.raises(ValidationError) as error:
        services.plan_visit(
            application, by=staff, starts_at=start + dt.timedelta(days=9), now=PLANNING
        )
    assert error.value.code == "visit_limit"
    # A cancelled visit frees its place; a second application of the same organisation
    # in the same fiscal year shares the five.
    services.cancel_visit(visits[0], by=staff, reason="台風のため")
    cancellations = OutboxEmail.objects.filter(
        template__startswith="dispatch/emails/visit_cancelled"
    )
    assert cancellations.count() == 2  # the applicant and the expert
    event = Calendar.from_ical(cancellations.first().attachments[0]["content"]).walk("VEVENT")[0]
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]).startswith(f"dispatch-visit-{visits[0].pk}@")
    services.plan_visit(
        application, by=staff, starts_at=start + dt.timedelta(days=14), now=PLANNING
    )
    second = approved_application(staff)
    with pytest.raises(ValidationError) as error:
        services.plan_visit(second, by=staff, starts_at=start + dt.timedelta(days=15), now=PLANNING)
    assert error.value.code == "visit_limit"


def test_another_expert_needs_a_reason(staff):
    application = approved_application(staff)
    other = make_expert(name="鈴木 花子")
    start = dt.datetime(2026, 6, 1, 14, tzinfo=TOKYO)
    with pytest.raises(ValidationError) as error:
        services.plan_visit(application, by=staff, starts_at=start, expert=other, now=PLANNING)
    assert codes(error.value) == {"change_reason": ["reason_required"]}
    visit = services.plan_visit(
        application,
        by=staff,
        starts_at=start,
        expert=other,
        change_reason="メンタルヘルスの専門家が必要",
        now=PLANNING,
    )
    assert visit.expert == other


def test_recorded_visit_moves_the_application_on(staff):
    application = approved_application(staff)
    visit = services.plan_visit(
        application, by=staff, starts_at=dt.datetime(2026, 6, 1, 14, tzinfo=TOKYO), now=PLANNING
    )
    services.record_visit(visit, by=staff, report="マニュアル案の骨子を確認", now=AFTERWARDS)
    application.refresh_from_db()
    visit.refresh_from_db()
    assert application.status == Status.IN_PROGRESS and visit.status == VisitStatus.DONE
    services.complete_application(application, by=staff, completion="manual_delivered")


@override_settings(
    DISPATCH_COORDINATORS_EMAIL="team@example.jp", OFFICE_LEAD_EMAIL="lead@example.jp"
)
def test_deadline_alerts_remind_escalate_once_and_never_on_closed_days(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_application()  # received Fri 2026-05-01, contact due Wed 2026-05-13
    done = make_application()
    services.record_contact(done, by=staff)  # the step is done: no alert for it
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_deadline_alerts(today=D("2026-05-11")) == 0  # two days before
        assert services.send_deadline_alerts(today=D("2026-05-12")) == 1  # the day before
        assert services.send_deadline_alerts(today=D("2026-05-12")) == 0  # run twice
        assert services.send_deadline_alerts(today=D("2026-05-13")) == 0  # due today
        assert services.send_deadline_alerts(today=D("2026-05-16")) == 0  # Saturday
        assert services.send_deadline_alerts(today=D("2026-05-14")) == 1  # missed: escalate
        assert services.send_deadline_alerts(today=D("2026-05-15")) == 0  # only once
    assert [(m.to, "期限" in m.subject) for m in mailoutbox] == [
        (["team@example.jp"], True),
        (["lead@example.jp"], True),
    ]
    assert application.reference in mailoutbox[0].subject
    assert "東京小売業" not in mailoutbox[0].subject  # no organisation name in subjects
    assert DeadlineAlert.objects.count() == 2


def test_decision_deadline_alerts_stop_once_decided(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_application()
    services.record_contact(application, by=staff)
    services.schedule_interview(
        application,
        by=staff,
        at=dt.datetime(2026, 5, 18, 10, tzinfo=TOKYO),
        now=PLANNING.replace(day=8),
    )
    services.record_interview(
        application, by=staff, held_on=D("2026-05-18"), today=D("2026-05-18")
    )  # due 05-25
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_deadline_alerts(today=D("2026-05-22")) == 1  # Fri before Mon
        services.approve_application(application, by=staff, expert=make_expert())
        assert services.send_deadline_alerts(today=D("2026-05-26")) == 0  # decided in time


def test_ranking_prefers_industry_and_specialism_and_explains_why(staff):
    application = make_application(industry="retail", support_wanted=["mental_care"])
    retail = make_expert(name="A retail labour", specialisms=["labour"], industries=["retail"])
    mental = make_expert(name="B mental", specialisms=["mental_health"], industries=["medical"])
    both = make_expert(name="C both", specialisms=["mental_health"], industries=["retail"])
    make_expert(
        name="D inactive", specialisms=["mental_health"], industries=["retail"], active=False
    )
    ranked = services.rank_experts(application)
    assert [s.expert for s in ranked] == [both, retail, mental]
    assert [s.score for s in ranked] == [5, 3, 2]
    assert any("industry" in r or "業種" in r for r in ranked[0].reasons)
    # A busy expert drops.
    for _ in range(3):
        approved_application(staff, expert=both)
    assert services.rank_experts(application)[0].expert == retail
