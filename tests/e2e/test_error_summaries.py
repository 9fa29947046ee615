"""An empty submit of each public form, in both languages, as a person meets it: the error
summary takes the focus, no two of its items are the same, each names its field and says the
same thing as the message beside that field, each link (followed by keyboard) puts the focus
on its field, and the page in its error state passes axe-core (issue 15)."""

import pytest

from seminars.tests.factories import make_seminar

from .test_consultation_flow import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("no_fill_delay")]

FORMS = ["consultation/form/", "dispatch/apply/", "seminar", "seminars/my-registrations/"]
SUBMIT = "main form button[type=submit]:not([hidden])"
# Django's own wording, which names no field (seen 16 times in one summary before issue 15).
DJANGO_DEFAULTS = {"This field is required.", "このフィールドは必須です。", "この誓約は必須です。"}


def summary_links(page) -> list[tuple[str, str]]:
    return page.evaluate(
        """[...document.querySelectorAll('#error-summary li a')]
             .map(a => [a.getAttribute('href'), a.innerText.trim()])"""
    )


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("form", FORMS)
def test_an_empty_form_gives_a_summary_that_leads_to_each_field(page, form, language):
    path = f"seminars/{make_seminar().pk}/" if form == "seminar" else form
    page.goto(f"/{language}/{path}")
    page.locator(SUBMIT).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    items = [" ".join(text.split()) for text in summary.locator("li").all_inner_texts()]
    assert items and len(items) == len(set(items)), items
    assert not DJANGO_DEFAULTS & set(items), items
    assert page.title().startswith(("エラー：", "Error:")), page.title()
    assert_accessible(page)

    links = summary_links(page)
    assert len(links) == len(items), "every item leads to its field"
    for href, text in links:
        page.locator(f'#error-summary a[href="{href}"]').focus()
        page.keyboard.press("Enter")
        field_id = page.evaluate("document.activeElement.id")
        assert field_id == href[1:], (href, field_id)
        name = page.locator(href).get_attribute("name")
        beside = page.locator(f"#id_{name}_error")
        assert text in " ".join(beside.inner_text().split()), (href, text)
        # The field says so to a screen reader: its own error, or its group's.
        described = page.evaluate(
            """id => { const e = document.getElementById(id);
                 const group = e.closest('fieldset');
                 return [e.getAttribute('aria-describedby'), e.getAttribute('aria-invalid'),
                         group && group.getAttribute('aria-describedby')].join(' '); }""",
            href[1:],
        )
        assert f"id_{name}_error" in described, (href, described)
