"""Corrections (issue 16): a mistyped address or number corrected with a reason; spam and
duplicates marked, left out of the figures and anonymised by the next retention run."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from backoffice import statistics
from conftest import log_in_staff
from consultations import services
from consultations.models import Consultation, Status
from core import encryption, retention

from .factories import make_consultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultant(client):
    return log_in_staff(client, "Consultants", "suzuki")


def step(consultation, action):
    return reverse("admin:consultations_consultation_action", args=[consultation.pk, action])


def test_an_address_is_corrected_with_a_reason_and_found_by_the_new_one(consultant):
    consultation = make_consultation(email="hanako@exmaple.jp")
    services.correct_contact(
        consultation,
        by=consultant,
        email="hanako@example.jp",
        phone=consultation.phone,
        reason="電話で再確認",
    )
    consultation.refresh_from_db()
    assert consultation.email == "hanako@example.jp"
    assert consultation.email_index in encryption.blind_indexes("hanako@example.jp")
    event = consultation.events.latest("pk")
    assert event.action == "contact_corrected" and event.by == consultant
    assert "電話で再確認" in event.note and "exmaple" not in event.note
    # The change history keeps what it was, for the office.
    assert consultation.history.earliest().email == "hanako@exmaple.jp"


def test_a_correction_that_changes_nothing_is_refused(consultant):
    consultation = make_consultation()
    with pytest.raises(ValidationError) as refused:
        services.correct_contact(
            consultation,
            by=consultant,
            email=consultation.email,
            phone=consultation.phone,
            reason="x",
        )
    assert refused.value.code == "unchanged"


def test_the_correction_page_in_the_admin(client, consultant):
    consultation = make_consultation(phone="03-1234-5678")
    page = client.get(step(consultation, "correct")).content.decode()
    assert 'value="03-1234-5678"' in page  # starts from what is there
    response = client.post(
        step(consultation, "correct"),
        {
            "email": consultation.email,
            "phone": "０９０－１２３４－５６７８",
            "reason": "番号の誤り",
        },
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.phone == "090-1234-5678"
    response = client.post(step(consultation, "correct"), {"email": "not-an-address"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"email", "reason"}


def test_spam_leaves_the_figures_and_the_queue_and_is_anonymised_at_the_next_run(consultant):
    spam = make_consultation(details="BUY CHEAP WATCHES")
    real = make_consultation()
    services.mark_spam(spam, by=consultant, reason="広告")
    spam.refresh_from_db()
    assert spam.status == Status.SPAM

    assert list(Consultation.objects.open()) == [real]
    (spam_at, real_at) = (spam.received_at.date(), real.received_at.date())
    section = statistics.consultation_section(
        min(spam_at, real_at), max(spam_at, real_at), today=timezone.localdate()
    )
    (intake,) = [table for table in section.tables if table.key == "intake"]
    assert intake.rows[-1][1] == 1  # the total: the real one only

    retention.anonymise_due()
    spam.refresh_from_db()
    real.refresh_from_db()
    assert spam.anonymised_at and spam.details == "" and spam.email == ""
    assert real.anonymised_at is None and real.details


def test_a_duplicate_points_to_the_original_and_leaves_the_figures(client, consultant):
    original, again = make_consultation(), make_consultation()
    response = client.post(step(again, "duplicate"), {"original": original.reference.lower()})
    assert response.status_code == 302
    again.refresh_from_db()
    assert (again.status, again.duplicate_of) == (Status.DUPLICATE, original)
    assert again.events.latest("pk").note == original.reference
    assert list(Consultation.objects.counted()) == [original]


@pytest.mark.parametrize("which", ["itself", "unknown", "someone else's"])
def test_a_duplicate_of_what_cannot_be_its_original_is_refused(client, consultant, which):
    from django.contrib.auth.models import Group, User

    colleague = User.objects.create_user("tanaka", is_staff=True)
    colleague.groups.add(Group.objects.get(name="Consultants"))
    again, theirs = make_consultation(), make_consultation()
    services.assign_consultation(theirs, to=colleague, by=colleague)
    reference = {
        "itself": again.reference,
        "unknown": "C-AAAAAAAA",
        "someone else's": theirs.reference,
    }
    response = client.post(step(again, "duplicate"), {"original": reference[which]})
    assert response.status_code == 200 and response.context["form"].errors["original"]
    again.refresh_from_db()
    assert again.status == Status.RECEIVED


def test_only_a_waiting_consultation_can_be_marked_and_nothing_comes_back(consultant):
    consultation = make_consultation()
    services.mark_spam(consultation, by=consultant, reason="x")
    for move in (
        lambda: services.mark_spam(consultation, by=consultant, reason="x"),
        lambda: services.assign_consultation(consultation, to=consultant, by=consultant),
        lambda: services.close_consultation(consultation, by=consultant),
    ):
        with pytest.raises(ValidationError):
            move()
    consultation.refresh_from_db()
    assert consultation.status == Status.SPAM
