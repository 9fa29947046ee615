"""The consultation desk in a real browser: the person's journey and the office's reply."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail

from consultations.models import Consultation, Status

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("no_fill_delay")]


def assert_accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    from .test_accessibility import WCAG_22_AA

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, results.generate_report()


def fill_the_form(page, language: str, details: str):
    labels = {
        "ja": {
            "who": "都内で働く就業者",
            "eligible": "都内で事業を行っている",
            "email": "メールアドレス",
            "topic": "ご相談のテーマ",
            "conduct": "暴言・侮辱",
            "details": "起きたことと",
            "ack": "相談窓口は一般的な助言",
            "consent": "「個人情報の取扱い」を読み",
            "continue": "入力内容の確認へ進む",
        },
        "en": {
            "who": "Person working in Tokyo",
            "eligible": "I do business in Tokyo",
            "email": "Email address",
            "topic": "Topic",
            "conduct": "Verbal abuse or insults",
            "details": "What happened and what you would like to ask",
            "ack": "I understand that the desk",
            "consent": "I have read the privacy notice",
            "continue": "Continue to check your answers",
        },
    }[language]
    page.get_by_label(labels["who"]).check()
    page.get_by_label(labels["eligible"]).check()
    page.get_by_label(labels["email"], exact=False).first.fill(f"{language}@example.jp")
    page.get_by_label(labels["topic"]).select_option("incident_response")
    page.get_by_label(labels["conduct"]).check()
    page.get_by_label(labels["details"], exact=False).fill(details)
    page.get_by_label(labels["ack"], exact=False).check()
    page.get_by_label(labels["consent"], exact=False).check()
    page.get_by_role("button", name=labels["continue"]).click()


@pytest.mark.parametrize(
    "language, check_heading, send, sent_heading",
    [
        ("ja", "送信前に入力内容をご確認ください", "相談を送信する", "ご相談を送信しました"),
        (
            "en",
            "Check your answers before sending",
            "Send the consultation",
            "Your consultation has been sent",
        ),
    ],
)
def test_a_person_consults_online_and_gets_a_reference_and_an_email(
    page, language, check_heading, send, sent_heading
):
    mail.outbox.clear()
    page.goto(f"/{language}/consultation/form/")
    fill_the_form(page, language, "最初の説明 / first account")
    assert page.get_by_role("heading", level=1).inner_text() == check_heading
    assert_accessible(page)
    # Go back to change an answer: everything typed is still there.
    page.locator('a[href$="#id_details"]').click()
    details = page.locator("#id_details")
    assert details.input_value() == "最初の説明 / first account"
    details.fill("客に1時間怒鳴られた / A customer shouted at me for an hour.")
    page.get_by_role("button", name=re.compile("確認へ進む|Continue")).click()
    page.get_by_role("button", name=send).click()

    assert page.get_by_role("heading", level=1).inner_text() == sent_heading
    assert_accessible(page)
    reference = page.locator("#reference").inner_text()
    consultation = Consultation.objects.get(reference=reference)
    assert consultation.language == language
    assert consultation.details.startswith("客に1時間怒鳴られた")
    assert [m.subject.startswith(f"[{reference}]") for m in mail.outbox] == [True]
    assert mail.outbox[0].to == [f"{language}@example.jp"]


def test_the_office_assigns_and_replies_in_the_admin(page, live_server):
    mail.outbox.clear()
    page.goto("/en/consultation/form/")
    fill_the_form(page, "en", "How do I write a manual for my staff?")
    page.get_by_role("button", name="Send the consultation").click()
    reference = page.locator("#reference").inner_text()

    consultant = User.objects.create_user("tanaka", password="correct-horse-9", is_staff=True)
    consultant.groups.add(Group.objects.get(name="Consultants"))
    page.goto("/admin/login/")
    page.fill("#id_username", "tanaka")
    page.fill("#id_password", "correct-horse-9")
    page.locator('input[type="submit"]').click()
    page.goto("/admin/consultations/consultation/?due=waiting")
    page.fill("#searchbar", reference)
    page.keyboard.press("Enter")
    page.get_by_role("link", name=reference).click()

    page.get_by_role("link", name=re.compile("担当を割り当てる|Assign")).click()
    page.select_option("#id_consultant", label="tanaka")
    page.locator('input[type="submit"]').click()
    page.get_by_role("link", name=re.compile("回答を書く|Write the reply")).click()
    page.fill("#id_body", "Start from the Common Manual for Organisations.")
    page.get_by_role("button", name=re.compile("回答を送信する|Send the reply")).click()

    consultation = Consultation.objects.get(reference=reference)
    assert consultation.status == Status.ANSWERED and consultation.assigned_to == consultant
    reply = mail.outbox[-1]
    assert reply.subject == f"[{reference}] Reply from the consultation desk"
    assert "Start from the Common Manual for Organisations." in reply.body
