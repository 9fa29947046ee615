"""Switching language on a half-filled form keeps what was typed (core/public/language_switch.py).

The other language on a form page is a submit button of the form, with the form in that
language as its ``formaction``; the form comes back filled in, unchecked and without errors.
"""

import re

import pytest
from django.contrib.sessions.models import Session

from consultations.tests.factories import VALID_FORM
from seminars.tests.factories import make_seminar

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fill_delay")]

HALF_FILLED = {
    "requester_type": "worker",
    "name": "山田 花子",
    "email": "hanako@example.jp",
    "conduct_types": ["verbal_abuse", "restraint"],
    "details": "客に一時間どなられました。",
    "eligibility_confirmed": "on",
}


def hidden(client, path):
    form = client.get(path).context["form"]
    return {
        name: str(form.initial[name])
        for name in ("form_started", "submission_key")
        if name in form.initial
    }


def switch(client, path_from, path_to, data, language):
    """What the switcher's button sends: the form, to the form in the other language."""
    return client.post(path_to, {**hidden(client, path_from), **data, "switch_language": language})


@pytest.mark.parametrize(
    ("start", "other", "code"), [("/ja/", "/en/", "en"), ("/en/", "/ja/", "ja")]
)
def test_a_half_filled_consultation_survives_the_switch(client, start, other, code):
    path, target = f"{start}consultation/form/", f"{other}consultation/form/"
    response = switch(client, path, target, HALF_FILLED, code)
    assert response.status_code == 302 and response.url == target

    page = client.get(target)
    form = page.context["form"]
    assert not form.is_bound and not form.errors  # shown again, not checked
    html = page.content.decode()
    assert page.context["LANGUAGE_CODE"] == code
    assert 'value="山田 花子"' in html and 'value="hanako@example.jp"' in html
    assert "客に一時間どなられました。" in html
    for value in ("verbal_abuse", "restraint"):
        assert re.search(rf'value="{value}"[^>]*checked', html), value
    assert 'id="error-summary"' not in html


def test_the_switcher_on_a_form_page_is_a_button_of_the_form(client):
    html = client.get("/ja/consultation/form/").content.decode()
    button = re.search(r"<button[^>]*name=\"switch_language\"[^>]*>", html).group(0)
    assert 'form="answers"' in button and 'formaction="/en/consultation/form/"' in button
    assert "formnovalidate" in button
    assert '<form id="answers"' in html
    # Elsewhere it stays a link.
    assert 'name="switch_language"' not in client.get("/ja/faq/").content.decode()


def test_what_was_typed_is_encrypted_in_the_session(client):
    switch(client, "/ja/consultation/form/", "/en/consultation/form/", HALF_FILLED, "en")
    stored = Session.objects.get().session_data
    assert "hanako" not in stored and "山田" not in stored
    assert "hanako" not in str(Session.objects.get().get_decoded())


def test_a_switch_is_not_a_check_and_the_check_page_still_wants_a_form(client):
    switch(client, "/ja/consultation/form/", "/en/consultation/form/", HALF_FILLED, "en")
    response = client.get("/en/consultation/check/")
    assert response.status_code == 302 and response.url == "/en/consultation/form/"


def test_a_normal_send_forgets_what_the_switch_kept(client):
    switch(client, "/ja/consultation/form/", "/en/consultation/form/", HALF_FILLED, "en")
    client.post(
        "/en/consultation/form/", {**VALID_FORM, **hidden(client, "/en/consultation/form/")}
    )
    assert client.get("/en/consultation/check/").status_code == 200
    session = Session.objects.get().get_decoded()
    assert not [key for key in session if key.startswith("typed:")]


def test_the_newer_typing_wins_over_a_checked_draft(client):
    client.post(
        "/ja/consultation/form/", {**VALID_FORM, **hidden(client, "/ja/consultation/form/")}
    )
    switch(
        client,
        "/ja/consultation/form/",
        "/en/consultation/form/",
        {**VALID_FORM, "name": "山田 太郎"},
        "en",
    )
    html = client.get("/en/consultation/form/").content.decode()
    assert 'value="山田 太郎"' in html and 'value="山田 花子"' not in html


def test_the_dispatch_application_survives_the_switch(client):
    data = {"organisation_name": "一般社団法人東京飲食業協会", "postal_code": "163-8001"}
    switch(client, "/ja/dispatch/apply/", "/en/dispatch/apply/", data, "en")
    html = client.get("/en/dispatch/apply/").content.decode()
    assert "一般社団法人東京飲食業協会" in html and 'value="163-8001"' in html


def test_a_seminar_registration_survives_the_switch_and_is_not_cached(client):
    seminar = make_seminar()
    path_ja, path_en = f"/ja/seminars/{seminar.pk}/", f"/en/seminars/{seminar.pk}/"
    response = switch(client, path_ja, path_en, {"name": "佐藤 次郎"}, "en")
    assert response.status_code == 302 and response.url == path_en
    page = client.get(path_en)
    assert 'value="佐藤 次郎"' in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    # Another seminar's form is not filled in with it.
    other = make_seminar()
    assert "佐藤 次郎" not in client.get(f"/en/seminars/{other.pk}/").content.decode()


def test_an_oversized_switch_keeps_nothing_and_fails_nothing(client):
    response = switch(
        client,
        "/ja/consultation/form/",
        "/en/consultation/form/",
        {"details": "あ" * 70_000},
        "en",
    )
    assert response.status_code == 302
    assert "あああ" not in client.get("/en/consultation/form/").content.decode()


def test_the_my_registrations_address_survives_the_switch_and_sends_nothing(client, mailoutbox):
    path_ja, path_en = "/ja/seminars/my-registrations/", "/en/seminars/my-registrations/"
    assert 'form="answers"' in client.get(path_ja).content.decode()  # the switcher is a button
    response = switch(client, path_ja, path_en, {"email": "hanako@example.jp"}, "en")
    assert response.status_code == 302 and response.url == path_en
    page = client.get(path_en)
    assert 'value="hanako@example.jp"' in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert 'id="error-summary"' not in page.content.decode()
    assert mailoutbox == []  # a switch is not a request for the links
    # A normal send forgets it.
    client.post(path_en, {"email": "hanako@example.jp"})
    assert "hanako@example.jp" not in client.get(path_en).content.decode()


def test_a_message_half_written_on_the_case_page_survives_the_switch(client):
    from consultations.models import ConsultationMessage
    from consultations.tests.factories import make_consultation

    consultation = make_consultation()
    path_ja = f"/ja/consultation/case/{consultation.token}/"
    path_en = f"/en/consultation/case/{consultation.token}/"
    assert 'form="answers"' in client.get(path_ja).content.decode()  # the switcher is a button
    response = client.post(
        path_en, {"message": "追加で伝えたいことがあります。", "switch_language": "en"}
    )
    assert response.status_code == 302 and response.url == path_en
    page = client.get(path_en)
    html = page.content.decode()
    assert "追加で伝えたいことがあります。" in html
    assert "no-store" in page["Cache-Control"]
    assert 'id="error-summary"' not in html
    assert not ConsultationMessage.objects.exists()  # a switch sends nothing to the desk
    # A normal send forgets it.
    client.post(path_en, {"message": "追加で伝えたいことがあります。"})
    assert ConsultationMessage.objects.count() == 1
    assert (
        "追加で伝えたいことがあります。"
        not in client.get(path_en).content.decode().split("<textarea")[1].split("</textarea>")[0]
    )
