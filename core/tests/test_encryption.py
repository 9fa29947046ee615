"""Personal data of consultations is encrypted at rest; staff still read and find it."""

import smtplib
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from consultations import services
from consultations.models import Consultation
from consultations.tests.factories import VALID_FORM, make_consultation
from core import encryption
from core.fields import reencrypt
from mail import delivery
from mail.models import OutboxEmail

pytestmark = pytest.mark.django_db

MARK = "Zq7secretmark"
OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def raw_rows(table: str) -> str:
    """Everything in ``table`` as the database holds it, as one string."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return repr(cursor.fetchall())


@pytest.fixture
def officer():
    return get_user_model().objects.create_superuser("officer", "officer@example.jp", "pw")


@pytest.fixture
def worked_consultation(officer):
    consultation = make_consultation(
        name=f"Name {MARK}",
        email=f"{MARK}@example.jp",
        phone="03-1234-5678",
        organisation=f"Org {MARK}",
        job_role=f"Role {MARK}",
        details=f"Details {MARK}",
        tried_so_far=f"Tried {MARK}",
    )
    services.assign_consultation(consultation, to=officer, by=officer)
    services.add_note(consultation, text=f"Note {MARK}", by=officer)
    services.record_call(consultation, reached=False, summary=f"Call {MARK}", by=officer)
    services.send_reply(consultation, body=f"Reply {MARK}", by=officer)
    return Consultation.objects.get(pk=consultation.pk)


def test_a_raw_database_read_shows_no_plaintext(worked_consultation):
    tables = [
        "consultations_consultation",
        "consultations_historicalconsultation",
        "consultations_consultationnote",
        "consultations_consultationreply",
        "consultations_consultationcall",
        "consultations_consultationevent",
        "harassment_portal_outboxemail",
    ]
    for table in tables:
        raw = raw_rows(table)
        assert encryption.TOKEN_PREFIX in raw, table  # the values are there, encrypted
        assert MARK not in raw, table
        assert "03-1234-5678" not in raw, table


def test_the_application_reads_plain_values(worked_consultation):
    assert worked_consultation.details == f"Details {MARK}"
    assert worked_consultation.email == f"{MARK}@example.jp"
    assert worked_consultation.notes.get().text == f"Note {MARK}"
    assert worked_consultation.replies.get().body == f"Reply {MARK}"
    assert worked_consultation.history.earliest().details == f"Details {MARK}"
    reply_email = OutboxEmail.objects.get(template="consultations/emails/reply")
    assert f"Reply {MARK}" in reply_email.body_text
    assert reply_email.to_email == f"{MARK}@example.jp"


def test_staff_read_the_values_in_the_admin(client, officer, worked_consultation):
    client.force_login(officer)
    url = reverse("admin:consultations_consultation_change", args=[worked_consultation.pk])
    page = client.get(url).content.decode()
    for value in (f"Details {MARK}", f"Tried {MARK}", f"Note {MARK}", f"Reply {MARK}"):
        assert value in page


@pytest.mark.parametrize("term", [f"{MARK}@example.jp", f"  {MARK.upper()}@EXAMPLE.JP "])
def test_staff_find_a_consultation_by_email(client, officer, worked_consultation, term):
    other = make_consultation(email="someone-else@example.jp")
    client.force_login(officer)
    response = client.get(reverse("admin:consultations_consultation_changelist"), {"q": term})
    shown = list(response.context["cl"].result_list)
    assert shown == [worked_consultation]
    assert other not in shown


def test_staff_find_a_consultation_by_reference(client, officer, worked_consultation):
    make_consultation(email="someone-else@example.jp")
    client.force_login(officer)
    term = worked_consultation.reference.lower()
    response = client.get(reverse("admin:consultations_consultation_changelist"), {"q": term})
    assert list(response.context["cl"].result_list) == [worked_consultation]


def test_staff_find_outbox_emails_by_address(client, officer, worked_consultation):
    make_consultation(email="someone-else@example.jp")
    client.force_login(officer)
    response = client.get(reverse("admin:mail_outboxemail_changelist"), {"q": f"{MARK}@example.jp"})
    shown = list(response.context["cl"].result_list)
    assert shown
    assert {email.to_email for email in shown} == {f"{MARK}@example.jp"}


def test_an_encrypted_column_refuses_a_lookup_that_could_never_match():
    with pytest.raises(FieldError):
        list(Consultation.objects.filter(email="a@example.jp"))
    with pytest.raises(FieldError):
        list(Consultation.objects.filter(details__contains="x"))
    assert not Consultation.objects.filter(tried_so_far="").exists()


def test_keys_rotate_without_losing_a_value(client, officer):
    with override_settings(PORTAL_ENCRYPTION_KEYS=[OLD_KEY], PORTAL_SEARCH_KEYS=["old-search"]):
        consultation = make_consultation(email="rotate@example.jp", details=f"Before {MARK}")
        old_raw = raw_rows("consultations_consultation")

    # A new key first, the old one still listed: old rows still read and are still found.
    with override_settings(
        PORTAL_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY], PORTAL_SEARCH_KEYS=["new-search", "old-search"]
    ):
        assert Consultation.objects.get(pk=consultation.pk).details == f"Before {MARK}"
        client.force_login(officer)
        found = client.get(
            reverse("admin:consultations_consultation_changelist"), {"q": "rotate@example.jp"}
        )
        assert list(found.context["cl"].result_list) == [consultation]
        call_command("rotate_encryption_keys", stdout=StringIO())
        assert raw_rows("consultations_consultation") != old_raw

    # The old keys removed: everything still reads and is still found.
    with override_settings(PORTAL_ENCRYPTION_KEYS=[NEW_KEY], PORTAL_SEARCH_KEYS=["new-search"]):
        assert Consultation.objects.get(pk=consultation.pk).details == f"Before {MARK}"
        assert consultation.history.earliest().details == f"Before {MARK}"
        found = client.get(
            reverse("admin:consultations_consultation_changelist"), {"q": "rotate@example.jp"}
        )
        assert list(found.context["cl"].result_list) == [consultation]


def test_a_value_without_its_key_is_an_error_never_the_token_shown():
    with override_settings(PORTAL_ENCRYPTION_KEYS=[OLD_KEY]):
        consultation = make_consultation(details=f"Lost {MARK}")
    with (
        override_settings(PORTAL_ENCRYPTION_KEYS=[NEW_KEY]),
        pytest.raises(ImproperlyConfigured, match="cannot be decrypted"),
    ):
        Consultation.objects.get(pk=consultation.pk)


def test_rows_written_before_encryption_are_encrypted_by_the_migration_step():
    consultation = make_consultation(email="legacy@example.jp")
    table = connection.ops.quote_name("consultations_consultation")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET details = %s, email = %s, email_index = '' WHERE id = %s",  # noqa: S608
            [f"Plain {MARK}", "legacy@example.jp", consultation.pk],
        )
    assert MARK in raw_rows("consultations_consultation")
    assert Consultation.objects.get(pk=consultation.pk).details == f"Plain {MARK}"

    reencrypt(Consultation)

    assert MARK not in raw_rows("consultations_consultation")
    reread = Consultation.objects.get(pk=consultation.pk)
    assert reread.details == f"Plain {MARK}"
    assert reread.email_index == encryption.blind_index("legacy@example.jp")


def test_generate_encryption_key_prints_a_usable_key():
    out = StringIO()
    call_command("generate_encryption_key", stdout=out)
    key = out.getvalue().strip()
    assert Fernet(key).decrypt(Fernet(key).encrypt(b"x")) == b"x"


def test_a_form_draft_in_the_session_is_encrypted(client, no_fill_delay):
    form = client.get(reverse("consultations:form")).context["form"]
    data = {
        **VALID_FORM,
        "details": f"Draft {MARK}",
        "email": f"{MARK}@example.jp",
        "form_started": form.initial["form_started"],
        "submission_key": str(form.initial["submission_key"]),
    }
    assert client.post(reverse("consultations:form"), data).status_code == 302
    stored = Session.objects.get(session_key=client.session.session_key).get_decoded()
    assert stored["consultation_draft"].startswith(encryption.TOKEN_PREFIX)
    assert MARK not in repr(stored)
    # ... and the person still sees their answers on the check page.
    assert f"Draft {MARK}" in client.get(reverse("consultations:check")).content.decode()


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        recipient = messages[0].to[0]
        raise smtplib.SMTPRecipientsRefused(
            {recipient: (550, f"5.1.1 <{recipient}> unknown".encode())}
        )


def test_a_refused_address_is_not_kept_in_the_error_staff_see(settings):
    consultation = make_consultation(email=f"{MARK}@example.jp")
    email = OutboxEmail.objects.about(consultation).get()
    OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.PENDING, sent_at=None)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    assert delivery.deliver(email.pk) == "failed"
    email.refresh_from_db()
    assert "SMTPRecipientsRefused" in email.last_error and "550" in email.last_error
    assert MARK not in email.last_error and "[address]" in email.last_error


def test_saving_only_the_address_keeps_its_search_index_current():
    consultation = make_consultation(email="old@example.jp")
    consultation.email = "New@Example.jp"
    consultation.save(update_fields=["email"])
    assert Consultation.objects.get(pk=consultation.pk).email_index == encryption.blind_index(
        "new@example.jp"
    )


def test_a_change_made_while_the_keys_rotate_leaves_no_history_on_the_old_key():
    """The history copies the record's stored values: a record changed before its own
    rotation but after its history's would keep old-key text in the history."""
    from core.management.commands.rotate_encryption_keys import rotation_order

    with override_settings(PORTAL_ENCRYPTION_KEYS=[OLD_KEY]):
        consultation = make_consultation(details=f"Rotating {MARK}")
    order = rotation_order(apps.get_models())
    histories = [model for model in order if model._meta.label.startswith("consultations.Hist")]
    assert order.index(Consultation) < order.index(histories[0])
    with override_settings(PORTAL_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        for model in order:
            reencrypt(model)
            if model is histories[0]:  # a change comes in just after the histories' turn
                changed = Consultation.objects.get(pk=consultation.pk)
                changed.save(update_fields=["status", "updated_at"])
    with override_settings(PORTAL_ENCRYPTION_KEYS=[NEW_KEY]):
        assert [row.details for row in consultation.history.all()] == [f"Rotating {MARK}"] * 2
