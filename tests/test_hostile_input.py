"""Hostile input: every public URL and form and every admin changelist filter, as anonymous
and as staff, answers without a server error and never reflects markup unescaped."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from consultations.tests.factories import VALID_FORM as CONSULTATION_FORM
from consultations.tests.factories import make_consultation
from dispatch.tests.factories import FORM as DISPATCH_FORM
from dispatch.tests.factories import make_application
from seminars.tests.factories import FORM as SEMINAR_FORM
from seminars.tests.factories import make_seminar

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fill_delay")]

MARKUP = "<script>alert(1)</script>"
PAYLOADS = {
    "nul": "a\x00b",
    "control": "a\x07\x1b[31mb",
    "bidi": "abc\u202edcba",
    "zero width": "山田\u200b花子",
    "markup": MARKUP,
    "sql": "' OR 1=1 --",
    "long": "あ" * 1_000_000,
    "replacement": "\ufffd\udcff".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
}
PUBLIC_GETS = [
    "/ja/",
    "/en/faq/",
    "/ja/consultation/form/",
    "/en/seminars/",
    "/ja/seminars/my-registrations/",
    "/en/dispatch/apply/",
]


def _no_server_error_nor_reflection(response) -> None:
    assert response.status_code < 500, response.status_code
    assert MARKUP.encode() not in response.content


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
@pytest.mark.parametrize("url", PUBLIC_GETS)
def test_public_pages_answer_any_query(client, url, payload):
    query = payload[:10_000]  # (servers refuse longer request lines)
    _no_server_error_nor_reflection(client.get(url, {"q": query, query[:50]: "x"}))


@pytest.mark.parametrize("url", PUBLIC_GETS)
def test_public_pages_answer_invalid_utf_8(client, url):
    _no_server_error_nor_reflection(client.get(url, QUERY_STRING="q=%ff%fe&%c3=%00x"))
    # (WSGI gives the path's bytes as Latin-1 characters)
    _no_server_error_nor_reflection(client.get(url, PATH_INFO=url + "\xff\xfe/"))


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_personal_links_answer_any_token(client, payload):
    for url in (
        f"/en/dispatch/status/{payload[:200]}/",
        f"/ja/seminars/registration/x{payload[:200]}/",
    ):
        _no_server_error_nor_reflection(client.get(url))


def test_a_nul_in_a_path_or_a_query_is_a_400_page(client):
    for response in (
        client.get("/en/dispatch/status/abc%00/"),
        client.get("/en/faq/", {"q": "a\x00"}),
        client.get("/en/faq/", QUERY_STRING="q=%07"),
    ):
        assert response.status_code == 400
        assert "could not be read" in response.content.decode()


def test_a_nul_in_the_my_links_form_is_removed_not_a_server_error(client):
    response = client.post("/en/seminars/my-registrations/", {"email": "a\x00b@x.jp"})
    assert response.status_code == 302  # (read as ab@x.jp, like the other forms' values)


def test_a_pasted_tab_in_a_search_is_not_refused(client):
    assert client.get("/en/faq/", {"q": "customer\tharassment"}).status_code == 200


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_every_public_form_takes_any_value_in_every_field(client, payload):
    seminar = make_seminar()
    forms = {
        "/en/consultation/form/": CONSULTATION_FORM,
        "/ja/dispatch/apply/": DISPATCH_FORM,
        f"/en/seminars/{seminar.pk}/": SEMINAR_FORM,
        "/ja/seminars/my-registrations/": {"email": "a@example.jp"},
    }
    for url, form in forms.items():
        for field in form:
            data = {**form, field: payload}
            _no_server_error_nor_reflection(client.post(url, data))


def _changelists():
    return [
        (model, reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
        for model in admin.site._registry
    ]


@pytest.mark.parametrize("payload", ["\x00", "%00", MARKUP, "'", "9" * 40, "\u202e"])
def test_every_changelist_filter_takes_any_value(admin_client, payload):
    make_consultation(), make_application()
    for model, url in _changelists():
        fields = [f.name for f in model._meta.concrete_fields]
        params = {name: payload for name in fields[:12]}
        params |= {"q": payload, "o": payload, "p": payload, "token__startswith": payload}
        _no_server_error_nor_reflection(admin_client.get(url, params))
        _no_server_error_nor_reflection(admin_client.get(url, {"q": payload}))


@pytest.mark.parametrize(
    "role", ["Consultants", "Seminar staff", "Dispatch coordinators", "Supervisors"]
)
def test_each_role_s_changelists_take_any_filter(client, role):
    from conftest import log_in_staff

    log_in_staff(client, role, f"staff-{role.split()[0].lower()}")
    for _model, url in _changelists():
        for payload in ("\x00", MARKUP, "'"):
            _no_server_error_nor_reflection(client.get(url, {"q": payload, "id": payload}))
