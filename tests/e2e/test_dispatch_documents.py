"""More information for a dispatch application, in a real browser (issue 18): the coordinator
asks in the admin, the applicant answers with a document from the status link, the application
is back in the office's queue and the coordinator downloads the document."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core import mail
from playwright.sync_api import expect

from dispatch.models import DispatchApplication, Status
from dispatch.tests.documents import PDF
from dispatch.tests.factories import make_application

from .test_consultation_flow import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("no_fill_delay")]

TEXT = {
    "ja": {
        "answer": "回答",
        "send": "回答を送信する",
        "sent": "回答を事務局に送信しました。",
        "not_pdf": "内容がPDF、PNG又はJPEGのファイルではありません",
        "documents": "書類",
    },
    "en": {
        "answer": "Your answer",
        "send": "Send the answer",
        "sent": "Your answer has been sent to the office.",
        "not_pdf": "is not a PDF, PNG or JPEG file",
        "documents": "Documents",
    },
}
QUESTION = "Please send a copy of your articles of association. 定款の写しをお送りください。"


@pytest.fixture(autouse=True)
def documents_root(settings, tmp_path):
    settings.DOCUMENTS_ROOT = tmp_path / "documents"


def log_in_coordinator(page):
    user = User.objects.create_user("ito", password="correct-horse-9", is_staff=True)
    user.groups.add(Group.objects.get(name="Dispatch coordinators"))
    page.goto("/admin/login/")
    page.fill("#id_username", "ito")
    page.fill("#id_password", "correct-horse-9")
    page.locator('input[type="submit"]').click()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_office_asks_for_a_document_and_the_applicant_sends_it(page, language):
    application = make_application(language=language)
    change = f"/admin/dispatch/dispatchapplication/{application.pk}/change/"
    log_in_coordinator(page)
    mail.outbox.clear()

    page.goto(change)
    page.get_by_role("link", name=re.compile("追加資料を依頼する|Ask for more information")).click()
    page.fill("#id_what", QUESTION)
    page.locator('input[type="submit"]').click()
    expect(page.locator(".messagelist")).to_contain_text(re.compile("停止|paused"))
    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED

    # The applicant follows the link in the email, in a browser of their own.
    (email,) = mail.outbox
    link = re.search(r"https?://\S+/dispatch/status/\S+/", email.body).group(0)
    path = link[link.index(f"/{language}/") :]
    applicant = page.context.browser.new_context(
        base_url=page.url.split("/admin/")[0], locale="ja-JP"
    ).new_page()
    applicant.goto(path)
    expect(applicant.locator("#office-question + .card")).to_contain_text(QUESTION)
    assert_accessible(applicant)

    # A text file named .pdf is refused beside the field; the answer typed stays.
    applicant.get_by_label(TEXT[language]["answer"]).fill("定款を添付します。")
    applicant.set_input_files(
        "#id_documents",
        files=[{"name": "teikan.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf"}],
    )
    applicant.get_by_role("button", name=TEXT[language]["send"]).click()
    expect(applicant.locator("#error-summary")).to_contain_text(TEXT[language]["not_pdf"])
    expect(applicant.locator("#id_documents_error")).to_contain_text(TEXT[language]["documents"])
    assert_accessible(applicant)

    applicant.set_input_files(
        "#id_documents",
        files=[{"name": "teikan.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    applicant.get_by_role("button", name=TEXT[language]["send"]).click()
    expect(applicant.get_by_role("status")).to_contain_text(TEXT[language]["sent"])
    expect(applicant.locator("#documents-sent")).to_contain_text("teikan.pdf")
    assert_accessible(applicant)
    applicant.context.close()

    application.refresh_from_db()
    assert application.status == Status.SUBMITTED  # back in the office's queue
    told = mail.outbox[-1]  # the office is told, with no personal data in the subject
    assert told.to == [settings.DISPATCH_COORDINATORS_EMAIL]
    assert told.subject.startswith(f"[{application.reference}]") and "teikan" not in told.subject
    queue = DispatchApplication.objects.filter(status=Status.SUBMITTED)
    assert application in queue

    page.goto(change)
    with page.expect_download() as download:
        page.get_by_role("link", name="teikan.pdf").click()
    assert download.value.suggested_filename == "teikan.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
