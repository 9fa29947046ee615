"""Expert dispatch in a real browser: apply, follow the status link while the office works."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from core import business_days
from dispatch.models import DispatchApplication, Status
from dispatch.tests.factories import make_expert

from .test_consultation_flow import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("no_fill_delay")]


TEXT = {
    "ja": {
        "continue": "入力内容の確認へ進む",
        "send": "申込みを送信する",
        "sent": "お申込みを送信しました",
        "status": "お申込み状況を確認する",
    },
    "en": {
        "continue": "Continue to check your answers",
        "send": "Send the application",
        "sent": "Your application has been sent",
        "status": "See where your application stands",
    },
}


def apply(page, language: str, email: str):
    page.goto(f"/{language}/dispatch/apply/")
    page.fill("#id_organisation_name", "東京小売業協同組合")
    page.fill("#id_organisation_kana", "トウキョウコウリギョウ")
    page.fill("#id_corporate_number", "1-1803-0101-8771")  # (as printed, with hyphens)
    page.check("#id_legal_form_0")
    page.fill("#id_postal_code", "163-8001")
    page.fill("#id_address", "東京都新宿区西新宿2-8-1")
    page.select_option("#id_industry", "retail")
    page.fill("#id_member_count", "120")
    page.fill("#id_sme_share", "90")
    page.fill("#id_representative_name", "代表 太郎")
    page.fill("#id_representative_title", "理事長")
    page.fill("#id_contact_department", "事務局")
    page.fill("#id_contact_name", "連絡 花子")
    page.fill("#id_contact_phone", "03-1234-5678")
    page.fill("#id_contact_email", email)
    page.fill("#id_current_measures", "相談窓口を設置済み")
    page.check("#id_manual_state_0")
    page.check("#id_support_wanted_0")
    page.select_option("#id_visits_wanted", "5")
    for box in page.locator("input[id^=id_declare_]").all():
        box.check()
    page.check("#id_consent_expert_assignment")
    page.check("#id_consent_privacy")
    page.get_by_role("button", name=TEXT[language]["continue"]).click()
    assert_accessible(page)
    page.get_by_role("button", name=TEXT[language]["send"]).click()
    assert page.get_by_role("heading", level=1).inner_text() == TEXT[language]["sent"]
    assert_accessible(page)
    return page.locator("#reference").inner_text()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_an_organisation_applies_and_sees_its_status(page, language):
    mail.outbox.clear()
    page.goto(f"/{language}/dispatch/apply/")
    page.locator("form.portal-form button[type=submit]").click()  # all missing
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page)
    reference = apply(page, language, f"{language}@kumiai.example.jp")
    application = DispatchApplication.objects.get(reference=reference)
    assert application.language == language
    assert mail.outbox[-1].subject.startswith(f"[{reference}]")
    assert f"/{language}/dispatch/status/{application.token}/" in mail.outbox[-1].body
    page.get_by_role("link", name=TEXT[language]["status"]).click()
    assert_accessible(page)
    assert application.contact_due_on.strftime("%Y") in page.locator("#next-step").inner_text()


def in_words(day: dt.date) -> str:
    """As the English status page says a day: Tuesday 8 December 2026."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def test_the_office_works_the_application_and_the_status_link_follows(page, live_server):
    expert = make_expert(name="Ichiro Sato", industries=["retail"])
    reference = apply(page, "en", "office@kumiai.example.jp")
    application = DispatchApplication.objects.get(reference=reference)
    assert application.corporate_number == "1180301018771"
    # The dates the rules accept on whatever day this runs: the interview today (held today),
    # a visit on a business day to come.
    today = timezone.localdate()
    decision_by = business_days.add_business_days(business_days.business_day_on_or_after(today), 5)
    visit_day = business_days.add_business_days(today, 10)
    status_path = f"/en/dispatch/status/{application.token}/"

    coordinator = User.objects.create_user("ito", password="correct-horse-9", is_staff=True)
    coordinator.groups.add(Group.objects.get(name="Dispatch coordinators"))
    page.goto("/admin/login/")
    page.fill("#id_username", "ito")
    page.fill("#id_password", "correct-horse-9")
    page.locator('input[type="submit"]').click()

    def button(name):
        page.goto(f"/admin/dispatch/dispatchapplication/{application.pk}/change/")
        page.get_by_role("link", name=re.compile(name)).click()

    button("連絡を記録する|Record the contact")
    page.locator('input[type="submit"]').click()
    button("面談日時を登録する|Schedule the interview")
    page.fill("#id_at_0", f"{today:%Y-%m-%d}")
    page.fill("#id_at_1", "10:00")
    if not business_days.is_business_day(today):  # (a run on a weekend: an exception)
        page.check("#id_override")
        page.fill("#id_override_reason", "The applicant asked for a weekend interview.")
    page.locator('input[type="submit"]').click()
    page.goto(status_path)
    assert f"The preliminary interview is on {in_words(today)} at 10:00." in page.content()

    button("面談を記録する|Record the interview")
    page.fill("#id_held_on", f"{today:%Y-%m-%d}")
    page.locator('input[type="submit"]').click()
    page.goto(status_path)
    assert f"We will tell you our decision by {in_words(decision_by)}." in page.content()

    button("承認して専門家を割り当てる|Approve and assign")
    assert page.locator("#id_expert").input_value() == str(expert.pk)  # the best match
    page.locator('input[type="submit"]').click()
    button("訪問を予定する|Plan a visit")
    # A day that has passed is refused beside the date, and says how to go on.
    page.fill("#id_starts_at_0", f"{today - dt.timedelta(days=1):%Y-%m-%d}")
    page.fill("#id_starts_at_1", "14:00")
    page.locator('input[type="submit"]').click()
    expect(page.locator(".form-row.errors #id_starts_at_0")).to_have_count(1)
    expect(page.locator("#id_starts_at_error")).to_have_text(re.compile("has passed|過ぎています"))
    page.fill("#id_starts_at_0", f"{visit_day:%Y-%m-%d}")
    page.fill("#id_starts_at_1", "14:00")
    page.locator('input[type="submit"]').click()

    application.refresh_from_db()
    assert application.status == Status.SCHEDULING
    page.goto(status_path)
    text = page.locator("main").inner_text()
    assert "Your expert is Ichiro Sato" in text
    assert f"{in_words(visit_day)}, 14:00 to" in text and "1 of 5" in text
    assert_accessible(page)
