"""Two-factor login for staff (django-otp TOTP): who gets into the admin, and how."""

import base64
import os
import subprocess
import sys
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, Permission, User
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice.two_factor import enrol_totp

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
PASSWORD = "right-password-1"


def code_for(device: TOTPDevice) -> str:
    """The code the person's authenticator app shows now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def english_client(address: str = "203.0.113.20") -> Client:
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")


def attempt(client, username, password, code=""):
    return client.post(
        LOGIN, {"username": username, "password": password, "otp_token": code, "next": "/admin/"}
    )


@pytest.fixture
def two_factor(settings):
    settings.PORTAL_STAFF_2FA_REQUIRED = True


@pytest.fixture
def staff():
    return User.objects.create_user("sato", password=PASSWORD, is_staff=True)


@pytest.fixture
def device(staff):
    return enrol_totp(staff)


# --- The setting off: Django's admin as before -----------------------------------------------


def test_with_the_setting_off_a_password_is_enough(staff):
    client = english_client()
    page = client.get(LOGIN).content.decode()
    assert 'name="otp_token"' not in page
    assert attempt(client, "sato", PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_with_the_setting_off_staff_without_a_device_reach_the_admin(staff, client):
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_admin_site_is_the_portals_with_its_titles():
    from django.contrib import admin

    from backoffice.admin_site import PortalAdminSite

    assert isinstance(admin.site, PortalAdminSite)
    assert str(admin.site.site_header) and admin.site.is_registered(TOTPDevice)
    assert admin.site.index_template is None  # the dashboard's templates/admin/index.html


# --- The setting on ---------------------------------------------------------------------------


def test_staff_not_verified_by_a_device_are_sent_to_the_login(two_factor, staff, device):
    client = english_client()
    client.force_login(staff)  # a password-only session (e.g. from before 2FA was on)
    for url in ("/admin/", "/admin/consultations/consultation/", "/admin/auth/user/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next=")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/statistics/",
        "/admin/statistics/export.csv",
        "/admin/consultations/consultation/",
        "/admin/consultations/consultation/1/history/",
        "/admin/password_change/",
        "/admin/autocomplete/?app_label=dispatch&model_name=expert&term=a",
        "/admin/jsi18n/",
        "/admin/otp_totp/totpdevice/",
    ],
)
def test_a_session_from_a_password_alone_reaches_no_admin_page(two_factor, client, url):
    client.force_login(User.objects.create_superuser("root", "root@example.jp", PASSWORD))
    response = client.get(url)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == LOGIN


def test_the_login_page_asks_for_the_code(two_factor):
    page = english_client().get(LOGIN).content.decode()
    assert 'name="otp_token"' in page and 'autocomplete="one-time-code"' in page
    assert "Six-digit code" in page


def test_a_correct_code_logs_in(two_factor, staff, device):
    client = english_client()
    response = attempt(client, "sato", PASSWORD, code_for(device))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.last_used_at is not None


def test_the_code_may_be_typed_with_a_space(two_factor, staff, device):
    code = code_for(device)
    assert attempt(english_client(), "sato", PASSWORD, f"{code[:3]} {code[3:]}").status_code == 302


def test_a_wrong_code_is_refused_with_a_message(two_factor, staff, device):
    client = english_client()
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = attempt(client, "sato", PASSWORD, wrong)
    assert response.status_code == 200
    page = response.content.decode()
    assert "That code is not right" in page
    assert PASSWORD not in page  # the password is not echoed back into the page
    assert client.get("/admin/").status_code == 302


def test_a_missing_code_is_asked_for(two_factor, staff, device):
    response = attempt(english_client(), "sato", PASSWORD)
    assert response.status_code == 200
    assert "Enter the six-digit code from your authenticator app." in response.content.decode()


def test_a_used_code_cannot_be_used_again(two_factor, staff, device):
    code = code_for(device)
    assert attempt(english_client(), "sato", PASSWORD, code).status_code == 302
    assert attempt(english_client(), "sato", PASSWORD, code).status_code == 200


def test_a_wrong_password_with_a_right_code_is_refused_as_before(two_factor, staff, device):
    response = attempt(english_client(), "sato", "wrong", code_for(device))
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()


def test_staff_without_a_device_are_told_to_ask_an_administrator(two_factor, staff):
    response = attempt(english_client(), "sato", PASSWORD, "123456")
    assert response.status_code == 200
    assert "Ask an administrator" in response.content.decode()


def test_an_unconfirmed_device_does_not_count(two_factor, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=False)
    response = attempt(english_client(), "sato", PASSWORD, code_for(device))
    assert response.status_code == 200
    assert "Ask an administrator" in response.content.decode()


def test_someone_elses_device_does_not_verify(two_factor, staff, device):
    other = User.objects.create_user("suzuki", password="her-password-1", is_staff=True)
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        LOGIN,
        {
            "username": "suzuki",
            "password": "her-password-1",
            "otp_token": code_for(device),
            "otp_device": device.persistent_id,  # sato's device, posted by hand
        },
    )
    assert response.status_code == 200
    assert "Ask an administrator" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=other).exists()


def test_a_new_device_replaces_the_old_and_ends_its_sessions(two_factor, staff, device):
    client = english_client()
    assert attempt(client, "sato", PASSWORD, code_for(device)).status_code == 302
    new = enrol_totp(staff)
    assert list(TOTPDevice.objects.filter(user=staff)) == [new]
    assert client.get("/admin/").status_code == 302


# --- Production --------------------------------------------------------------------------------


def production_value(**env: str) -> str:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PORTAL_")) and k not in ("DATABASE_URL", "REDIS_URL")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="harassment_portal.settings.production",
        DJANGO_SECRET_KEY="a-Long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        PORTAL_ENCRYPTION_KEYS=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        PORTAL_SEARCH_KEYS="a-search-key-for-this-test-only",
        **env,
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.PORTAL_STAFF_2FA_REQUIRED)",
        ],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_requires_two_factor_and_cannot_be_turned_off():
    assert production_value() == "True"
    assert production_value(PORTAL_STAFF_2FA_REQUIRED="off") == "True"


# --- Roles --------------------------------------------------------------------------------------


def test_only_administrators_may_manage_authenticator_devices():
    for group in Group.objects.all():
        codenames = set(
            group.permissions.filter(content_type__app_label="otp_totp").values_list(
                "codename", flat=True
            )
        )
        if group.name == "Administrators":
            assert codenames == {
                p.codename for p in Permission.objects.filter(content_type__app_label="otp_totp")
            }
            assert "view_totpdevice" in codenames and "add_totpdevice" in codenames
        else:
            assert codenames == set(), group.name


def verified_client(user) -> Client:
    device = enrol_totp(user)
    client = english_client("198.51.100.30")
    assert attempt(client, user.username, PASSWORD, code_for(device)).status_code == 302
    return client


def test_only_administrators_see_device_secrets(two_factor, device):
    supervisor = User.objects.create_user("kimura", password=PASSWORD, is_staff=True)
    supervisor.groups.add(Group.objects.get(name="Supervisors"))
    client = verified_client(supervisor)
    for url in (
        "/admin/otp_totp/totpdevice/",
        f"/admin/otp_totp/totpdevice/{device.pk}/change/",
        f"/admin/otp_totp/totpdevice/{device.pk}/config/",
        f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/",
    ):
        assert client.get(url).status_code == 403, url
    assert "otp_totp" not in client.get("/admin/").content.decode()

    administrator = User.objects.create_user("yamada", password=PASSWORD, is_staff=True)
    administrator.groups.add(Group.objects.get(name="Administrators"))
    client = verified_client(administrator)
    config = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/")
    assert config.status_code == 200
    page = config.content.decode()
    assert device.config_url.replace("&", "&amp;") in page
    assert "<script>" not in page and "style=" not in page  # nothing inline (CSP)
    assert "img-src 'self'" in config["Content-Security-Policy"]
    qrcode = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/")
    assert qrcode.status_code == 200 and qrcode["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qrcode.content
    assert "no-cache" in qrcode["Cache-Control"] or "no-store" in qrcode["Cache-Control"]


# --- Lockout (django-axes) and throttling (django-otp) ----------------------------------------


def test_five_wrong_passwords_still_lock_with_the_code_form(two_factor, staff, device):
    client = english_client("203.0.113.21")
    for _ in range(4):
        assert attempt(client, "sato", "wrong", "000000").status_code == 200
    assert attempt(client, "sato", "wrong", "000000").status_code == 429
    assert attempt(client, "sato", PASSWORD, code_for(device)).status_code == 429
    # A colleague behind the same address is not affected.
    colleague = User.objects.create_user("suzuki", password=PASSWORD, is_staff=True)
    assert attempt(client, "suzuki", PASSWORD, code_for(enrol_totp(colleague))).status_code == 302


def test_wrong_codes_count_as_failed_logins(two_factor, staff, device, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # only the axes count here, no device delay
    client = english_client("203.0.113.22")
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    for _ in range(4):
        assert attempt(client, "sato", PASSWORD, wrong).status_code == 200
    assert attempt(client, "sato", PASSWORD, wrong).status_code == 429
    assert attempt(client, "sato", PASSWORD, code_for(device)).status_code == 429


def test_a_missing_code_does_not_count_as_a_failed_login(two_factor, staff, device):
    client = english_client("203.0.113.23")
    for _ in range(6):
        assert attempt(client, "sato", PASSWORD).status_code == 200
    assert attempt(client, "sato", PASSWORD, code_for(device)).status_code == 302


def test_after_a_wrong_code_the_device_waits_before_the_next(two_factor, staff, device, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    client = english_client("203.0.113.24")
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    attempt(client, "sato", PASSWORD, wrong)
    response = attempt(client, "sato", PASSWORD, code_for(device))
    assert response.status_code == 200
    assert "Too many wrong codes" in response.content.decode()


# --- enrol_totp ---------------------------------------------------------------------------------


def test_enrol_totp_creates_a_confirmed_device_whose_url_works(staff):
    out = StringIO()
    call_command("enrol_totp", "sato", stdout=out)
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed
    url = next(line for line in out.getvalue().splitlines() if line.startswith("otpauth://"))
    query = parse_qs(urlsplit(url).query)
    key = base64.b32decode(query["secret"][0])
    assert key == device.bin_key
    assert query["issuer"] == [django_settings.OTP_TOTP_ISSUER]
    code = f"{totp(key, int(query['period'][0]), digits=int(query['digits'][0])):06d}"
    assert device.verify_token(code)

    call_command("enrol_totp", "sato", "--no-qr", stdout=StringIO())
    assert TOTPDevice.objects.filter(user=staff).count() == 1
    assert TOTPDevice.objects.get(user=staff).key != device.key


def test_enrol_totp_refuses_unknown_and_non_staff_users():
    with pytest.raises(CommandError, match="no user"):
        call_command("enrol_totp", "nobody", stdout=StringIO())
    User.objects.create_user("visitor", password=PASSWORD)
    with pytest.raises(CommandError, match="not a staff account"):
        call_command("enrol_totp", "visitor", stdout=StringIO())
