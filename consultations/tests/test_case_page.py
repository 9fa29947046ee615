"""The person's case page (issue 16): the link in the emails, the conversation, a message that
reopens a recent consultation or starts a linked one, and a link that dies with the data."""

import datetime as dt
import logging
import re

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from consultations import conversation, services
from consultations.models import Consultation, ConsultationMessage, Status
from consultations.tests.factories import make_consultation
from core import retention

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return User.objects.create_user("sato", password="pw-0123456789", is_staff=True)


def case_path(consultation, language=None):
    with translation.override(language or consultation.language):
        return reverse("consultations:case", args=[consultation.token])


def answered(staff, *, days_ago=0, body="マニュアルの作り方をご案内します。"):
    consultation = make_consultation()
    services.assign_consultation(consultation, to=staff, by=staff)
    services.send_reply(consultation, by=staff, body=body)
    consultation.refresh_from_db()
    if days_ago:
        past = timezone.now() - dt.timedelta(days=days_ago)
        consultation.events.update(at=past)
        consultation.replies.update(at=past)
    return consultation


# --- The link -------------------------------------------------------------------------------


def test_the_confirmation_email_carries_the_case_link_and_the_subject_does_not(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        consultation = make_consultation(language="en")
    (email,) = mailoutbox
    assert case_path(consultation) in email.body
    assert consultation.token not in email.subject
    html = email.alternatives[0][0]
    assert case_path(consultation) in html
    # Only the hash is searchable; the secret itself is encrypted at rest.
    assert Consultation.objects.with_token(consultation.token).get() == consultation
    assert consultation.token_hash != consultation.token


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_case_page_shows_the_status_the_date_and_the_conversation(client, staff, language):
    consultation = answered(staff, body="First, write a basic policy.")
    response = client.get(case_path(consultation, language))
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert consultation.reference in html
    assert consultation.details in html and "First, write a basic policy." in html
    assert html.index(consultation.details) < html.index("First, write a basic policy.")
    services.add_note(consultation, by=staff, text="INTERNAL NOTE")
    assert "INTERNAL NOTE" not in client.get(case_path(consultation, language)).content.decode()


@pytest.mark.parametrize("token", ["x" * 43, "", "../admin"])
def test_a_wrong_link_gets_404_and_no_data(client, token):
    make_consultation()
    response = client.get(f"/ja/consultation/case/{token or 'x'}/")
    assert response.status_code == 404
    assert "hanako" not in response.content.decode()


def test_the_link_dies_when_retention_removes_the_data(client, staff):
    consultation = answered(staff)
    services.close_consultation(consultation, by=staff)
    path = case_path(consultation)
    with override_settings(RETENTION_CONSULTATION_DAYS=0):
        retention.anonymise_due(now=timezone.now() + dt.timedelta(days=1))
    consultation.refresh_from_db()
    assert consultation.anonymised_at and consultation.token == ""
    assert client.get(path).status_code == 404


def test_the_secret_of_the_link_stays_out_of_the_logs(client, caplog):
    consultation = make_consultation()
    with caplog.at_level(logging.INFO):
        client.get(case_path(consultation))
        client.get(f"{case_path(consultation)}nope/")
    assert consultation.token not in caplog.text


# --- Messages -------------------------------------------------------------------------------


def test_a_message_on_a_waiting_consultation_joins_it(client):
    consultation = make_consultation()
    response = client.post(case_path(consultation), {"message": "補足です。店長も同席しました。"})
    assert response.status_code == 302 and response.url == case_path(consultation)
    consultation.refresh_from_db()
    assert consultation.status == Status.RECEIVED
    assert [m.body for m in consultation.messages.all()] == ["補足です。店長も同席しました。"]
    assert consultation.events.latest("pk").action == "message_received"
    page = client.get(case_path(consultation)).content.decode()
    assert "補足です。店長も同席しました。" in page


@pytest.mark.parametrize("how", ["answered", "closed"])
def test_a_message_soon_after_the_answer_reopens_the_consultation(client, staff, how):
    consultation = answered(staff, days_ago=3)
    if how == "closed":
        services.close_consultation(consultation, by=staff)
    client.post(case_path(consultation), {"message": "ありがとうございます。もう一点質問です。"})
    consultation.refresh_from_db()
    assert consultation.status == Status.IN_PROGRESS and consultation.assigned_to == staff
    assert consultation.closed_at is None
    assert consultation.reply_due_on >= timezone.localdate()
    assert consultation in Consultation.objects.waiting().filter(assigned_to=staff)
    assert consultation.events.filter(action="reopened", by=None).exists()


@override_settings(CONSULTATION_REOPEN_DAYS=30)
def test_a_message_long_after_starts_a_new_consultation_linked_to_the_old(client, staff):
    old = answered(staff, days_ago=45)
    services.close_consultation(old, by=staff)
    old.events.update(at=timezone.now() - dt.timedelta(days=40))
    response = client.post(case_path(old), {"message": "また同じ客が来ました。"})
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.status == Status.CLOSED
    new = Consultation.objects.get(follow_up_of=old)
    assert new.details == "また同じ客が来ました。" and new.email == old.email
    assert new.status == Status.RECEIVED and new.reference != old.reference
    page = client.get(case_path(old)).content.decode()
    assert new.reference in page  # the message that says so


@pytest.mark.parametrize(
    ("message", "error"),
    [("", "message"), ("   ", "message"), ("あ" * 2001, "message")],
)
def test_a_bad_message_is_named_beside_the_field_and_kept(client, message, error):
    consultation = make_consultation()
    response = client.post(case_path(consultation), {"message": message})
    assert response.status_code == 200
    assert response.context["form"].errors[error]
    if message.strip():
        assert message in response.content.decode()  # nothing typed is lost
    assert not ConsultationMessage.objects.exists()


@override_settings(CONSULTATION_MESSAGES_PER_HOUR=2)
def test_messages_are_rate_limited_per_consultation(client):
    consultation = make_consultation()
    for number in range(2):
        assert client.post(case_path(consultation), {"message": f"{number}"}).status_code == 302
    response = client.post(case_path(consultation), {"message": "three"})
    assert response.status_code == 429 and "three" in response.content.decode()
    assert consultation.messages.count() == 2


def test_spam_takes_no_message_and_its_link_is_gone(client, staff):
    consultation = make_consultation()
    services.mark_spam(consultation, by=staff, reason="広告")
    assert client.get(case_path(consultation)).status_code == 404
    assert client.post(case_path(consultation), {"message": "x"}).status_code == 404


def test_messages_are_encrypted_at_rest():
    from django.db import connection

    consultation = make_consultation()
    conversation.add_message(consultation, "ENCRYPTED-MARKER")
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM consultations_consultationmessage")
        (stored,) = cursor.fetchone()
    assert "ENCRYPTED-MARKER" not in stored


@pytest.mark.parametrize("in_email", [True, False])
def test_the_reply_email_links_to_the_case_page_and_carries_the_text_if_set(
    staff, mailoutbox, django_capture_on_commit_callbacks, in_email
):
    with (
        override_settings(CONSULTATION_REPLY_TEXT_IN_EMAIL=in_email),
        django_capture_on_commit_callbacks(execute=True),
    ):
        consultation = answered(staff, body="REPLY-TEXT")
    reply = mailoutbox[-1]
    assert case_path(consultation) in reply.body
    assert ("REPLY-TEXT" in reply.body) is in_email
    assert consultation.token not in reply.subject
    assert re.search(r"\[C-[0-9A-Z]+\]", reply.subject)


def test_a_consultation_without_a_link_still_gets_its_reply(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    """One anonymised (or from before the case page) has no link: the email goes without."""
    consultation = make_consultation()
    Consultation.objects.filter(pk=consultation.pk).update(token="", token_hash=None)
    consultation.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_consultation(consultation, to=staff, by=staff)
        services.send_reply(consultation, by=staff, body="回答です")
    assert "回答です" in mailoutbox[-1].body and "/consultation/case/" not in mailoutbox[-1].body
