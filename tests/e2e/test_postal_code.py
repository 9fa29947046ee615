"""Typing a postal code fills the address, offline, and names a code outside Tokyo at once."""

import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture
def offline_page(page, live_server):
    """The page may ask the portal only: any other host is refused and recorded."""
    outside = []

    def route(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    yield page
    assert outside == []


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("ja", "住所欄に「東京都新宿区西新宿2丁目8-1」を入力しました。"),
        ("en", "We have filled in the address with 東京都新宿区西新宿2丁目8-1."),
    ],
)
def test_a_tokyo_code_fills_the_address(offline_page, language, said):
    page = offline_page
    page.goto(f"/{language}/dispatch/apply/")
    page.locator("#id_postal_code").press_sequentially("１６３－８００１")  # as an IME types it
    status = page.locator("#postal-code-status")
    status.filter(has_text=said).wait_for()
    assert page.locator("#id_address").input_value() == "東京都新宿区西新宿2丁目8-1"
    # A corrected code replaces what the script filled in, not what the person wrote.
    page.locator("#id_postal_code").fill("100-0014")
    status.filter(has_text="永田町").wait_for()
    assert page.locator("#id_address").input_value() == "東京都千代田区永田町"
    page.locator("#id_address").fill("東京都千代田区永田町1-7-1")
    page.locator("#id_postal_code").fill("160-0023")
    status.filter(has_text="西新宿").wait_for()
    assert page.locator("#id_address").input_value() == "東京都千代田区永田町1-7-1"


def test_a_code_outside_tokyo_is_named_as_it_is_typed(offline_page):
    page = offline_page
    page.goto("/ja/dispatch/apply/")
    page.locator("#id_postal_code").fill("530-0001")
    page.locator("#postal-code-status").filter(has_text="大阪府").wait_for()
    assert "東京都外" in page.locator("#postal-code-status").inner_text()
    assert page.locator("#id_address").input_value() == ""
    # The field's description includes the status, for screen readers returning to it.
    described = page.locator("#id_postal_code").get_attribute("aria-describedby")
    assert "id_postal_code_helptext" in described


def test_an_unknown_code_says_to_check_it(offline_page):
    page = offline_page
    page.goto("/en/dispatch/apply/")
    page.locator("#id_postal_code").fill("999-9999")
    page.locator("#postal-code-status").filter(has_text="Check the number").wait_for()
