"""The consultations list as the desk opens it on a triage morning: at 1280 px with the side
menu open, the columns that matter are on screen, and a reference is on one line (issue 16)."""

import pytest
from django.contrib.auth.models import Group, User
from django_otp.oath import totp

from backoffice.two_factor import enrol_totp

from .test_staff_two_factor import due, log_in

pytestmark = pytest.mark.e2e

COLUMNS = ["reference", "received", "status", "assigned_to", "reply_due"]


@pytest.mark.parametrize("language", ["ja-JP", "en-GB"])
def test_the_columns_that_matter_fit_1280_px_with_the_menu_open(
    browser, live_server, transactional_db, settings, language
):
    settings.PORTAL_STAFF_2FA_REQUIRED = True
    user = User.objects.create_user("lead", password="correct-horse-9", is_staff=True)
    user.groups.add(Group.objects.get(name="Desk leads"))
    device = enrol_totp(user)
    overdue = due(-2)
    due(0)
    due(4)
    context = browser.new_context(
        base_url=live_server.url, locale=language, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, "lead", "correct-horse-9", f"{totp(device.bin_key):06d}")
        page.wait_for_url("**/admin/")
        page.goto("/admin/consultations/consultation/")
        assert page.locator("#nav-sidebar").is_visible()  # the menu is open
        for column in COLUMNS:
            box = page.locator(f"#result_list thead th.column-{column}").bounding_box()
            assert box and box["x"] + box["width"] <= 1280, (column, box)
        row = page.locator("#result_list tbody tr", has_text=overdue.reference)
        reference = row.locator("th.field-reference a")
        line = reference.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
        assert reference.bounding_box()["height"] <= line * 1.5  # one line, not broken
        assert row.locator(".deadline-overdue").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    finally:
        context.close()
