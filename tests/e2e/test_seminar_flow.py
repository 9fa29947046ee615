"""Seminars in a real browser: register, receive the email, use the personal link."""

import re

import pytest
from django.core import mail

from seminars.models import Registration, RegistrationStatus
from seminars.tests.factories import make_seminar, register

from .test_consultation_flow import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("no_fill_delay")]


LABELS = {
    "ja": {
        "name": "お名前",
        "kana": "ふりがな",
        "email": "メールアドレス",
        "again": "メールアドレス（確認用）",
        "org": "会社・団体名",
        "as": "人事・労務担当者",
        "industry": "業種",
        "location": "都内",
        "no_rec": "セミナーを録画・録音しません",
        "privacy": "「個人情報の取扱い」を読み",
        "waiting": "満席のため",
        "resend": "確認メールを再送する",
        "cancel": "申込みを取り消す",
        "yes": "はい、取り消します",
        "cancelled": "取消し",
    },
    "en": {
        "name": "Name",
        "kana": "Name (reading)",
        "email": "Email address",
        "again": "Email address again",
        "org": "Organisation",
        "as": "Human resources",
        "industry": "Industry",
        "location": "In Tokyo",
        "no_rec": "I will not record",
        "privacy": "I have read the privacy notice",
        "waiting": "The session is full",
        "resend": "Send the confirmation email again",
        "cancel": "Cancel my registration",
        "yes": "Yes, cancel my registration",
        "cancelled": "Cancelled",
    },
}


def label(text: str):
    """A field's label, whatever marker the form puts after it."""
    return re.compile(rf"^\W*{re.escape(text)}\W*$")


def fill(page, language, email):
    labels = LABELS[language]
    page.get_by_label(label(labels["name"])).fill("山田 花子")
    page.get_by_label(label(labels["kana"])).fill("ヤマダ ハナコ")
    page.locator("#id_email").fill(email)
    page.locator("#id_email_again").fill(email)
    page.get_by_label(label(labels["org"])).fill("東京商事")
    page.get_by_label(labels["as"], exact=False).check()
    page.get_by_label(label(labels["industry"])).select_option("retail")
    page.get_by_label(label(labels["location"])).check()
    page.get_by_label(labels["no_rec"], exact=False).check()
    page.get_by_label(labels["privacy"], exact=False).check()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_register_then_resend_and_cancel_with_the_personal_link(page, live_server, language):
    mail.outbox.clear()
    seminar = make_seminar(title_ja="カスハラの基礎", title_en="Customer harassment basics")
    page.goto(f"/{language}/seminars/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("カスハラの基礎|Customer harassment basics")).click()
    assert_accessible(page)
    fill(page, language, f"{language}@example.jp")
    page.locator("form.portal-form button[type=submit]").click()
    reference = page.locator("#reference").inner_text()
    assert_accessible(page)
    registration = Registration.objects.get(reference=reference)
    assert registration.seminar == seminar and registration.language == language

    confirmation = mail.outbox[-1]
    assert confirmation.subject.startswith(f"[{reference}]")
    link = re.search(r"https?://\S+/seminars/registration/\S+/", confirmation.body).group(0)
    page.goto("/" + link.split("://", 1)[1].split("/", 1)[1])  # the same path, on the test server
    assert_accessible(page)
    labels = LABELS[language]
    page.get_by_role("button", name=labels["resend"]).click()
    assert len(mail.outbox) == 2
    page.get_by_role("link", name=labels["cancel"]).click()
    page.get_by_role("button", name=labels["yes"]).click()
    assert page.locator("#registration-status").inner_text() == labels["cancelled"]
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_a_full_session_offers_the_waiting_list(page):
    seminar = make_seminar(capacity=1, title_en="Popular session")
    register(seminar, 1)
    page.goto(f"/en/seminars/{seminar.pk}/")
    assert_accessible(page)
    fill(page, "en", "late@example.jp")
    page.get_by_role("button", name="Join the waiting list").click()
    assert page.get_by_role("heading", level=1).inner_text() == "You are on the waiting list"
    registration = Registration.objects.with_email("late@example.jp").get()
    assert registration.status == RegistrationStatus.WAITING
