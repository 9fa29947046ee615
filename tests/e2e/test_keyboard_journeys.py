"""Every journey from the home page to its confirmation with the keyboard only, in both
languages: Tab, Space, the arrow keys and Enter, never a click, and the focus seen at every
stop on the way (issue 15)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from consultations.models import Consultation
from dispatch.models import DispatchApplication
from seminars.models import Registration, RegistrationStatus
from seminars.tests.factories import make_seminar

from .keyboard import Keyboard
from .test_consultation_flow import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("no_fill_delay")]

LANGUAGES = ["ja", "en"]
SUBMIT = "main form button[type=submit]:not([hidden])"


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_consultation_by_keyboard_from_the_home_page(page, language):
    mail.outbox.clear()
    keys = Keyboard(page)
    page.goto(f"/{language}/")
    keys.follow('main a[href$="/consultation/form/"]')

    keys.tick("#id_requester_type_0")
    keys.tick("#id_eligibility_confirmed")
    keys.type_into("#id_email", f"keyboard-{language}@example.jp")
    keys.choose("#id_topic", "incident_response")
    keys.tick("#id_conduct_types_2")
    keys.type_into("#id_details", "電話で1時間怒鳴られた。 Shouted at on the phone for an hour.")
    keys.tick("#id_acknowledge_disclaimers")
    keys.tick("#id_consent_privacy")
    keys.follow(SUBMIT)

    assert page.locator("#error-summary").count() == 0
    checking = {"ja": "送信前に入力内容をご確認ください", "en": "Check your answers before sending"}
    assert heading(page) == checking[language]
    keys.follow(SUBMIT)

    reference = page.locator("#reference").inner_text()
    consultation = Consultation.objects.get(reference=reference)
    assert consultation.language == language and consultation.topic == "incident_response"
    assert consultation.conduct_types == ["verbal_abuse"]
    assert [m.to for m in mail.outbox] == [[f"keyboard-{language}@example.jp"]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_dispatch_application_by_keyboard_from_the_home_page(page, language):
    mail.outbox.clear()
    keys = Keyboard(page)
    page.goto(f"/{language}/")
    keys.follow('main a[href$="/dispatch/"]')
    keys.follow('main a[href$="/dispatch/apply/"]')

    keys.type_into("#id_organisation_name", "東京小売業協同組合")
    keys.type_into("#id_organisation_kana", "トウキョウコウリギョウ")
    keys.type_into("#id_corporate_number", "1180301018771")
    keys.tick("#id_legal_form_0")
    keys.type_into("#id_postal_code", "163-8001")
    # The postal code (the Tokyo Metropolitan Government's own) filled in the address; the
    # person adds the building.
    expect(page.locator("#id_address")).to_have_value("東京都新宿区西新宿2丁目8-1")
    keys.type_into("#id_address", " 第一本庁舎")
    keys.choose("#id_industry", "retail")
    keys.type_into("#id_member_count", "120")
    keys.type_into("#id_sme_share", "90")
    keys.type_into("#id_representative_name", "代表 太郎")
    keys.type_into("#id_representative_title", "理事長")
    keys.type_into("#id_contact_department", "事務局")
    keys.type_into("#id_contact_name", "連絡 花子")
    keys.type_into("#id_contact_phone", "03-1234-5678")
    keys.type_into("#id_contact_email", f"keyboard-{language}@kumiai.example.jp")
    keys.type_into("#id_current_measures", "相談窓口を設置済み")
    keys.tick("#id_manual_state_0")
    keys.tick("#id_support_wanted_0")
    keys.choose("#id_visits_wanted", "5")
    for box in page.locator("input[id^=id_declare_]").all():
        keys.tick(f"#{box.get_attribute('id')}")
    keys.tick("#id_consent_expert_assignment")
    keys.tick("#id_consent_privacy")
    keys.follow(SUBMIT)

    assert page.locator("#error-summary").count() == 0, page.locator("#error-summary").inner_text()
    keys.follow(SUBMIT)

    reference = page.locator("#reference").inner_text()
    application = DispatchApplication.objects.get(reference=reference)
    assert application.language == language
    assert application.address == "東京都新宿区西新宿2丁目8-1 第一本庁舎"
    assert application.corporate_number == "1180301018771"
    # The status link in the thanks page is reached by keyboard as well.
    keys.follow('main a[href*="/dispatch/status/"]')
    assert page.locator("#next-step").is_visible()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_seminar_registration_by_keyboard_then_the_personal_link(page, language):
    mail.outbox.clear()
    seminar = make_seminar(title_ja="電話でのカスハラ", title_en="Harassment on the phone")
    keys = Keyboard(page)
    page.goto(f"/{language}/")
    keys.follow('main a[href$="/seminars/"]')
    keys.follow(f'main a[href$="/seminars/{seminar.pk}/"]')

    keys.type_into("#id_name", "山田 花子")
    keys.type_into("#id_name_kana", "ヤマダ ハナコ")
    email = f"keyboard-{language}@example.jp"
    keys.type_into("#id_email", email)
    keys.type_into("#id_email_again", email)
    keys.type_into("#id_organisation", "東京商事")
    keys.tick("#id_attendee_type_0")
    keys.choose("#id_industry", "retail")
    keys.tick("#id_location_0")
    keys.tick("#id_consent_no_recording")
    keys.tick("#id_consent_privacy")
    keys.follow(SUBMIT)

    reference = page.locator("#reference").inner_text()
    registration = Registration.objects.get(reference=reference)
    assert registration.seminar == seminar and registration.status == RegistrationStatus.CONFIRMED

    # The personal link from the email: resend, then cancel, by keyboard.
    link = re.search(r"https?://\S+(/seminars/registration/\S+/)", mail.outbox[-1].body)
    page.goto(link.group(1))
    keys.stops.clear()
    keys.follow('main form:has(input[value="resend"]) button')
    assert len(mail.outbox) == 2
    keys.follow('main a[href$="?cancel=1"]')
    assert_accessible(page)  # the question "cancel this registration?"
    keys.follow("main form button.btn-danger")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_registrations_by_keyboard_from_the_home_page(page, language):
    from seminars.tests.factories import register

    seminar = make_seminar()
    registration = register(seminar, 1)
    mail.outbox.clear()
    keys = Keyboard(page)
    page.goto(f"/{language}/")
    keys.follow('main a[href$="/seminars/"]')
    keys.follow('main a[href$="/seminars/my-registrations/"]')
    keys.type_into("#id_email", registration.email)
    keys.follow(SUBMIT)

    assert page.locator("#error-summary").count() == 0
    assert_accessible(page)  # "we have sent your links"
    assert [m.to for m in mail.outbox] == [[registration.email]]


@pytest.mark.parametrize(
    "html",
    [
        '<button style="outline:none;box-shadow:none">Send</button>',
        '<button style="outline:2px solid #ddd;box-shadow:none">Send</button>',
        '<button>Send</button><div style="position:fixed;inset:0;background:#fff"></div>',
    ],
    ids=["no ring", "faint ring", "covered"],
)
def test_the_keyboard_harness_fails_a_focus_that_cannot_be_seen(page, html):
    """Guards the measure itself: each of these pages must fail it."""
    page.set_content(f"<html lang=en><body style='background:#fff'>{html}</body></html>")
    with pytest.raises(AssertionError):
        Keyboard(page).tab_to("button")
