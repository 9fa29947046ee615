"""The "more information needed" step: asking, pausing the deadline, the answer, and the
documents (checked by content, stored encrypted, removed with the personal data)."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone, translation

from core import documents, retention
from dispatch import information, services
from dispatch.models import (
    SCREENING,
    TRANSITIONS,
    DispatchApplication,
    DispatchDocument,
    Status,
)

from .documents import PDF, PNG, TEXT, upload
from .factories import TOKYO, make_application

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(D(day), dt.time(hour), tzinfo=TOKYO)


@pytest.fixture
def staff():
    return User.objects.create_user("coordinator", is_staff=True)


def codes(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}
    return {None: [e.code for e in error.error_list]}


def test_every_screening_status_may_ask_and_the_answer_goes_back_only_there():
    for status in SCREENING:
        assert Status.INFO_REQUESTED in TRANSITIONS[status]
    assert TRANSITIONS[Status.INFO_REQUESTED] == SCREENING | {Status.REJECTED, Status.WITHDRAWN}
    for status in (Status.APPROVED, Status.SCHEDULING, Status.IN_PROGRESS, Status.COMPLETED):
        assert Status.INFO_REQUESTED not in TRANSITIONS[status]


def test_asking_records_the_question_pauses_the_clock_and_emails_the_link(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_application(at=at("2026-12-07"))
    assert application.contact_due_on == D("2026-12-14")
    with django_capture_on_commit_callbacks(execute=True):
        asked = information.request_information(
            application, by=staff, what="定款の写しを送ってください。", now=at("2026-12-09")
        )
    assert asked.status == Status.INFO_REQUESTED
    assert (asked.paused_from, asked.paused_on) == (Status.SUBMITTED, D("2026-12-09"))
    assert asked.information_request == "定款の写しを送ってください。"
    event = asked.events.get(action="info_requested")
    assert (event.by, event.note) == (staff, "定款の写しを送ってください。")
    (email,) = mailoutbox
    assert email.to == ["office@kumiai.example.jp"]
    assert email.subject.startswith(f"[{application.reference}]")
    assert application.token not in email.subject
    assert "定款の写しを送ってください。" in email.body
    assert f"/ja/dispatch/status/{application.token}/" in email.body


@pytest.mark.parametrize(
    "sent, asked, answered, due_before, due_after",
    [
        # Asked Wed 9, answered Fri 11 in the morning: Thu 10 and Fri 11 paused. Three
        # business days were left after Wed (10, 11, 14), three are left after Fri (14-16).
        (at("2026-12-07"), at("2026-12-09"), at("2026-12-11"), "2026-12-14", "2026-12-16"),
        # Answered Fri after office hours: it counts from Mon 14, so Mon is paused too.
        (at("2026-12-07"), at("2026-12-09"), at("2026-12-11", 18), "2026-12-14", "2026-12-17"),
        # Answered the same day it was asked: nothing paused.
        (at("2026-12-07"), at("2026-12-09"), at("2026-12-09", 15), "2026-12-14", "2026-12-14"),
        # Over the year-end closure (29 Dec to 3 Jan): asked Thu 24 Dec, answered Tue 5 Jan;
        # paused: Fri 25, Mon 28, Mon 4, Tue 5 (4) -> Fri 25 Dec + 4 = Wed 6 Jan.
        (at("2026-12-18"), at("2026-12-24"), at("2027-01-05"), "2026-12-25", "2027-01-06"),
    ],
)
def test_the_contact_deadline_moves_on_by_the_business_days_it_was_paused(
    staff, sent, asked, answered, due_before, due_after
):
    application = make_application(at=sent)
    assert application.contact_due_on == D(due_before)
    information.request_information(application, by=staff, what="会員名簿", now=asked)
    back = information.receive_information(application, text="送付します。", now=answered)
    assert back.status == Status.SUBMITTED
    assert back.contact_due_on == D(due_after)
    assert (back.paused_from, back.paused_on) == ("", None)
    assert back.events.last().action == "info_received"


def test_the_decision_deadline_is_paused_after_the_interview(staff):
    application = make_application()  # sent 1 May 2026
    services.record_contact(application, by=staff)
    services.schedule_interview(application, by=staff, at=at("2026-05-18"), now=at("2026-05-08"))
    held = services.record_interview(
        application, by=staff, held_on=D("2026-05-18"), today=D("2026-05-18")
    )
    assert held.decision_due_on == D("2026-05-25")
    information.request_information(held, by=staff, what="納税証明書", now=at("2026-05-19"))
    # Wed 20 and Thu 21 paused: the decision is due two business days later.
    back = information.receive_information(held, text="添付します。", now=at("2026-05-21"))
    assert (back.status, back.decision_due_on) == (Status.INTERVIEW_HELD, D("2026-05-27"))


def test_a_step_without_a_deadline_goes_back_unchanged(staff):
    application = make_application(at=at("2026-12-07"))
    contacted = services.record_contact(application, by=staff)
    information.request_information(contacted, by=staff, what="?", now=at("2026-12-09"))
    back = information.receive_information(contacted, text="!", now=at("2026-12-16"))
    assert back.status == Status.CONTACTED
    assert back.contact_due_on == D("2026-12-14")  # met already: not moved


def test_a_paused_application_is_neither_overdue_nor_alerted(staff):
    waiting = make_application(at=at("2026-12-07"))
    running = make_application(at=at("2026-12-07"), organisation_name="別の組合")
    information.request_information(waiting, by=staff, what="?", now=at("2026-12-09"))
    queryset = DispatchApplication.objects
    assert list(queryset.overdue(on=D("2026-12-21"))) == [running]
    assert list(queryset.due_between(D("2026-12-14"), D("2026-12-14"))) == [running]
    # The reminder the business day before (11 Dec) and the escalation after (15 Dec).
    assert services.send_deadline_alerts(today=D("2026-12-11")) == 1
    assert services.send_deadline_alerts(today=D("2026-12-15")) == 1
    assert not waiting.alerts.exists()


def test_refused_moves(staff):
    application = make_application(at=at("2026-12-07"))
    with pytest.raises(ValidationError) as refused:
        information.request_information(application, by=staff, what="  ")
    assert codes(refused.value) == {"what": ["required"]}
    with pytest.raises(ValidationError) as refused:
        information.receive_information(application, text="まだ聞かれていません")
    assert codes(refused.value) == {None: ["invalid_transition"]}
    information.request_information(application, by=staff, what="?", now=at("2026-12-09"))
    with pytest.raises(ValidationError) as refused:
        information.request_information(application, by=staff, what="again")
    assert codes(refused.value) == {None: ["already"]}
    with pytest.raises(ValidationError) as refused:
        information.receive_information(application, text=" ")
    assert codes(refused.value) == {"answer": ["required"]}
    application.refresh_from_db()
    assert (application.status, application.paused_from) == (
        Status.INFO_REQUESTED,
        Status.SUBMITTED,
    )
    services.reject_application(application, by=staff, reason="回答がありません。")
    with pytest.raises(ValidationError) as refused:
        information.request_information(application, by=staff, what="?")
    assert codes(refused.value) == {None: ["invalid_transition"]}


def test_while_waiting_the_screening_steps_wait_and_an_end_ends_the_pause(staff):
    """Only the answer puts the application back; contact, interview and "held" are refused
    while the office waits for it. A rejection ends the pause."""
    application = make_application(at=at("2026-12-07"))
    information.request_information(application, by=staff, what="?", now=at("2026-12-08"))
    refusals = [
        lambda: services.record_contact(application, by=staff),
        lambda: services.schedule_interview(
            application, by=staff, at=at("2026-12-15", 14), now=at("2026-12-09")
        ),
        lambda: services.record_interview(
            application, by=staff, held_on=D("2026-12-09"), today=D("2026-12-09")
        ),
    ]
    for step in refusals:
        with pytest.raises(ValidationError) as refused:
            step()
        assert refused.value.code == "waiting_for_applicant"
    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED
    rejected = services.reject_application(application, by=staff, reason="要件を満たしません。")
    assert (rejected.status, rejected.paused_from, rejected.paused_on) == ("rejected", "", None)


def test_no_information_is_asked_once_approved(staff):
    from .factories import approved_application

    application = approved_application(staff)
    with pytest.raises(ValidationError) as refused:
        information.request_information(application, by=staff, what="?")
    assert codes(refused.value) == {None: ["invalid_transition"]}


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("articles.png", PDF, "a PDF document"),  # a PDF renamed .png
        ("members.pdf", TEXT, "not a PDF, PNG or JPEG"),  # a text file renamed .pdf
        ("members.docx", PDF, "a PDF document"),  # a PDF under another ending
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(name, content, code):
    with translation.override("en"):
        (problem,) = information.upload_problems([upload(name, content, "image/png")])
    assert name in problem and code in problem and "“Documents”" in problem


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.mark.usefixtures("english")
@override_settings(DISPATCH_DOCUMENT_MAX_BYTES=100, DISPATCH_DOCUMENTS_PER_UPLOAD=2)
def test_size_and_number_of_files_are_limited():
    (problem,) = information.upload_problems([upload("big.pdf", PDF + b" " * 100)])
    assert "big.pdf" in problem and "100" in problem
    (problem,) = information.upload_problems([upload(f"{n}.png", PNG) for n in range(3)])
    assert "at most 2 files" in problem
    assert information.upload_problems([upload("a.pdf", PDF[:90]), upload("b.png", PNG)]) == []


def test_documents_are_stored_encrypted_under_a_random_name(documents_root):
    application = make_application()
    stored = information.add_documents(
        application, documents=[upload("定款.pdf", PDF), upload("名簿.PNG", PNG)], kind="articles"
    )
    assert [(d.original_name, d.content_type, d.size) for d in stored] == [
        ("定款.pdf", "application/pdf", len(PDF)),
        ("名簿.PNG", "image/png", len(PNG)),
    ]
    files = sorted(p for p in documents_root.rglob("*") if p.is_file())
    assert len(files) == 2
    for path in files:
        raw = path.read_bytes()
        assert PDF not in raw and PNG not in raw and b"%PDF" not in raw
        assert "定款" not in path.name and "pdf" not in path.name.lower()
    assert documents.read(stored[0].stored_name) == PDF
    assert application.events.last().action == "documents_added"


def test_a_refused_upload_leaves_no_file(documents_root):
    application = make_application()
    with pytest.raises(ValidationError):
        information.add_documents(
            application, documents=[upload("a.pdf", PDF), upload("b.pdf", TEXT)]
        )
    assert not DispatchDocument.objects.exists()
    assert not documents_root.exists() or not any(p.is_file() for p in documents_root.rglob("*"))


def test_a_failed_save_removes_the_files_already_written(documents_root, monkeypatch):
    application = make_application()

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(information.emails, "queue_information_received", broken)
    with pytest.raises(RuntimeError):
        information.add_documents(application, documents=[upload("a.pdf", PDF)])
    assert not DispatchDocument.objects.exists()
    assert not [p for p in documents_root.rglob("*") if p.is_file()]


def test_no_documents_are_added_once_the_application_is_closed(staff):
    application = make_application()
    services.withdraw_application(application, by=staff)
    with pytest.raises(ValidationError) as refused:
        information.add_documents(application, documents=[upload("a.pdf", PDF)])
    assert codes(refused.value) == {None: ["invalid_transition"]}


def test_retention_removes_the_documents_files_and_rows(
    staff, documents_root, django_capture_on_commit_callbacks
):
    application = make_application()
    information.add_documents(application, documents=[upload("a.pdf", PDF), upload("b.png", PNG)])
    kept = make_application(organisation_name="別の組合")
    (other,) = information.add_documents(kept, documents=[upload("c.pdf", PDF)])
    services.withdraw_application(application, by=staff)
    later = timezone.now() + dt.timedelta(days=3 * 365 + 30)
    with django_capture_on_commit_callbacks(execute=True):
        retention.anonymise_due(now=later)
    application.refresh_from_db()
    assert application.anonymised_at is not None and application.information_request == ""
    assert list(DispatchDocument.objects.all()) == [other]
    files = [p for p in documents_root.rglob("*") if p.is_file()]
    assert [p.name for p in files] == [other.stored_name]
