"""Every public page passes axe-core (WCAG 2.2 AA) in both languages and works by keyboard."""

import pytest

from faq import services as faq_services

pytestmark = pytest.mark.e2e

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = [
    "",
    "faq/",
    "faq/?q=seminar",
    "faq/?q=none-such",
    "consultation/",
    "consultation/form/",
    "seminars/",
    "seminars/my-registrations/",
    "dispatch/",
    "dispatch/apply/",
    "privacy/",
    "accessibility/",
    "no-such-page/",
]


@pytest.fixture
def faq_loaded(transactional_db):
    faq_services.load_seed()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_public_pages_pass_axe_wcag22_aa(page, faq_loaded, language):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    failures = {}
    for path in PAGES:
        page.goto(f"/{language}/{path}")
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
        if results.violations_count:
            failures[path] = results.generate_report()
    assert failures == {}


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, faq_loaded):
    page.goto("/en/faq/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to main content"
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0  # visible when focused
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    assert page.evaluate("document.activeElement.id") == "main"


def test_focus_is_always_visible(page, faq_loaded):
    page.goto("/ja/")
    for _ in range(8):
        page.keyboard.press("Tab")
        style = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; })()"
        )
        assert style[0] != "none" or style[2] != "none", style


def test_language_switch_by_keyboard_keeps_the_page(page, faq_loaded):
    page.goto("/ja/faq/?q=録画")
    page.get_by_role("link", name="English").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/faq/?q=*")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#faq-q").input_value() == "録画"


def test_faq_search_by_keyboard(page, faq_loaded):
    page.goto("/en/faq/")
    page.locator("#faq-q").focus()
    page.keyboard.type("recording")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/faq/?q=recording")
    assert page.get_by_role("status").inner_text() == "1 question matches “recording”."
    headings = page.get_by_role("heading", level=3).all_inner_texts()
    assert [" ".join(text.split()) for text in headings] == [
        "Question: May I record the seminar, either by video or audio?"
    ]


def test_question_anchor_targets_the_question(page, faq_loaded):
    page.goto("/en/faq/#q-dispatch-phone-support")
    assert page.evaluate("document.querySelector(':target').id") == "q-dispatch-phone-support"
    assert (
        page.locator(":target").inner_text().endswith("Is consultation support available by phone?")
    )


def test_the_accessibility_checker_does_find_violations(page):
    """Guards the harness: a page with known faults must not pass."""
    from axe_playwright_python.sync_playwright import Axe

    page.set_content(
        '<html><body><img src="x.png"><a href="/"></a>'
        '<p style="color:#aaa;background:#fff">low contrast</p></body></html>'
    )
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    rules = {violation["id"] for violation in results.response["violations"]}
    assert {"image-alt", "link-name", "color-contrast", "html-has-lang"} <= rules


@pytest.mark.parametrize("language", ["ja", "en"])
def test_consultation_form_passes_axe_in_its_error_state_too(page, no_fill_delay, language):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"/{language}/consultation/form/")
    page.locator("#answers button[type=submit]").click()  # everything missing
    assert page.locator("#error-summary").is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, results.generate_report()
    # The summary's links take keyboard users to the fields.
    page.locator("#error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_requester_type_0"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_registration_page_of_a_seat_offered_passes_axe(page, language):
    """Issue 18: the offer with its accept and decline buttons, the decline question, and the
    page once the offer has lapsed."""
    from axe_playwright_python.sync_playwright import Axe

    from tests.test_html_validity import offered_registration_links

    offered, other, lapsed = offered_registration_links(language)
    failures = {}
    for path in [offered, f"{other}?cancel=1", lapsed]:
        page.goto(path)
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
        if results.violations_count:
            failures[path] = results.generate_report()
    page.goto(offered)
    page.get_by_role("button", name="参加する" if language == "ja" else "Accept the seat").click()
    assert page.locator("#registration-status").inner_text() in ("参加確定", "Registered")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    if results.violations_count:
        failures["accepted"] = results.generate_report()
    assert failures == {}, "\n".join(f"{k}: {v}" for k, v in failures.items())
