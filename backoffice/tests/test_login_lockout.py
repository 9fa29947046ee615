"""Staff login lockout: per username and address, never the whole office."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"


@pytest.fixture
def staff():
    return User.objects.create_user("sato", password="right-password-1", is_staff=True)


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


def test_five_wrong_passwords_lock_that_username_from_that_address(staff, caplog):
    office = Client(REMOTE_ADDR="203.0.113.10")
    for _ in range(4):
        assert attempt(office, "sato", "wrong").status_code == 200  # the form again
    assert attempt(office, "sato", "wrong").status_code == 429  # the fifth locks
    locked = attempt(office, "sato", "right-password-1")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode() or "ログイン" in (
        locked.content.decode()
    )
    # A colleague behind the same office address still logs in.
    User.objects.create_user("suzuki", password="her-password-1", is_staff=True)
    assert attempt(office, "suzuki", "her-password-1").status_code == 302
    # The same person from another address too.
    assert (
        attempt(Client(REMOTE_ADDR="198.51.100.7"), "sato", "right-password-1").status_code == 302
    )
    assert "203.0.113.10" not in caplog.text  # addresses are masked in the logs


def test_a_successful_login_resets_the_count(staff):
    office = Client(REMOTE_ADDR="203.0.113.11")
    for _ in range(4):
        attempt(office, "sato", "wrong")
    assert attempt(office, "sato", "right-password-1").status_code == 302
    office.logout()
    for _ in range(4):
        attempt(office, "sato", "wrong")
    assert attempt(office, "sato", "right-password-1").status_code == 302
