"""Retention: personal data is anonymised after its period, history and outbox included."""

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from consultations import services as consultation_services
from consultations.models import Consultation, RequesterType, Topic
from consultations.tests.factories import make_consultation
from core import retention
from core.tasks import apply_retention
from dispatch import services as dispatch_services
from dispatch.models import DispatchApplication, DispatchVisit
from dispatch.tests.factories import TOKYO, approved_application
from mail.models import OutboxEmail
from seminars import links
from seminars import services as seminar_services
from seminars.models import Registration, RegistrationStatus
from seminars.tests.factories import make_seminar, register

pytestmark = pytest.mark.django_db

MARK = "Rt9personalmark"
DAY = dt.timedelta(days=1)


def everything_about(queryset) -> str:
    """Every value of every row, decrypted, as one string."""
    return repr(list(queryset.values()))


def outbox_about(record) -> str:
    return everything_about(OutboxEmail.objects.about(record))


@pytest.fixture
def officer():
    return get_user_model().objects.create_superuser("officer", "officer@example.jp", "pw")


def closed_consultation(officer, **fields) -> Consultation:
    consultation = make_consultation(
        name=f"N {MARK}",
        email=f"{MARK}@example.jp",
        phone="03-1234-5678",
        organisation=f"O {MARK}",
        job_role=f"J {MARK}",
        details=f"D {MARK}",
        tried_so_far=f"T {MARK}",
        requester_type=RequesterType.BUSINESS,
        topic=Topic.POLICY_MANUAL,
        conduct_types=["threats"],
        **fields,
    )
    consultation_services.assign_consultation(consultation, to=officer, by=officer)
    consultation_services.add_note(consultation, text=f"Note {MARK}", by=officer)
    consultation_services.record_call(
        consultation, reached=False, summary=f"Call {MARK}", by=officer
    )
    consultation_services.send_reply(consultation, body=f"Reply {MARK}", by=officer)
    consultation_services.close_consultation(consultation, by=officer, note=f"Close {MARK}")
    return Consultation.objects.get(pk=consultation.pk)


def after_period(setting: str, since: dt.datetime) -> dt.datetime:
    return since + dt.timedelta(days=getattr(settings, setting)) + DAY


def test_the_dry_run_shows_what_is_due_and_changes_nothing(officer):
    closed = closed_consultation(officer)
    open_one = make_consultation(email="open@example.jp")
    out = StringIO()
    later = after_period("RETENTION_CONSULTATION_DAYS", closed.closed_at)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        call_command("apply_retention", "--dry-run", stdout=out)

    report = out.getvalue()
    assert "consultations: 1 would be anonymised" in report
    assert closed.reference in report
    assert open_one.reference not in report
    assert "Dry run: nothing was changed." in report
    assert MARK not in report
    assert Consultation.objects.get(pk=closed.pk).details == f"D {MARK}"
    assert Consultation.objects.get(pk=closed.pk).anonymised_at is None


def test_a_closed_consultation_is_anonymised_everywhere_and_still_counted(officer):
    closed = closed_consultation(officer)
    recent = closed_consultation(officer)
    Consultation.objects.filter(pk=recent.pk).update(closed_at=closed.closed_at + 10 * DAY)
    still_open = make_consultation(email=f"open-{MARK}@example.jp", details=f"Open {MARK}")

    counts = retention.anonymise_due(
        now=after_period("RETENTION_CONSULTATION_DAYS", closed.closed_at)
    )

    assert counts["consultations"] == 1
    gone = Consultation.objects.get(pk=closed.pk)
    assert gone.anonymised_at is not None
    assert (gone.name, gone.email, gone.email_index, gone.details) == ("", "", "", "")
    for related in (
        Consultation.objects.filter(pk=gone.pk),
        gone.history.all(),
        gone.notes.all(),
        gone.replies.all(),
        gone.calls.all(),
        gone.events.all(),
    ):
        assert MARK not in everything_about(related), related.model
    assert gone.history.count() >= 5  # the history is kept, without the personal data
    assert set(gone.history.values_list("email_index", flat=True)) == {""}  # nor its index
    assert gone.history.latest().history_change_reason == "retention"
    assert OutboxEmail.objects.about(gone).exists()
    assert MARK not in outbox_about(gone)
    # What the statistics count is kept.
    assert (gone.requester_type, gone.topic, gone.conduct_types, gone.status) == (
        RequesterType.BUSINESS,
        Topic.POLICY_MANUAL,
        ["threats"],
        "closed",
    )
    assert gone.reply_due_on == closed.reply_due_on
    # Not yet due, or not closed: untouched.
    assert Consultation.objects.get(pk=recent.pk).details == f"D {MARK}"
    assert MARK in outbox_about(recent)
    assert Consultation.objects.get(pk=still_open.pk).details == f"Open {MARK}"


def test_a_consultation_referred_elsewhere_and_left_so_is_anonymised_too(officer):
    referred = make_consultation(details=f"D {MARK}")
    consultation_services.mark_out_of_scope(referred, by=officer, referral=f"R {MARK}")
    referred.refresh_from_db()
    later = after_period("RETENTION_CONSULTATION_DAYS", referred.updated_at)
    assert retention.anonymise_due(now=later - 2 * DAY)["consultations"] == 0
    assert retention.anonymise_due(now=later)["consultations"] == 1
    referred.refresh_from_db()
    assert (referred.details, referred.referral) == ("", "")
    assert MARK not in everything_about(referred.history.all())


