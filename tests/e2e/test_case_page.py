"""The person's case page in Chromium, both languages, by keyboard: the link from the
confirmation email, the conversation, a message sent, an empty one refused (issue 16)."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

from consultations import services
from consultations.models import Status
from consultations.tests.factories import make_consultation

from .keyboard import Keyboard
from .test_consultation_flow import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_person_reads_the_reply_and_answers_it_by_keyboard(
    page, language, django_capture_on_commit_callbacks
):
    staff = User.objects.create_user("sato", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        consultation = make_consultation(language=language)
        services.assign_consultation(consultation, to=staff, by=staff)
        services.send_reply(consultation, by=staff, body="基本方針から作りましょう。")
    link = re.search(r"https?://\S+(/consultation/case/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    assert consultation.reference in page.locator("main").inner_text()
    assert "基本方針から作りましょう。" in page.locator("#conversation").inner_text()
    assert_accessible(page)

    keys = Keyboard(page)
    keys.follow("main form button[type=submit]")  # sent empty
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert_accessible(page)

    keys.stops.clear()
    keys.type_into("#id_message", "ありがとうございます。従業員向けの研修も相談できますか。")
    keys.follow("main form button[type=submit]")
    assert "従業員向けの研修" in page.locator("#conversation").inner_text()
    assert page.locator(".messages").is_visible()
    assert_accessible(page)
    consultation.refresh_from_db()
    assert consultation.status == Status.IN_PROGRESS  # back in the consultant's queue
