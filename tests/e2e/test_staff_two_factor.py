"""Staff two-factor login in a real browser: password, the authenticator app's code, the admin."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import expect

from backoffice.two_factor import enrol_totp
from consultations.models import Consultation, Status
from consultations.tests.factories import make_consultation
from dispatch.tests.factories import make_application

from .test_consultation_flow import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture
def consultant(settings):
    settings.PORTAL_STAFF_2FA_REQUIRED = True
    user = User.objects.create_user("tanaka", password="correct-horse-9", is_staff=True)
    user.groups.add(Group.objects.get(name="Consultants"))
    return user


def log_in(page, username: str, password: str, code: str):
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.fill("#id_otp_token", code)
    page.locator('#login-form input[type="submit"]').click()


def due(days: int, **fields) -> Consultation:
    consultation = make_consultation(**fields)
    day = timezone.localdate() + dt.timedelta(days=days)
    Consultation.objects.filter(pk=consultation.pk).update(reply_due_on=day)
    return Consultation.objects.get(pk=consultation.pk)


def test_a_consultant_logs_in_with_the_code_and_works_the_due_today_list(page, consultant):
    due_today = [due(0, email="today1@example.jp"), due(0, email="today2@example.jp")]
    due(-1, email="late@example.jp")
    due(3, email="later@example.jp")
    application = make_application()
    device = enrol_totp(consultant)
    page.goto("/admin/")
    assert page.url.endswith("/admin/login/?next=/admin/")  # no way in without logging in
    assert page.locator("#id_otp_token").get_attribute("autocomplete") == "one-time-code"
    assert_accessible(page)

    # The right password with a wrong code: refused, with a message, still on the login page.
    wrong = f"{(totp(device.bin_key) + 1) % 1_000_000:06d}"
    log_in(page, "tanaka", "correct-horse-9", wrong)
    assert "/admin/login/" in page.url
    assert page.locator(".errornote").count() == 1
    assert page.input_value("#id_password") == ""  # never echoed back

    device.refresh_from_db()
    device.throttle_reset()  # the wrong code made the device wait a second
    log_in(page, "tanaka", "correct-horse-9", f"{totp(device.bin_key):06d}")
    page.wait_for_url("**/admin/")
    assert page.locator("#user-tools").count() == 1  # the admin index, logged in
    assert page.locator('a[href="/admin/consultations/consultation/"]').count() >= 1
    assert page.locator('a[href^="/admin/dispatch/"]').count() == 0

    # The dashboard: what needs me today, and no dispatch section.
    assert page.locator("#dashboard-consultations").count() == 1
    assert page.locator("#dashboard-dispatch").count() == 0
    today_link = page.locator("#dashboard-consultations a.dashboard-count").nth(1)
    assert today_link.inner_text().startswith("2")
    assert_accessible(page)

    # Work through the "due today" list: take each one and answer it, by keyboard.
    for _done in range(len(due_today)):
        page.goto("/admin/")
        page.locator("#dashboard-consultations a.dashboard-count").nth(1).focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/consultation/?due=today")
        rows = page.locator("#result_list tbody tr")
        assert rows.count() == len(due_today) - _done
        rows.first.locator("th a").click()
        page.get_by_role("link", name=re.compile("担当を割り当てる|Assign")).click()
        page.select_option("#id_consultant", label="tanaka")
        page.locator('input[type="submit"]').click()
        page.get_by_role("link", name=re.compile("回答を書く|Write the reply")).click()
        page.fill("#id_body", "Start from the Common Manual for Organisations.")
        page.get_by_role("button", name=re.compile("回答を送信する|Send the reply")).click()
        page.wait_for_selector(".messagelist")

    assert all(Consultation.objects.get(pk=c.pk).status == Status.ANSWERED for c in due_today)
    page.goto("/admin/")
    assert page.locator("#dashboard-consultations a.dashboard-count").nth(1).inner_text()[0] == "0"

    # Dispatch data stays out of reach, by list, by record and in the statistics.
    for url in (
        "/admin/dispatch/dispatchapplication/",
        f"/admin/dispatch/dispatchapplication/{application.pk}/change/",
        "/admin/statistics/export.csv?section=dispatch",
    ):
        response = page.goto(url)
        assert response.status in (403, 404), url
        assert application.organisation_name not in page.content()


def test_an_administrator_sees_the_qr_code_under_the_content_security_policy(page, consultant):
    administrator = User.objects.create_user("yamada", password="correct-horse-9", is_staff=True)
    administrator.groups.add(Group.objects.get(name="Administrators"))
    own = enrol_totp(administrator)
    device = enrol_totp(consultant)
    log_in(page, "yamada", "correct-horse-9", f"{totp(own.bin_key):06d}")
    page.wait_for_url("**/admin/")

    page.goto(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    page.get_by_role("link", name="QRコードを表示").click()
    image = page.locator("img.qrcode-image")
    # Loading takes a moment on a busy machine: wait for it, then see that it did load.
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") > 0  # the SVG loaded (img-src 'self')
    assert device.config_url in page.locator("code").inner_text()
    assert_accessible(page)
    # The page fixture fails the test if the Content-Security-Policy blocked anything.
