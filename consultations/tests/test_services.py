"""Submission, deadlines, every allowed and refused move, and the office's daily digest."""

import datetime as dt
import uuid

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation

from consultations import services
from consultations.models import (
    TRANSITIONS,
    WORKFLOW,
    Consultation,
    ConsultationEvent,
    ConsultationNote,
    Status,
)
from mail.models import OutboxEmail

from .factories import TOKYO, make_consultation, submitted_data

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


@pytest.fixture
def staff():
    return User.objects.create_user("sato", password="x-0123456789", is_staff=True)


@pytest.mark.parametrize(
    "submitted, counts_from, expected_from, due",
    [
        ("2026-12-01T10:00", "2026-12-01", "2026-12-02", "2026-12-04"),  # Tuesday morning
        ("2026-12-04T17:30", "2026-12-07", "2026-12-08", "2026-12-10"),  # Friday evening
        ("2026-12-05T11:00", "2026-12-07", "2026-12-08", "2026-12-10"),  # Saturday
        ("2026-11-23T09:00", "2026-11-24", "2026-11-25", "2026-11-27"),  # Labour Thanksgiving
        ("2026-12-28T18:00", "2027-01-04", "2027-01-05", "2027-01-07"),  # into the New Year
        ("2026-12-30T12:00", "2027-01-04", "2027-01-05", "2027-01-07"),  # year-end closure
        ("2027-05-01T10:00", "2027-05-06", "2027-05-07", "2027-05-11"),  # Golden Week
    ],
)
def test_reply_dates_follow_the_office_calendar(submitted, counts_from, expected_from, due):
    at = dt.datetime.fromisoformat(submitted).replace(tzinfo=TOKYO)
    consultation = make_consultation(at=at)
    assert consultation.received_on == D(counts_from)
    assert consultation.reply_expected_from == D(expected_from)
    assert consultation.reply_due_on == D(due)


def test_submission_stores_the_answers_and_queues_a_confirmation():
    consultation = make_consultation(language="en")
    assert consultation.reference.startswith("C-") and len(consultation.reference) == 10
    assert not set(consultation.reference[2:]) & set("01OI")
    assert consultation.status == Status.RECEIVED
    assert consultation.conduct_types == ["verbal_abuse"]
    email = OutboxEmail.objects.about(consultation).get()
    assert email.language == "en"
    assert email.template == "consultations/emails/confirmation"
    assert ConsultationEvent.objects.get(consultation=consultation).action == "submitted"


def test_the_same_submission_key_gives_the_same_consultation():
    key = uuid.uuid4()
    first, created = services.submit_consultation(
        submitted_data(), submission_key=key, language="ja"
    )
    again, created_again = services.submit_consultation(
        submitted_data(details="other"), submission_key=key, language="ja"
    )
    assert created and not created_again
    assert again.pk == first.pk
    assert Consultation.objects.count() == 1
    assert OutboxEmail.objects.count() == 1


