"""The status page: what the office asked, the answer with documents, uploads at any time,
and the coordinators' download (the only way to a document)."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import override_settings
from django.urls import reverse

from conftest import log_in_staff
from dispatch import information, services
from dispatch.models import DispatchDocument, Status

from .documents import PDF, PNG, TEXT, upload
from .factories import make_application
from .test_views import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fill_delay")]


@pytest.fixture
def staff():
    return User.objects.create_user("coordinator", is_staff=True)


def post(client, application, language="ja", **data):
    return client.post(url("status", application.token, language=language), data)


def field_errors(response, field="documents"):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


@pytest.mark.parametrize(
    "files, says",
    [
        ([("articles.png", PDF)], "a PDF document"),  # a PDF renamed .png
        ([("members.pdf", TEXT)], "not a PDF, PNG or JPEG"),  # a text file renamed .pdf
        ([("big.pdf", PDF + b" " * 200)], "each file may be at most"),
        ([(f"{n}.pdf", PDF) for n in range(6)], "at most 5 files"),
    ],
)
@override_settings(DISPATCH_DOCUMENT_MAX_BYTES=200)
def test_a_refused_file_is_shown_beside_the_field_in_both_languages(client, files, says):
    application = make_application()
    response = post(
        client, application, "en", kind="other", documents=[upload(n, c) for n, c in files]
    )
    assert response.status_code == 200
    (error,) = field_errors(response)
    assert says in error and "“Documents”" in error
    html = response.content.decode()
    assert "<title>Error:" in html and 'href="#id_documents"' in html
    assert 'id="id_documents_error"' in html
    assert not DispatchDocument.objects.exists()
    response = post(
        client, application, "ja", kind="other", documents=[upload(n, c) for n, c in files]
    )
    (error,) = field_errors(response)
    assert "「書類」" in error


def test_nothing_chosen_is_refused_with_the_field_named(client):
    response = post(client, make_application(), "en", kind="other")
    assert field_errors(response) == ["Choose at least one file for “Documents”."]


def test_documents_are_accepted_at_any_time_while_open(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_application()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            application,
            "en",
            kind="member_list",
            documents=[upload("名簿.pdf", PDF), upload("scan.png", PNG, "text/plain")],
        )
    assert response.status_code == 302 and response.url == url(
        "status", application.token, language="en"
    )
    page = client.get(response.url).content.decode()
    assert "Your documents have been sent to the office." in page
    assert "名簿.pdf" in page
    assert list(application.documents.values_list("kind", "content_type")) == [
        ("member_list", "application/pdf"),
        ("member_list", "image/png"),
    ]
    (email,) = mailoutbox
    assert email.to == [settings.DISPATCH_COORDINATORS_EMAIL]
    assert email.subject.startswith(f"[{application.reference}]")
    for personal in (
        "連絡 花子",
        "office@kumiai.example.jp",
        "名簿",
        application.organisation_name,
    ):
        assert personal not in email.subject
    assert application.status == Status.SUBMITTED


def test_the_applicant_answers_what_the_office_asked(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_application()
    information.request_information(application, by=staff, what="定款の写しをお送りください。")
    page = client.get(url("status", application.token)).content.decode()
    assert "定款の写しをお送りください。" in page and 'name="answer"' in page
    response = post(client, application, answer="", kind="other")
    assert field_errors(response, "answer") == ["事務局からの依頼に対する回答を入力してください。"]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            application,
            answer="定款を添付します。",
            kind="articles",
            documents=[upload("定款.pdf", PDF)],
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.documents.get().kind == "articles"
    assert "定款を添付します。" in application.events.last().note
    assert "[" + application.reference + "]" in mailoutbox[-1].subject
    page = client.get(response.url).content.decode()
    assert 'name="answer"' not in page  # back to documents only
    # A second click of "send" (the same answer, the same file) stores nothing twice.
    events = application.events.count()
    again = post(
        client,
        application,
        answer="定款を添付します。",
        kind="articles",
        documents=[upload("定款.pdf", PDF)],
    )
    assert again.status_code == 302
    assert application.documents.count() == 1 and application.events.count() == events
    said = [str(m) for m in client.get(again.url).context["messages"]]
    assert said == [
        "回答は既に事務局に届いているため、今回の送信は受け付けていません。書類を追加する場合は、下の欄から送信してください。"
    ]


def test_the_settings_email_goes_to_the_coordinators(
    client, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.DISPATCH_COORDINATORS_EMAIL = "haken@example.jp"
    application = make_application()
    with django_capture_on_commit_callbacks(execute=True):
        post(client, application, kind="other", documents=[upload("a.pdf", PDF)])
    assert mailoutbox[-1].to == ["haken@example.jp"]


def test_a_closed_application_offers_no_upload(client, staff):
    application = make_application()
    services.withdraw_application(application, by=staff)
    page = client.get(url("status", application.token)).content.decode()
    assert 'type="file"' not in page
    response = post(client, application, kind="other", documents=[upload("a.pdf", PDF)])
    assert response.status_code == 302
    assert not DispatchDocument.objects.exists()


def download_url(document):
    return reverse("admin:dispatch_dispatchdocument_download", args=[document.pk])


def test_a_coordinator_downloads_the_document_as_an_attachment(client):
    application = make_application()
    (document,) = information.add_documents(application, documents=[upload("定款.pdf", PDF)])
    log_in_staff(client, "Dispatch coordinators", "ito")
    change = client.get(
        reverse("admin:dispatch_dispatchapplication_change", args=[application.pk])
    ).content.decode()
    assert download_url(document) in change and "定款.pdf" in change
    response = client.get(download_url(document))
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E5%AE%9A%E6%AC%BE.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("group", ["Seminar staff", "Consultants", "Supervisors"])
def test_other_staff_cannot_download(client, group):
    (document,) = information.add_documents(make_application(), documents=[upload("a.pdf", PDF)])
    log_in_staff(client, group, "someone")
    assert client.get(download_url(document)).status_code in (403, 404)


def test_the_public_never_gets_a_document(client):
    application = make_application()
    (document,) = information.add_documents(application, documents=[upload("a.pdf", PDF)])
    page = client.get(url("status", application.token)).content.decode()
    assert download_url(document) not in page and document.stored_name not in page
    response = client.get(download_url(document))
    assert response.status_code == 302 and "/login/" in response.url
    assert b"%PDF" not in client.get(url("status", application.token)).content


def test_the_coordinator_asks_with_the_button_and_the_list_shows_the_pause(client):
    from django.utils import translation

    log_in_staff(client, "Dispatch coordinators", "ito")
    application = make_application()
    step = reverse(
        "admin:dispatch_dispatchapplication_action", args=[application.pk, "information"]
    )
    change = reverse("admin:dispatch_dispatchapplication_change", args=[application.pk])
    assert step in client.get(change).content.decode()
    response = client.post(step, {"what": ""})
    assert response.status_code == 200 and response.context["form"].errors["what"]
    response = client.post(step, {"what": "会員名簿をお送りください。"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED
    assert step not in client.get(change).content.decode()  # asked once, until answered
    with translation.override("ja"):
        changelist = client.get(reverse("admin:dispatch_dispatchapplication_changelist"))
    assert "停止中（申込者の回答待ち）" in changelist.content.decode()
