"""Focus and control boundaries measured in Chromium, not assumed: every kind of control shows
a solid ring of at least 2 px and 3:1 against the page when focused, and an unfocused
control's boundary is 3:1 too (WCAG 2.2 1.4.11, 2.4.7, 2.4.13), in both colour schemes."""

import re

import pytest

from seminars.tests.factories import make_seminar
from tests.public_pages import public_paths

pytestmark = pytest.mark.e2e

CONTROLS = {
    "email": 'input[type="email"]',
    "tel": 'input[type="tel"]',
    "text": 'input[type="text"]:not([name="website"])',
    "textarea": "textarea",
    "select": "select",
    "radio": 'input[type="radio"]',
    "checkbox": 'input[type="checkbox"]',
    "button": 'button[type="submit"]',
}
BOUNDED = {"email", "tel", "text", "textarea", "select", "radio", "checkbox"}


def rgb(colour: str) -> tuple[float, float, float]:
    values = [float(v) for v in re.findall(r"[\d.]+", colour)[:3]]
    return values[0], values[1], values[2]


def luminance(colour: str) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


STYLE = """e => { const s = getComputedStyle(e);
  return {outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
          outlineColor: s.outlineColor, border: s.borderTopColor}; }"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("form", ["consultation", "dispatch", "seminar"])
def test_every_control_has_a_visible_focus_ring_and_boundary(page, form, language, scheme):
    path = {
        "consultation": f"/{language}/consultation/form/",
        "dispatch": f"/{language}/dispatch/apply/",
        "seminar": f"/{language}/seminars/{make_seminar().pk}/" if form == "seminar" else "",
    }[form]
    page.emulate_media(color_scheme=scheme)
    page.goto(path)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    measured = []
    for kind, selector in CONTROLS.items():
        controls = page.locator(f"main {selector}")
        if controls.count() == 0:
            continue
        control = controls.first
        before = control.evaluate(STYLE)
        control.focus()
        after = control.evaluate(STYLE)
        measured.append(kind)
        assert after["outlineStyle"] == "solid", (kind, after)
        assert after["outlineWidth"] >= 2, (kind, after)
        assert contrast(after["outlineColor"], background) >= 3, (kind, after, background)
        if kind in BOUNDED:
            assert contrast(before["border"], background) >= 3, (kind, before, background)
    assert {"email", "radio", "checkbox", "button"} <= set(measured), measured


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_public_page_reflows_at_320_px_without_sideways_scrolling(page, language):
    """WCAG 1.4.10: the seminar list's facts overflowed a 320 px screen."""
    page.set_viewport_size({"width": 320, "height": 800})
    paths = public_paths()
    wide = {}
    for path in paths:
        page.goto(f"/{language}/{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide[path] = width
    assert wide == {}


def test_the_dispatch_status_steps_say_their_state_in_words(page):
    from dispatch.tests.factories import make_application

    application = make_application()
    page.goto(f"/en/dispatch/status/{application.token}/")
    states = page.locator(".status-steps .step-state").all_inner_texts()
    assert states == ["Done", "Not yet", "Not yet", "Not yet", "Not yet"]
