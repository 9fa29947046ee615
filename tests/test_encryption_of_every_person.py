"""Seminar registrants, dispatch applicants and experts are encrypted at rest like the people
who consult: no plain name, address or phone number in any table, their histories included;
personal-link secrets are stored as hashes; staff still find people by address."""

import datetime as dt
import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from core import encryption, retention
from core.fields import reencrypt
from core.tests.test_encryption import raw_rows
from dispatch import services as dispatch_services
from dispatch.models import DispatchApplication, Expert
from dispatch.tests.factories import make_application, make_expert
from seminars import links, services
from seminars.models import Registration
from seminars.tests.factories import make_seminar, register

pytestmark = pytest.mark.django_db

MARK = "Zq7secretmark"
PHONE = "03-9876-5432"

TABLES = [
    "seminars_registration",
    "seminars_historicalregistration",
    "dispatch_dispatchapplication",
    "dispatch_historicaldispatchapplication",
    "dispatch_expert",
    "dispatch_historicalexpert",
]


@pytest.fixture
def officer():
    return get_user_model().objects.create_superuser("officer", "officer@example.jp", "pw")


@pytest.fixture
def people(officer):
    registration = register(
        make_seminar(),
        name=f"山田 {MARK}",
        name_kana=f"ヤマダ {MARK}",
        email=f"{MARK}.r@example.jp",
        organisation=f"商事 {MARK}",
        department=f"人事 {MARK}",
        phone=PHONE,
        question=f"質問 {MARK}",
    )
    application = make_application(
        representative_name=f"代表 {MARK}",
        representative_title=f"理事長 {MARK}",
        contact_department=f"事務局 {MARK}",
        contact_name=f"担当 {MARK}",
        contact_phone=PHONE,
        contact_email=f"{MARK}.d@example.jp",
        current_measures=f"研修 {MARK}",
        support_details=f"支援 {MARK}",
        preferred_periods=f"平日 {MARK}",
    )
    expert = make_expert(email=f"{MARK}.e@example.jp", phone=PHONE)
    dispatch_services.record_contact(application, by=officer)  # a history row of a change
    return registration, DispatchApplication.objects.get(pk=application.pk), expert


@pytest.mark.parametrize("table", TABLES)
def test_a_raw_read_of_each_table_shows_no_name_address_or_phone(people, table):
    raw = raw_rows(table)
    assert encryption.TOKEN_PREFIX in raw  # the values are there, encrypted
    assert MARK not in raw
    assert PHONE not in raw


def test_personal_link_secrets_are_stored_as_their_hashes(people):
    registration, application, _expert = people
    for table, secret in [
        ("seminars_registration", registration.token),
        ("dispatch_dispatchapplication", application.token),
    ]:
        raw = raw_rows(table)
        assert secret not in raw
        assert hashlib.sha256(secret.encode()).hexdigest() in raw


def test_the_links_still_work_and_a_forged_secret_does_not(client, people):
    registration, application, _expert = people
    found = links.registration_for(links.manage_path(registration).rstrip("/").split("/")[-1])
    assert found == registration
    assert client.get(f"/ja/dispatch/status/{application.token}/").status_code == 200
    assert client.get(f"/ja/dispatch/status/{application.token[:-2]}xx/").status_code == 404


def test_the_application_reads_plain_values(people):
    registration, application, expert = people
    assert Registration.objects.get(pk=registration.pk).phone == PHONE
    assert DispatchApplication.objects.get(pk=application.pk).contact_name == f"担当 {MARK}"
    assert Expert.objects.get(pk=expert.pk).email == f"{MARK}.e@example.jp"


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("/admin/seminars/registration/", f" {MARK.upper()}.R@example.jp "),
        ("/admin/dispatch/dispatchapplication/", f"{MARK}.d@example.jp"),
        ("/admin/dispatch/expert/", f"{MARK}.E@EXAMPLE.JP"),
    ],
)
def test_staff_find_each_person_by_address(client, officer, people, url, address):
    client.force_login(officer)
    found = client.get(url, {"q": address})
    assert found.status_code == 200
    assert found.context["cl"].result_count == 1
    assert client.get(url, {"q": "nobody@example.jp"}).context["cl"].result_count == 0


def test_one_address_registers_once_per_session_whatever_its_case():
    seminar = make_seminar()
    register(seminar, email="Taro@Example.jp")
    with pytest.raises(services.RegistrationRefused) as refusal:
        register(seminar, email="taro@example.jp")
    assert refusal.value.code == "duplicate"


def test_rows_written_before_are_encrypted_and_hashed_by_the_migration_step(people):
    registration = people[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE seminars_registration SET name = %s, token = %s, token_hash = NULL "
            "WHERE id = %s",
            [f"平文 {MARK}", "plain-secret", registration.pk],
        )
    assert MARK in raw_rows("seminars_registration")
    reencrypt(Registration)
    assert MARK not in raw_rows("seminars_registration")
    assert Registration.objects.with_token("plain-secret").get() == registration


def test_retention_removes_the_link_and_its_hash(people):
    registration = people[0]
    token = registration.token
    Registration.objects.filter(pk=registration.pk).update(
        seminar=make_seminar(starts_in_days=-1000, opens_days_ago=1010)
    )
    retention.anonymise_due()
    registration.refresh_from_db()
    assert registration.anonymised_at is not None
    assert (registration.token, registration.token_hash, registration.email_index) == ("", None, "")
    assert not Registration.objects.with_token(token).exists()
    assert not Registration.objects.with_token("").exists()


def test_the_history_of_a_deleted_record_is_blanked_by_the_next_retention_run(people):
    registration = people[0]
    kept = register(registration.seminar, 2, name=f"残る {MARK}")
    history = Registration.history.model.objects.filter(id=registration.pk)
    registration.delete()
    assert history.count() == 2  # created, deleted: both with the person's details
    assert {row.name for row in history} == {f"山田 {MARK}"}
    counts = retention.anonymise_due(now=timezone.now() + dt.timedelta(seconds=1))
    assert counts["seminar registrations"] == 0  # no live record was due
    blanked = {(row.name, row.email, row.phone, row.token) for row in history.all()}
    assert blanked == {("", "", "", "")}
    # A live record's history is left for its own period.
    assert Registration.history.model.objects.get(id=kept.pk).name == f"残る {MARK}"


def test_a_value_encrypted_ahead_is_stored_as_that_token_and_reads_back_plain():
    from core.fields import Encrypted, encrypt_ahead

    registration = register(make_seminar(), name="先に 暗号化")
    registration.name = f"後から {MARK}"
    encrypt_ahead(registration)
    assert isinstance(registration.name, Encrypted) and registration.name == f"後から {MARK}"
    token = registration.name.token
    registration.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM seminars_registration WHERE id = %s", [registration.pk])
        assert cursor.fetchone()[0] == token
    assert Registration.objects.get(pk=registration.pk).name == f"後から {MARK}"
    assert MARK not in raw_rows("seminars_registration")
