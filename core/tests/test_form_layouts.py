"""A blank form's crispy layout is rendered once and reused; every visitor's own values are not."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from consultations.forms import ConsultationForm
from consultations.tests.factories import VALID_FORM
from core.public import layouts as form_layouts
from core.public.flow import read_draft
from seminars.forms import RegistrationForm
from seminars.tests.factories import make_seminar, register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fill_delay")]

HIDDEN = re.compile(r'name="(csrfmiddlewaretoken|form_started|submission_key)" value="([^"]*)"')


def url(name, *args, language="ja"):
    with translation.override(language):
        return reverse(name, args=args)


def form_pages():
    seminar = make_seminar()
    return [
        url("consultations:form"),
        url("dispatch:form", language="en"),
        url("seminars:detail", seminar.pk),
    ]


def hidden_values(html: str) -> dict[str, str]:
    return dict(HIDDEN.findall(html))


def without_hidden_values(html: str) -> str:
    return HIDDEN.sub(r'name="\1" value=""', html)


@pytest.fixture
def crispy_renders(monkeypatch):
    """How many times a layout was rendered by crispy (not taken from the kept layouts)."""
    calls = []
    render = form_layouts._render_crispy

    def counting(form, context):
        calls.append(form)
        return render(form, context)

    monkeypatch.setattr(form_layouts, "_render_crispy", counting)
    return calls


def crispy_tag(form) -> str:
    """What ``{% crispy form %}`` renders for ``form``: the markup the pages had before."""
    template = Template("{% load crispy_forms_tags %}{% crispy form %}")
    return template.render(Context({"form": form}))


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_kept_layout_is_exactly_what_crispy_renders(language):
    with translation.override(language):
        first = ConsultationForm(initial={"submission_key": "k1"})
        assert form_layouts.render(first, Context()) == crispy_tag(first)
        second = ConsultationForm(initial={"submission_key": "k2"})
        assert form_layouts.render(second, Context()) == crispy_tag(second)
        for full in (False, True):
            form = RegistrationForm(full=full)
            form_layouts.render(form, Context())
            form = RegistrationForm(full=full)
            assert form_layouts.render(form, Context()) == crispy_tag(form)


def test_a_blank_form_is_rendered_by_crispy_once(client, crispy_renders):
    pages = form_pages()
    for _ in range(3):
        for page in pages:
            assert client.get(page).status_code == 200
            client.cookies.clear()
    assert len(crispy_renders) == len(pages)


def test_each_language_and_seminar_state_has_its_own_layout(client):
    open_session, full_session = make_seminar(), make_seminar(capacity=1)
    register(full_session, 1)
    en = client.get(url("consultations:form", language="en")).content.decode()
    ja = client.get(url("consultations:form")).content.decode()
    assert "About you" in en and "About you" not in ja
    assert 'name="join_waiting_list"' in (
        client.get(url("seminars:detail", full_session.pk)).content.decode()
    )
    assert 'name="join_waiting_list"' not in (
        client.get(url("seminars:detail", open_session.pk)).content.decode()
    )


def test_every_visitor_gets_their_own_token_stamp_and_key(client):
    for page in form_pages():
        first = client.get(page).content.decode()
        client.cookies.clear()
        second = client.get(page).content.decode()  # from the kept layout
        client.cookies.clear()
        one, two = hidden_values(first), hidden_values(second)
        assert "csrfmiddlewaretoken" in one and "form_started" in one
        assert all(one[name] and one[name] != two[name] for name in one)
        assert without_hidden_values(first) == without_hidden_values(second)


def test_the_hidden_values_of_a_kept_layout_are_accepted(client):
    client.get(url("consultations:form"))  # keeps the layout
    values = hidden_values(client.get(url("consultations:form")).content.decode())
    response = client.post(url("consultations:form"), {**VALID_FORM, **values})
    assert response.status_code == 302
    assert read_draft(client.session, "consultation_draft")["key"] == values["submission_key"]


def test_a_form_with_errors_is_rendered_afresh(client, crispy_renders):
    values = hidden_values(client.get(url("consultations:form")).content.decode())
    response = client.post(url("consultations:form"), {**values, "details": "Kept text"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kept text" in html and "is-invalid" in html
    assert len(crispy_renders) == 2
    assert crispy_renders[-1].is_bound
    client.cookies.clear()
    blank = client.get(url("consultations:form")).content.decode()
    assert "Kept text" not in blank and "is-invalid" not in blank


def test_a_form_prefilled_from_a_draft_is_rendered_afresh(client, crispy_renders):
    client.get(url("consultations:form", language="en"))  # keeps the blank layout
    client.post(
        url("consultations:form", language="en"),
        {
            **VALID_FORM,
            **hidden_values(client.get(url("consultations:form", language="en")).content.decode()),
        },
    )
    html = client.get(url("consultations:form", language="en")).content.decode()
    assert "A customer shouted at me for an hour" in html
    assert not form_layouts.is_blank(crispy_renders[-1])
    assert crispy_renders[-1].initial["details"].startswith("A customer shouted")
    # The next visitor still gets the blank form.
    client.cookies.clear()
    assert (
        "A customer shouted"
        not in client.get(url("consultations:form", language="en")).content.decode()
    )


def test_a_value_found_elsewhere_in_the_layout_is_never_kept():
    form = ConsultationForm(initial={"submission_key": "organisation"})  # also a field name
    html = form_layouts.render(form, Context())
    assert 'name="submission_key" value="organisation"' in html
    assert not form_layouts._layouts