def test_a_second_run_finds_nothing_more(officer):
    closed = closed_consultation(officer)
    later = after_period("RETENTION_CONSULTATION_DAYS", closed.closed_at)
    assert retention.anonymise_due(now=later)["consultations"] == 1
    assert retention.anonymise_due(now=later)["consultations"] == 0


def test_registrations_of_a_past_session_are_anonymised():
    past = make_seminar(starts_in_days=5, capacity=1)
    first = register(past, 1, name=f"N {MARK}", question=f"Q {MARK}")
    waiting = register(past, 2, waiting=True, name=f"W {MARK}")
    upcoming = make_seminar(starts_in_days=30)
    kept = register(upcoming, 3, name=f"K {MARK}")
    seminar_services.send_my_registrations(first.email)  # "check my registrations" email
    signed = links.manage_path(first).rstrip("/").rsplit("/", 1)[-1]
    assert links.registration_for(signed) == first

    counts = retention.anonymise_due(now=after_period("RETENTION_REGISTRATION_DAYS", past.ends_at))

    assert counts["seminar registrations"] == 2
    for registration in (first, waiting):
        gone = Registration.objects.get(pk=registration.pk)
        assert gone.anonymised_at is not None
        assert MARK not in everything_about(Registration.objects.filter(pk=gone.pk))
        assert MARK not in everything_about(gone.history.all())
        assert MARK not in outbox_about(gone)
        assert gone.industry == registration.industry  # counted by the statistics
        # Values made per record: a stand-in address of its own and a new token.
        assert gone.email == f"anonymised-{gone.pk}@example.invalid"
        assert gone.token != registration.token
        assert gone.history.latest().history_change_reason == "retention"
    assert OutboxEmail.objects.filter(template="seminars/emails/my_registrations").exists()
    assert MARK not in everything_about(OutboxEmail.objects.all().exclude(object_id=kept.pk))
    assert "person1@example.jp" not in everything_about(
        OutboxEmail.objects.filter(template="seminars/emails/my_registrations")
    )
    assert Registration.objects.get(pk=first.pk).status == RegistrationStatus.CONFIRMED
    assert links.registration_for(signed) is None  # the personal link no longer works
    assert Registration.objects.get(pk=kept.pk).name == f"K {MARK}"


def test_a_finished_dispatch_application_keeps_its_organisation_not_its_people(client, officer):
    application = approved_application(officer, contact_name=f"C {MARK}")
    visit = dispatch_services.plan_visit(
        application,
        by=officer,
        starts_at=dt.datetime(2026, 6, 1, 10, tzinfo=TOKYO),
        now=dt.datetime(2026, 5, 20, 10, tzinfo=TOKYO),  # (planned before it took place)
    )
    dispatch_services.record_visit(visit, by=officer, report=f"Report {MARK}")
    dispatch_services.complete_application(
        application, by=officer, completion="manual_delivered", note=f"Done {MARK}"
    )
    ongoing = approved_application(officer, contact_name=f"Ongoing {MARK}")
    finished_at = timezone.now()
    # A day before the period ends, nothing is due.
    early = retention.anonymise_due(
        now=after_period("RETENTION_DISPATCH_DAYS", finished_at) - 2 * DAY
    )
    assert early["dispatch applications"] == 0

    counts = retention.anonymise_due(now=after_period("RETENTION_DISPATCH_DAYS", finished_at))

    assert counts["dispatch applications"] == 1
    gone = DispatchApplication.objects.get(pk=application.pk)
    assert gone.anonymised_at is not None
    assert gone.organisation_name == application.organisation_name
    for related in (
        DispatchApplication.objects.filter(pk=gone.pk),
        gone.history.all(),
        gone.events.all(),
        gone.visits.all(),
        DispatchVisit.history.filter(id=visit.pk),
    ):
        assert MARK not in everything_about(related), related.model
    assert MARK not in outbox_about(gone)
    assert gone.visits.count() == 1  # the visits used are still counted
    assert client.get(reverse("dispatch:status", args=[application.token])).status_code == 404
    assert DispatchApplication.objects.get(pk=ongoing.pk).contact_name == f"Ongoing {MARK}"


def test_the_nightly_job_is_scheduled_and_anonymises(officer):
    closed = closed_consultation(officer)
    schedule = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert schedule["task"] == apply_retention.name
    Consultation.objects.filter(pk=closed.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=settings.RETENTION_CONSULTATION_DAYS + 1)
    )
    assert apply_retention.delay().get()["consultations"] == 1
    assert Consultation.objects.get(pk=closed.pk).anonymised_at is not None


def test_the_command_anonymises_without_a_dry_run(officer):
    closed = closed_consultation(officer)
    Consultation.objects.filter(pk=closed.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=settings.RETENTION_CONSULTATION_DAYS + 1)
    )
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert "consultations: 1 anonymised" in out.getvalue()
    assert Consultation.objects.get(pk=closed.pk).details == ""


def test_a_batch_is_anonymised_whole_or_not_at_all(officer, monkeypatch):
    closed = closed_consultation(officer)
    rule = next(rule for rule in retention.rules() if rule.label == "consultations")

    def outage(*args):
        raise RuntimeError("the database went away")

    # The last step of a batch (the outbox's cleanup) fails.
    monkeypatch.setattr(retention, "_cleanups", [*retention._cleanups, outage])
    with pytest.raises(RuntimeError):
        retention.anonymise(rule, [closed], now=timezone.now())

    kept = Consultation.objects.get(pk=closed.pk)
    assert kept.anonymised_at is None and kept.name == f"N {MARK}"
    assert kept.history.latest().history_change_reason != "retention"