def test_confirmation_email_content_in_japanese(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        consultation = make_consultation(
            at=dt.datetime(2026, 12, 4, 18, 0, tzinfo=TOKYO),
            language="ja",
            details="SECRET-ACCOUNT-MARKER",
        )
    message = mailoutbox[0]
    assert message.to == ["hanako@example.jp"]
    assert message.subject == f"[{consultation.reference}] ご相談を受け付けました"
    assert consultation.reference in message.body
    # The same words as the thanks page: a reply from that day on, and the time received in
    # the one date style (Tokyo time).
    assert "回答予定：2026年12月8日（火）以降" in message.body
    assert "受付日時：2026年12月4日（金）18:00" in message.body  # the email label, not 受付
    assert f"受付番号：{consultation.reference}" in message.body
    assert "0120-182-276" in message.body and "110" in message.body
    assert "法的な判断" in message.body  # the disclaimers
    # The account itself is never sent back by email, nor put in the subject.
    assert "SECRET-ACCOUNT-MARKER" not in message.body + message.subject
    assert "山田" not in message.subject


def test_confirmation_email_in_english(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        consultation = make_consultation(language="en", name="")
    message = mailoutbox[0]
    assert message.subject == f"[{consultation.reference}] We have received your consultation"
    assert "Thank you for contacting us." in message.body
    assert "Reply expected: from Wednesday 2 December 2026" in message.body
    assert f"Reference: {consultation.reference}" in message.body
    assert "Received: Tuesday 1 December 2026, 10:00" in message.body


def test_events_and_records_name_their_moment_in_tokyo_time(staff):
    """Their names show on the consultation's inline rows and in the admin's history."""
    late_utc = dt.datetime(2026, 12, 3, 23, 30, tzinfo=dt.UTC)  # 08:30 on 4 December in Tokyo
    consultation = make_consultation()
    note = services.add_note(consultation, by=staff, text="memo")
    ConsultationEvent.objects.filter(consultation=consultation).update(at=late_utc)
    ConsultationNote.objects.filter(pk=note.pk).update(at=late_utc)
    event = ConsultationEvent.objects.get(consultation=consultation)
    note.refresh_from_db()  # as the database gives them: aware, in UTC
    assert event.at.utcoffset() == note.at.utcoffset() == dt.timedelta(0)
    with translation.override("ja"):  # the action in words, as staff read it
        assert str(event) == f"{consultation.reference} 相談フォームから送信 2026-12-04 08:30"
    assert str(note) == f"{consultation.reference} 2026-12-04 08:30"


ALL_MOVES = [(a, b) for a in Status.values for b in Status.values if a != b]


def force_status(consultation, status):
    Consultation.objects.filter(pk=consultation.pk).update(status=status)
    consultation.refresh_from_db()
    return consultation


@pytest.mark.parametrize("from_status, to_status", ALL_MOVES)
def test_every_move_is_allowed_exactly_when_the_table_says(staff, from_status, to_status):
    consultation = force_status(make_consultation(), from_status)
    allowed = to_status in TRANSITIONS[from_status]
    if allowed:
        moved = WORKFLOW.move(consultation, to_status, by=staff, action="test")
        assert moved.status == to_status
        event = consultation.events.latest("pk")
        assert (event.by, event.from_status, event.to_status) == (staff, from_status, to_status)
    else:
        with pytest.raises(ValidationError) as error:
            WORKFLOW.move(consultation, to_status, by=staff, action="test")
        assert error.value.code == "invalid_transition"
        consultation.refresh_from_db()
        assert consultation.status == from_status


def test_assigning_starts_the_work_and_is_recorded(staff):
    consultation = make_consultation()
    services.assign_consultation(consultation, to=staff, by=staff)
    consultation.refresh_from_db()
    assert consultation.status == Status.IN_PROGRESS and consultation.assigned_to == staff
    event = consultation.events.latest("pk")
    assert event.action == "assigned" and event.from_status == Status.RECEIVED
    # Assigning again to the same person changes nothing.
    services.assign_consultation(consultation, to=staff, by=staff)
    assert consultation.events.filter(action="assigned").count() == 1


def test_a_closed_consultation_cannot_be_assigned(staff):
    consultation = force_status(make_consultation(), Status.CLOSED)
    with pytest.raises(ValidationError):
        services.assign_consultation(consultation, to=staff, by=staff)


def test_reply_is_emailed_in_the_persons_language_and_kept(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    consultation = make_consultation(language="en")
    services.assign_consultation(consultation, to=staff, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.send_reply(consultation, by=staff, body="Here is our advice.\nStay safe.")
    consultation.refresh_from_db()
    assert consultation.status == Status.ANSWERED and consultation.first_response_at
    assert consultation.replies.get() == reply
    message = mailoutbox[-1]
    assert message.subject == f"[{consultation.reference}] Reply from the consultation desk"
    assert "Here is our advice." in message.body


def test_no_reply_before_the_consultation_is_assigned(staff):
    consultation = make_consultation()
    with pytest.raises(ValidationError):
        services.send_reply(consultation, by=staff, body="Too early")
    assert consultation.replies.count() == 0


def test_follow_up_reply_keeps_the_first_response_time(staff):
    consultation = make_consultation()
    services.assign_consultation(consultation, to=staff, by=staff)
    services.send_reply(consultation, by=staff, body="First")
    first = Consultation.objects.get(pk=consultation.pk).first_response_at
    services.send_reply(consultation, by=staff, body="Second")
    consultation.refresh_from_db()
    assert consultation.first_response_at == first
    assert consultation.replies.count() == 2


def test_calls_are_logged_and_a_reached_call_answers(staff):
    consultation = make_consultation()
    services.assign_consultation(consultation, to=staff, by=staff)
    services.request_call(consultation, by=staff)
    services.record_call(consultation, by=staff, reached=False, summary="No answer")
    consultation.refresh_from_db()
    assert consultation.status == Status.AWAITING_CALL
    services.record_call(consultation, by=staff, reached=True, summary="Advised on a manual")
    consultation.refresh_from_db()
    assert consultation.status == Status.ANSWERED
    assert consultation.calls.count() == 2


def test_planning_a_call_needs_a_phone_number(staff):
    consultation = make_consultation(phone="")
    services.assign_consultation(consultation, to=staff, by=staff)
    with pytest.raises(ValidationError):
        services.request_call(consultation, by=staff)


def test_out_of_scope_sends_the_referral(staff, mailoutbox, django_capture_on_commit_callbacks):
    consultation = make_consultation()
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_out_of_scope(consultation, by=staff, referral="東京都労働相談情報センター")
    consultation.refresh_from_db()
    assert consultation.status == Status.OUT_OF_SCOPE
    assert "東京都労働相談情報センター" in mailoutbox[-1].body
    services.close_consultation(consultation, by=staff)
    consultation.refresh_from_db()
    assert consultation.status == Status.CLOSED and consultation.closed_at


def test_internal_notes_never_reach_the_person(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    consultation = make_consultation()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_note(consultation, by=staff, text="INTERNAL-ONLY")
    assert consultation.notes.get().text == "INTERNAL-ONLY"
    assert all("INTERNAL-ONLY" not in m.body for m in mailoutbox)


@override_settings(OFFICE_EMAIL="office@example.jp")
def test_digest_lists_due_and_overdue_once_per_business_day(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    overdue = make_consultation(at=dt.datetime(2026, 11, 30, 10, 0, tzinfo=TOKYO))  # due 12-03
    due_today = make_consultation(at=dt.datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO))  # due 12-04
    answered = make_consultation(at=dt.datetime(2026, 11, 30, 11, 0, tzinfo=TOKYO))
    services.assign_consultation(answered, to=staff, by=staff)
    services.send_reply(answered, by=staff, body="Done")
    make_consultation(at=dt.datetime(2026, 12, 3, 10, 0, tzinfo=TOKYO))  # due later
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_digest(today=D("2026-12-04")) == 2
        assert services.send_due_digest(today=D("2026-12-04")) == 0  # the same day again
    assert len(mailoutbox) == 1
    digest = mailoutbox[0]
    assert digest.to == ["office@example.jp"]
    assert overdue.reference in digest.body and due_today.reference in digest.body
    assert answered.reference not in digest.body
    # Only references and topics: no names, addresses or accounts.
    assert "hanako@example.jp" not in digest.body and "山田" not in digest.body
    assert "shouted" not in digest.body


def test_no_digest_on_closed_days(mailoutbox, django_capture_on_commit_callbacks):
    make_consultation(at=dt.datetime(2026, 11, 30, 10, 0, tzinfo=TOKYO))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_digest(today=D("2026-12-05")) == 0  # Saturday
        assert services.send_due_digest(today=D("2026-12-29")) == 0  # year-end closure
    assert mailoutbox == []
