"""'Exit this page' on the consultation pages: one click or Shift three times replaces the page
with a neutral one, and "back" does not bring it back (issue 15)."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.e2e

NEUTRAL = "<!DOCTYPE html><html lang='ja'><title>天気予報</title><p>晴れ</p></html>"


@pytest.fixture
def exit_page(page):
    """The neutral site, answered here (the machine has no internet)."""
    page.route(
        f"{settings.QUICK_EXIT_URL}**",
        lambda route: route.fulfill(body=NEUTRAL, content_type="text/html; charset=utf-8"),
    )
    return page


def test_one_click_leaves_no_history_entry_to_come_back_to(exit_page, live_server):
    page = exit_page
    page.goto("/ja/consultation/")
    page.goto("/ja/consultation/form/")
    page.fill("#id_details", "誰にも見られたくない内容")
    page.get_by_role("link", name="このページをすぐに閉じる").click()
    page.wait_for_url(f"{settings.QUICK_EXIT_URL}**")
    assert page.title() == "天気予報"
    page.go_back()
    assert page.url == f"{live_server.url}/ja/consultation/"  # the form is not in the history


def test_shift_three_times_leaves_as_well(exit_page):
    page = exit_page
    page.goto("/en/consultation/form/")
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(f"{settings.QUICK_EXIT_URL}**")


def test_typing_capitals_does_not_leave(exit_page):
    page = exit_page
    page.goto("/en/consultation/form/")
    page.locator("#id_details").type("ABC DEF")
    assert page.url.endswith("/en/consultation/form/")


def test_the_control_is_on_the_consultation_pages_only(page):
    page.goto("/en/consultation/")
    assert page.get_by_role("link", name="Exit this page").count() == 1
    page.goto("/en/seminars/")
    assert page.get_by_role("link", name="Exit this page").count() == 0
