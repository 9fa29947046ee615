"""What a person typed is not lost: across a switch of language, and (with a warning and a way
to keep going) before the draft's two hours end."""

import pytest

from .test_consultation_flow import fill_the_form

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("no_fill_delay")]


@pytest.mark.parametrize(
    ("start", "other", "name"), [("ja", "en", "English"), ("en", "ja", "日本語")]
)
def test_switching_language_keeps_a_half_filled_form(page, start, other, name):
    page.goto(f"/{start}/consultation/form/")
    page.locator("#id_name").fill("山田 花子")
    page.locator("#id_email").fill("hanako@example.jp")
    page.locator("#id_details").fill("客に一時間どなられました。")
    page.locator("#id_conduct_types_0").check()
    page.get_by_role("button", name=name).click()

    page.wait_for_url(f"**/{other}/consultation/form/")
    assert page.locator("html").get_attribute("lang") == other
    assert page.locator("#id_name").input_value() == "山田 花子"
    assert page.locator("#id_email").input_value() == "hanako@example.jp"
    assert page.locator("#id_details").input_value() == "客に一時間どなられました。"
    assert page.locator("#id_conduct_types_0").is_checked()
    assert page.locator("#error-summary").count() == 0


def test_the_switch_is_reached_and_used_by_keyboard(page):
    page.goto("/ja/consultation/form/")
    page.locator("#id_name").fill("佐藤 次郎")
    for _ in range(25):  # back from the field, by keyboard, up to the switcher in the header
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "English":
            break
    focused = page.evaluate(
        "[document.activeElement.name, getComputedStyle(document.activeElement).outlineStyle]"
    )
    assert focused == ["switch_language", "solid"]  # the switcher's button, its ring visible
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/consultation/form/")
    assert page.locator("#id_name").input_value() == "佐藤 次郎"


@pytest.mark.parametrize(
    ("language", "warning", "keep", "gone"),
    [
        (
            "ja",
            "まもなく入力内容が消去されます",
            "入力内容を保存して続ける",
            "入力内容は消去されました",
        ),
        (
            "en",
            "Your answers will soon be deleted",
            "Keep my answers and continue",
            "Your answers have been deleted",
        ),
    ],
)
def test_a_warning_comes_before_the_two_hours_end_and_keeps_the_answers(
    page, language, warning, keep, gone
):
    page.clock.install()
    page.goto(f"/{language}/consultation/form/")
    fill_the_form(page, language, "Shouted at for an hour.")
    page.wait_for_url("**/consultation/check/")
    dialog = page.locator("#draft-timeout")
    assert not dialog.is_visible()

    page.clock.run_for("01:54:00")
    assert not dialog.is_visible()
    page.clock.run_for("00:01:00")  # 5 minutes before the end
    assert dialog.get_by_role("heading", name=warning).is_visible()
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == keep  # the dialog takes focus, on its button

    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    # Two hours more from now: no warning at the old end.
    page.clock.run_for("00:10:00")
    assert not dialog.is_visible()
    # The answers are still there, on the server too.
    page.reload()
    assert page.get_by_text("Shouted at for an hour.").is_visible()

    # Left alone to the end, the dialog says the answers are gone and links to the form.
    page.clock.run_for("02:00:01")
    assert dialog.get_by_role("heading", name=gone).is_visible()
    assert dialog.get_by_role("link").get_attribute("href").endswith("/consultation/form/")
    assert not page.get_by_text("Shouted at for an hour.").is_visible()  # nor on the screen


def test_escape_means_keep_going(page):
    page.clock.install()
    page.goto("/en/consultation/form/")
    fill_the_form(page, "en", "Shouted at.")
    page.wait_for_url("**/consultation/check/")
    page.clock.run_for("01:56:00")
    dialog = page.locator("#draft-timeout")
    assert dialog.is_visible()
    with page.expect_response("**/answers/keep") as answer:
        page.keyboard.press("Escape")
    assert answer.value.json() == {"seconds": 7200}
    dialog.wait_for(state="hidden")


def test_enter_in_a_field_sends_the_form_and_does_not_switch_language(page):
    page.goto("/en/consultation/form/")
    page.locator("#id_email").fill("hanako@example.jp")
    page.locator("#id_email").press("Enter")
    page.locator("#error-summary").wait_for()  # sent, and checked: the rest is missing
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#id_email").input_value() == "hanako@example.jp"
