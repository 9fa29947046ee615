"""The emails of DOMAIN.md 1.3 beyond receipt and decision: the interview's date with a
calendar file, the visit reminder the business day before, and the completion notice."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from dispatch import services
from mail.models import OutboxEmail
from tests.test_calendar_files import assert_valid_ics

from .factories import TOKYO, approved_application, make_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return get_user_model().objects.create_user("coordinator", is_staff=True)


def emails_of(application, template: str) -> list[OutboxEmail]:
    return list(
        OutboxEmail.objects.about(application)
        .filter(template=f"dispatch/emails/{template}")
        .order_by("pk")
    )


def test_the_interview_is_confirmed_with_a_calendar_file(staff):
    application = make_application(at=dt.datetime(2026, 12, 7, 10, tzinfo=TOKYO))
    services.record_contact(application, by=staff)
    at = dt.datetime(2026, 12, 10, 14, tzinfo=TOKYO)
    services.schedule_interview(
        application, by=staff, at=at, now=dt.datetime(2026, 12, 8, 9, tzinfo=TOKYO)
    )
    (sent,) = emails_of(application, "interview")
    assert "2026年12月10日（木）14:00" in sent.body_text
    assert sent.to_email == application.contact_email
    assert application.contact_name not in sent.subject
    event = assert_valid_ics(sent.attachments[0]["content"], method="PUBLISH")
    assert event["UID"].startswith(f"dispatch-interview-{application.pk}@")
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == at
    assert event.decoded("DTEND") == at + dt.timedelta(hours=1)


def planned_visit(staff, starts_at):
    application = approved_application(staff, organisation_name="東京飲食業協会")
    return services.plan_visit(
        application, by=staff, starts_at=starts_at, now=starts_at - dt.timedelta(days=10)
    )


def done_visit(staff):
    starts_at = dt.datetime(2026, 12, 14, 10, tzinfo=TOKYO)
    visit = planned_visit(staff, starts_at)
    return services.record_visit(
        visit, by=staff, report="骨子を確認", now=starts_at + dt.timedelta(hours=2)
    )


def test_a_monday_visit_is_reminded_on_friday_once_to_applicant_and_expert(staff):
    visit = planned_visit(staff, dt.datetime(2026, 12, 14, 10, tzinfo=TOKYO))  # a Monday
    assert services.send_visit_reminders(today=dt.date(2026, 12, 10)) == 0  # Thursday: not yet
    assert services.send_visit_reminders(today=dt.date(2026, 12, 12)) == 0  # Saturday: closed
    assert services.send_visit_reminders(today=dt.date(2026, 12, 11)) == 1  # Friday
    assert services.send_visit_reminders(today=dt.date(2026, 12, 11)) == 0  # once
    reminders = emails_of(visit.application, "visit_reminder")
    to_expert = emails_of(visit.application, "visit_reminder_expert")
    assert len(reminders) == len(to_expert) == 1
    assert reminders[0].to_email == visit.application.contact_email
    assert to_expert[0].to_email == visit.expert.email
    assert "2026年12月14日（月）10:00" in reminders[0].body_text
    assert (
        "次の開庁日に予定している専門家の訪問について、改めてご案内します。"
        in reminders[0].body_text
    )
    assert "次の開庁日に予定している訪問について" in to_expert[0].body_text
    event = assert_valid_ics(reminders[0].attachments[0]["content"], method="PUBLISH")
    assert event["UID"].startswith(f"dispatch-visit-{visit.pk}@")


def test_a_cancelled_visit_is_not_reminded(staff):
    visit = planned_visit(staff, dt.datetime(2026, 12, 14, 10, tzinfo=TOKYO))
    services.cancel_visit(visit, by=staff, reason="先方の都合")
    assert services.send_visit_reminders(today=dt.date(2026, 12, 11)) == 0
    assert emails_of(visit.application, "visit_reminder") == []


def test_the_completion_notice_carries_the_survey_link_when_there_is_one(staff, settings):
    settings.DISPATCH_SURVEY_URL = "https://example.jp/survey/dispatch"
    visit = done_visit(staff)
    services.complete_application(visit.application, by=staff, completion="manual_delivered")
    (notice,) = emails_of(visit.application, "completed")
    assert "https://example.jp/survey/dispatch" in notice.body_text
    assert "東京飲食業協会" in notice.body_text


def test_without_a_survey_the_notice_says_nothing_of_one(staff, settings):
    settings.DISPATCH_SURVEY_URL = ""
    visit = done_visit(staff)
    services.complete_application(visit.application, by=staff, completion="manual_delivered")
    (notice,) = emails_of(visit.application, "completed")
    assert "アンケート" not in notice.body_text and "survey" not in notice.body_text


# --- Completion ---------------------------------------------------------------------------


def test_completion_waits_until_no_visit_is_planned(staff):
    visit = planned_visit(staff, dt.datetime(2026, 12, 14, 10, tzinfo=TOKYO))
    with pytest.raises(ValidationError) as refused:
        services.complete_application(visit.application, by=staff, completion="manual_delivered")
    assert refused.value.code == "visits_planned"


def test_visits_used_means_all_the_visits_wanted_have_taken_place(staff):
    visit = done_visit(staff)  # one of the three visits wanted (the factory's default)
    application = visit.application
    assert application.visits_wanted > 1
    with pytest.raises(ValidationError) as refused:
        services.complete_application(application, by=staff, completion="visits_used")
    assert refused.value.error_dict["completion"][0].code == "visits_left"
    application.visits_wanted = 1
    application.save(update_fields=["visits_wanted"])
    completed = services.complete_application(application, by=staff, completion="visits_used")
    assert (completed.status, completed.completion) == ("completed", "visits_used")


def test_completion_says_how_the_support_ended(staff):
    visit = done_visit(staff)
    with pytest.raises(ValidationError):
        services.complete_application(visit.application, by=staff, completion="")
    completed = services.complete_application(
        visit.application, by=staff, completion="manual_delivered"
    )
    assert completed.completion == "manual_delivered"
    assert completed.events.get(action="completed").to_status == "completed"


def test_a_new_interview_time_updates_the_same_calendar_event(staff):
    application = make_application(at=dt.datetime(2026, 12, 7, 10, tzinfo=TOKYO))
    services.record_contact(application, by=staff)
    arranged = dt.datetime(2026, 12, 8, 9, tzinfo=TOKYO)
    first = dt.datetime(2026, 12, 10, 14, tzinfo=TOKYO)
    services.schedule_interview(application, by=staff, at=first, now=arranged)
    services.schedule_interview(
        application, by=staff, at=first + dt.timedelta(days=1), now=arranged
    )
    sent = emails_of(application, "interview")
    assert len(sent) == 2
    assert "2026年12月11日（金）14:00" in sent[1].body_text
    events = [assert_valid_ics(e.attachments[0]["content"], method="PUBLISH") for e in sent]
    assert events[0]["UID"] == events[1]["UID"]
    assert [int(e["SEQUENCE"]) for e in events] == [0, 1]
    application.refresh_from_db()
    assert application.interview_at == first + dt.timedelta(days=1)
