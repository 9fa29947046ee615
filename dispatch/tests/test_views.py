"""Public dispatch pages: overview, the application form and the status link."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from core.public.flow import read_draft
from dispatch import services
from dispatch.models import DispatchApplication

from .factories import FORM, TOKYO, make_application, make_expert

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fill_delay")]


def url(name, *args, language="ja"):
    with translation.override(language):
        return reverse(f"dispatch:{name}", args=args)


def post_form(client, language="ja", **changes):
    form = client.get(url("form", language=language)).context["form"]
    data = {
        **FORM,
        "form_started": form.initial["form_started"],
        "submission_key": str(form.initial["submission_key"]),
        **changes,
    }
    return client.post(
        url("form", language=language), {k: v for k, v in data.items() if v is not None}
    )


def test_overview_shows_the_deadline_for_an_application_today(client, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 5, 1, 10, tzinfo=TOKYO))
    html = client.get(url("overview", language="en")).content.decode()
    assert "Wednesday 13 May 2026" in html and url("form", language="en") in html


@pytest.mark.parametrize(
    "changes, field, code",
    [
        (
            {"postal_code": "220-0012", "address": "神奈川県横浜市西区1-1"},
            "postal_code",
            "outside_tokyo",
        ),
        ({"address": "神奈川県横浜市西区1-1"}, "address", "outside_tokyo"),
        ({"postal_code": "1638001x"}, "postal_code", "invalid"),
        ({"declare_no_tax_arrears": None}, "declare_no_tax_arrears", "required"),
        ({"declare_no_organised_crime": None}, "declare_no_organised_crime", "required"),
        ({"visits_wanted": "6"}, "visits_wanted", "invalid_choice"),
        ({"sme_share": "150"}, "sme_share", "invalid"),
        ({"support_wanted": None}, "support_wanted", "required"),
        ({"contact_phone": "123"}, "contact_phone", "invalid_phone"),
        ({"corporate_number": ""}, "corporate_number", "required"),
        ({"corporate_number": "118030101877"}, "corporate_number", "corporate_number_length"),
        (
            {"corporate_number": "1180301018772"},
            "corporate_number",
            "corporate_number_check_digit",
        ),
    ],
)
def test_eligibility_and_fields_are_validated_with_clear_reasons(client, changes, field, code):
    response = post_form(client, "en", **changes)
    assert response.status_code == 200
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()[field]] == [code]
    assert "東京小売業協同組合" in response.content.decode()  # nothing typed is lost


def test_outside_tokyo_is_refused_with_the_reason(client):
    response = post_form(client, "en", postal_code="220-0012")
    assert "outside Tokyo" in response.content.decode()


def test_full_width_postal_code_is_accepted_and_normalised(client):
    assert post_form(client, postal_code="１６３ー８００１").status_code == 302
    assert read_draft(client.session, "dispatch_draft")["data"]["postal_code"] == "163-8001"


def test_the_corporate_number_is_read_as_typed_and_stored_as_its_digits(client):
    assert post_form(client, corporate_number="１-１８０３-０１０１-８７７１").status_code == 302
    draft = read_draft(client.session, "dispatch_draft")["data"]
    assert draft["corporate_number"] == "1180301018771"


@pytest.mark.parametrize(
    "language, typed, expected",
    [
        ("en", "", "Enter “Corporate number”."),
        ("ja", "", "「法人番号」を入力してください。"),
        ("en", "1180301018772", "Corporate number 1180301018772 is not a valid corporate number"),
        ("ja", "1180301018772", "法人番号「1180301018772」は正しい法人番号ではありません"),
        ("en", "118", "Enter the corporate number as its 13 digits"),
        ("ja", "118", "「法人番号」は13桁の数字で入力してください"),
    ],
)
def test_a_corporate_number_error_names_the_field_and_the_fix(client, language, typed, expected):
    response = post_form(client, language, corporate_number=typed)
    [message] = response.context["form"].errors["corporate_number"]
    assert message.startswith(expected)


def test_the_corporate_number_field_is_labelled_hinted_and_numeric(client):
    html = client.get(url("form", language="en")).content.decode()
    field = html[
        html.index('name="corporate_number"') - 300 : html.index('name="corporate_number"') + 300
    ]
    assert 'inputmode="numeric"' in field and 'autocomplete="off"' in field
    assert "National Tax Agency" in html and 'for="id_corporate_number"' in html
    post_form(client, "en")
    check = client.get(url("check", language="en")).content.decode()
    assert "Corporate number" in check and "1180301018771" in check


def test_apply_check_and_submit_once(client, mailoutbox, django_capture_on_commit_callbacks):
    hidden = post_form(client, "en")
    assert hidden["Location"] == url("check", language="en")
    check = client.get(url("check", language="en")).content.decode()
    assert "東京都新宿区西新宿2-8-1" in check and "Drafting a manual" in check
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("check", language="en"))
        client.post(url("check", language="en"))  # double click
    assert response["Location"] == url("thanks", language="en")
    application = DispatchApplication.objects.get()
    assert application.corporate_number == "1180301018771"
    assert application.language == "en" and application.support_wanted == [
        "manual_drafting",
        "sector_issues",
    ]
    page = client.get(url("thanks", language="en")).content.decode()
    assert application.reference in page
    assert len(mailoutbox) == 1


def test_status_link_shows_each_step(client):
    staff = User.objects.create_user("coordinator", is_staff=True)
    application = make_application(language="en")
    path = url("status", application.token, language="en")
    assert "We will contact you by Wednesday 13 May 2026" in client.get(path).content.decode()
    services.record_contact(application, by=staff)
    services.schedule_interview(
        application,
        by=staff,
        at=dt.datetime(2026, 5, 12, 10, tzinfo=TOKYO),
        now=dt.datetime(2026, 5, 8, 10, tzinfo=TOKYO),
    )
    assert (
        "The preliminary interview is on Tuesday 12 May 2026 at 10:00."
        in client.get(path).content.decode()
    )
    services.record_interview(
        application, by=staff, held_on=dt.date(2026, 5, 18), today=dt.date(2026, 5, 18)
    )
    decision = "We will tell you our decision by Monday 25 May 2026."
    assert decision in client.get(path).content.decode()
    services.approve_application(application, by=staff, expert=make_expert(name="Ichiro Sato"))
    services.plan_visit(
        application,
        by=staff,
        starts_at=dt.datetime(2026, 6, 2, 14, tzinfo=TOKYO),
        now=dt.datetime(2026, 5, 20, 10, tzinfo=TOKYO),
    )
    page = client.get(path).content.decode()
    assert "Your expert is Ichiro Sato" in page and "Tuesday 2 June 2026, 14:00 to" in page
    assert "1 of 5" in page


def test_an_unknown_status_link_is_not_found(client):
    assert client.get(url("status", "x" * 43, language="en")).status_code == 404


def test_the_cached_overview_does_not_read_the_closures(client, monkeypatch):
    from django.utils import timezone

    from core import business_days

    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 5, 1, 10, tzinfo=TOKYO))
    first = client.get(url("overview", language="en")).content
    monkeypatch.setattr(business_days, "office_closures", lambda: pytest.fail("closures read"))
    assert client.get(url("overview", language="en")).content == first


@pytest.mark.parametrize("change", ["add", "delete"])
def test_a_closure_change_shows_on_the_cached_overview_at_once(client, monkeypatch, change):
    from django.utils import timezone

    from core.models import OfficeClosure

    # Friday 1 May 2026, 10:00: counts from that day, contact by Wednesday 13 May.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 5, 1, 10, tzinfo=TOKYO))
    if change == "delete":
        closure = OfficeClosure.objects.create(date=dt.date(2026, 5, 11), reason="Maintenance")
        before, after = "Thursday 14 May 2026", "Wednesday 13 May 2026"
    else:
        before, after = "Wednesday 13 May 2026", "Thursday 14 May 2026"
    assert before in client.get(url("overview", language="en")).content.decode()
    assert before in client.get(url("overview", language="en")).content.decode()  # cached
    if change == "delete":
        closure.delete()
    else:
        OfficeClosure.objects.create(date=dt.date(2026, 5, 11), reason="Maintenance")
    html = client.get(url("overview", language="en")).content.decode()
    assert after in html and before not in html


def test_the_overview_moves_on_at_17_00_tokyo_time(client, monkeypatch):
    from django.utils import timezone

    now = dt.datetime(2026, 5, 1, 16, 59, tzinfo=TOKYO)  # Friday, office still open
    monkeypatch.setattr(timezone, "now", lambda: now)
    assert "Wednesday 13 May 2026" in client.get(url("overview", language="en")).content.decode()
    now = now.replace(hour=17)  # counts from Thursday 7 May, after Golden Week
    assert "Thursday 14 May 2026" in client.get(url("overview", language="en")).content.decode()


@override_settings(DISPATCH_RATE_LIMIT_PER_HOUR=1)
def test_applications_are_rate_limited_per_address_by_the_setting(client):
    post_form(client)
    assert client.post(url("check")).status_code == 302
    post_form(client, organisation_name="東京第二協会")
    response = client.post(url("check"))
    assert response.status_code == 429
    assert "東京第二協会" in response.content.decode()  # the answers are still shown
    assert DispatchApplication.objects.count() == 1


@override_settings(DISPATCH_RATE_LIMIT_PER_HOUR=1)
def test_at_the_limit_a_resend_of_a_stored_application_still_finds_it(client):
    key = "5d0f6a2e-3c1b-4e8f-9a7d-1b2c3d4e5f60"
    post_form(client, submission_key=key)
    assert client.post(url("check"))["Location"].endswith("/thanks/")
    post_form(client, submission_key=key)  # the form again from the browser's history
    response = client.post(url("check"))
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    assert str(DispatchApplication.objects.get().submission_key) == key
