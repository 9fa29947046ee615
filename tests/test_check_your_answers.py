""" "Check your answers" in the form's sections, with the declarations summed up, and the
three steps (入力 → 確認 → 完了) said to screen readers (issue 15)."""

import re

import pytest

from consultations.tests import test_views as consultation_views
from dispatch.tests import test_views as dispatch_views

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fill_delay")]


def section_titles(html: str) -> list[str]:
    return re.findall(r'<h2 class="h4" id="answers-\d+">([^<]+)</h2>', html)


def row_labels(html: str) -> list[str]:
    return re.findall(r"<dt>([^<]+)</dt>", html)


def test_consultation_answers_are_grouped_by_the_form_s_sections(client):
    consultation_views.post_form(client, "en")
    html = client.get(consultation_views.url("check", "en")).content.decode()
    assert section_titles(html) == [
        "About you",
        "How we contact you",
        "Your consultation",
        "Before you send",
    ]
    labels = row_labels(html)
    assert not [label for label in labels if "(optional)" in label]
    assert labels.count("Confirmations") == 2  # eligibility; the disclaimers and privacy
    assert "All 2 confirmed" in html and "I understand that the desk" not in html
    assert '<li aria-current="step"><span class="form-step-number">2</span> Check' in html


def test_dispatch_declarations_are_one_row_in_japanese_too(client):
    dispatch_views.post_form(client, "ja")
    html = client.get(dispatch_views.url("check", language="ja")).content.decode()
    assert "誓約事項" in section_titles(html)
    assert "確認済み（7項目）" in html
    assert "(任意)" not in "".join(row_labels(html)) and "（任意）" not in "".join(row_labels(html))
    assert '<li aria-current="step"><span class="form-step-number">2</span> 確認' in html


def test_each_change_link_goes_to_a_field_of_the_form(client):
    consultation_views.post_form(client, "en")
    check = client.get(consultation_views.url("check", "en")).content.decode()
    form = client.get(consultation_views.url("form", "en")).content.decode()
    anchors = re.findall(r'href="/en/consultation/form/#([^"]+)"', check)
    assert anchors and all(f'id="{anchor}"' in form for anchor in anchors)
