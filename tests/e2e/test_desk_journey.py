"""The desk's whole conversation with a person, in Chromium, in both languages (issue 16): the
person submits; a consultant drafts a reply from a template; a desk lead approves it; the
person reads it on the case page and answers; the consultation reopens in the consultant's
queue; the second reply arrives. And a phone consultation recorded by staff is counted by
channel in the statistics."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django_otp.oath import totp

from backoffice.two_factor import enrol_totp
from consultations.models import Consultation, ReplyTemplate, Status

from .test_consultation_flow import assert_accessible, fill_the_form
from .test_staff_two_factor import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("no_fill_delay")]

TEMPLATE = {
    "ja": "{name}様\n受付番号{reference}のご相談にお答えします。まず基本方針を定めましょう。",
    "en": "Dear {name},\nAbout {reference}: start by writing a basic policy.",
}
SEND = {"ja": "相談を送信する", "en": "Send the consultation"}


def staff_page(browser, live_server, name: str, group: str):
    user = User.objects.create_user(name, password="correct-horse-9", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    device = enrol_totp(user)
    context = browser.new_context(base_url=live_server.url, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, name, "correct-horse-9", f"{totp(device.bin_key):06d}")
    page.wait_for_url("**/admin/")
    return page


def open_case(page, consultation):
    page.goto(f"/admin/consultations/consultation/{consultation.pk}/change/")


def draft_from_the_template(page, consultation):
    open_case(page, consultation)
    page.locator('a[href$="/do/reply/"]').click()
    page.locator("#reply-template").select_option(label="Template")
    page.locator(".reply-template-picker input[type=submit]").click()
    page.locator("form[method=post] input.default").click()  # submit for approval
    page.wait_for_url(f"**/{consultation.pk}/change/")


def approve(page, consultation):
    open_case(page, consultation)
    page.locator('a[href$="/do/decide_reply/"]').click()
    assert_accessible(page)
    page.locator('input[name=decision][value="approve"]').check()
    page.locator('input[type=submit][class="default"]').click()
    page.wait_for_url(f"**/{consultation.pk}/change/")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_from_the_form_to_the_second_reply_with_a_second_look(
    page, browser, live_server, settings, language
):
    settings.PORTAL_STAFF_2FA_REQUIRED = True
    settings.CONSULTATION_REPLY_APPROVAL = True
    mail.outbox.clear()
    ReplyTemplate.objects.create(title="Template", language=language, body=TEMPLATE[language])

    # The person sends the consultation.
    page.goto(f"/{language}/consultation/form/")
    fill_the_form(page, language, "客に長時間怒鳴られました。 A customer shouted for an hour.")
    page.get_by_role("button", name=SEND[language]).click()
    consultation = Consultation.objects.get(reference=page.locator("#reference").inner_text())
    link = re.search(r"https?://\S+(/consultation/case/\S+/)", mail.outbox[0].body).group(1)

    # A consultant takes it and drafts a reply from a template: nothing is sent yet.
    consultant = staff_page(browser, live_server, "tanaka", "Consultants")
    open_case(consultant, consultation)
    consultant.locator('a[href$="/do/assign/"]').click()
    consultant.locator("#id_consultant").select_option(label="tanaka")
    consultant.locator("input[type=submit]").click()
    draft_from_the_template(consultant, consultation)
    assert len(mail.outbox) == 1

    # The desk lead approves it: the reply is emailed.
    lead = staff_page(browser, live_server, "sato", "Desk leads")
    approve(lead, consultation)
    consultation.refresh_from_db()
    assert consultation.status == Status.ANSWERED
    assert len(mail.outbox) == 2 and consultation.reference in mail.outbox[1].body

    # The person reads it on the case page and answers.
    page.goto(link)
    conversation = page.locator("#conversation").inner_text()
    # The template's text, with the reference filled in.
    assert consultation.reference in conversation
    filled = {"ja": "まず基本方針を定めましょう。", "en": "start by writing a basic policy."}
    assert filled[language] in conversation
    assert_accessible(page)
    page.locator("#id_message").fill("ありがとうございます。研修もお願いできますか。 Training too?")
    page.locator("main form button[type=submit]").click()
    assert "Training too?" in page.locator("#conversation").inner_text()

    # Back in the consultant's queue, waiting for an answer.
    consultation.refresh_from_db()
    assert consultation.status == Status.IN_PROGRESS
    consultant.goto("/admin/consultations/consultation/?assigned=me&due=waiting")
    assert consultant.locator("#result_list").inner_text().count(consultation.reference) == 1

    # The second reply, through the same second look, arrives.
    draft_from_the_template(consultant, consultation)
    approve(lead, consultation)
    assert len(mail.outbox) == 3
    assert mail.outbox[2].to == [consultation.email]
    consultant.context.close()
    lead.context.close()


def test_a_phone_consultation_recorded_by_staff_is_counted_by_channel(
    browser, live_server, settings
):
    settings.PORTAL_STAFF_2FA_REQUIRED = True
    consultant = staff_page(browser, live_server, "tanaka", "Consultants")
    consultant.goto("/admin/consultations/consultation/add/")
    consultant.locator("#id_intake_0").check()  # phone
    consultant.fill("#id_call_minutes", "20")
    consultant.select_option("#id_requester_type", "business")
    consultant.check("#id_eligibility_confirmed")
    consultant.fill("#id_phone", "03-1234-5678")
    consultant.select_option("#id_preferred_contact", "phone")
    consultant.select_option("#id_topic", "incident_response")
    consultant.fill("#id_details", "電話で、常連客からの長時間の苦情について相談があった。")
    consultant.check("#id_privacy_explained")
    consultant.locator("form[method=post] input[type=submit]").click()
    consultant.wait_for_url("**/change/")
    assert_accessible(consultant)
    consultation = Consultation.objects.get()
    assert consultation.intake == "phone" and consultation.assigned_to.username == "tanaka"

    supervisor = staff_page(browser, live_server, "kimura", "Supervisors")
    supervisor.goto("/admin/statistics/")
    table = supervisor.locator("#statistics-consultations-intake")
    phone_row = table.locator("tbody tr", has_text="電話")
    assert phone_row.locator("td").first.inner_text() == "1"
    consultant.context.close()
    supervisor.context.close()
