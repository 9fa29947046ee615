"""Every public form, with a marker in every field: the marker reaches no log line, no task
argument, no URL and no email subject (issue: personal data stays where it belongs)."""

import logging
import re
import uuid

import pytest
from celery.app.task import Task
from django.urls import reverse
from django.utils import translation

from consultations.forms import ConsultationForm
from consultations.tests.factories import VALID_FORM as CONSULTATION_FORM
from dispatch.forms import ApplicationForm
from dispatch.tests.factories import FORM as DISPATCH_FORM
from mail.models import OutboxEmail
from seminars.forms import RegistrationForm
from seminars.tests.factories import FORM as SEMINAR_FORM
from seminars.tests.factories import make_seminar

pytestmark = pytest.mark.django_db
MARKER = "zqmarkerzq"
URL = re.compile(r"https?://\S+|/(?:ja|en)/\S*")


def marked(form: dict, form_class, *, keep: set[str]) -> dict:
    """The form with the marker in every free-text field (choices and checkboxes kept)."""
    from django import forms

    fields = form_class(**({"full": False} if form_class.__name__ == "RegistrationForm" else {}))
    data = dict(form)
    for name, field in fields.fields.items():
        free_text = isinstance(field, forms.CharField) and not isinstance(
            field.widget, forms.HiddenInput
        )
        if free_text and name not in keep and name != "website":
            data[name] = f"{form.get(name, '')}{MARKER}"
    return data


@pytest.fixture
def watch(monkeypatch, no_fill_delay, caplog):
    """Collect task arguments and every log line while the test runs."""
    task_args = []
    original = Task.apply_async

    def spy(self, args=None, kwargs=None, **options):
        task_args.append(repr((args, kwargs)))
        return original(self, args, kwargs, **options)

    monkeypatch.setattr(Task, "apply_async", spy)
    caplog.set_level(logging.DEBUG)
    return task_args


def submit(client, form_url, data, check_url=None):
    page = client.get(form_url)
    form = page.context["form"]
    hidden = {"form_started": form.initial["form_started"]}
    if "submission_key" in form.fields:
        hidden["submission_key"] = str(form.initial.get("submission_key") or uuid.uuid4())
    locations = []
    response = client.post(form_url, {**data, **hidden})
    assert response.status_code == 302, (
        getattr(response, "context", {}) and response.context["form"].errors
    )
    locations.append(response["Location"])
    if check_url:
        response = client.post(check_url)
        assert response.status_code == 302
        locations.append(response["Location"])
    return locations


def assert_no_leak(watch, caplog, locations, django_capture_on_commit_callbacks):
    emails = list(OutboxEmail.objects.all())
    assert emails, "the flow sent no email at all"
    # The marked answers did arrive (stored, and quoted in an email body where it belongs).
    assert any(MARKER in email.to_email for email in emails)
    assert all(MARKER not in location for location in locations)
    assert all(MARKER not in args for args in watch)
    assert MARKER not in caplog.text
    for email in emails:
        assert MARKER not in email.subject
        for url in URL.findall(email.body_text + email.body_html):
            assert MARKER not in url


def test_consultation_form(client, watch, caplog, django_capture_on_commit_callbacks):
    data = marked(CONSULTATION_FORM, ConsultationForm, keep={"email", "phone"})
    data["email"] = f"{MARKER}@example.jp"
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        locations = submit(
            client, reverse("consultations:form"), data, reverse("consultations:check")
        )
    assert_no_leak(watch, caplog, locations, django_capture_on_commit_callbacks)


def test_seminar_registration(client, watch, caplog, django_capture_on_commit_callbacks):
    seminar = make_seminar()
    data = marked(SEMINAR_FORM, RegistrationForm, keep={"email", "email_again", "phone"})
    data["email"] = data["email_again"] = f"{MARKER}@example.jp"
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        locations = submit(client, reverse("seminars:detail", args=[seminar.pk]), data)
    assert_no_leak(watch, caplog, locations, django_capture_on_commit_callbacks)


def test_dispatch_application(client, watch, caplog, django_capture_on_commit_callbacks):
    data = marked(
        DISPATCH_FORM,
        ApplicationForm,
        # (the corporate number is the organisation's public identifier, checked digit by digit)
        keep={"contact_email", "contact_phone", "postal_code", "address", "corporate_number"},
    )
    data["address"] = f"東京都新宿区{MARKER}"
    data["contact_email"] = f"{MARKER}@example.jp"
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        locations = submit(client, reverse("dispatch:form"), data, reverse("dispatch:check"))
    assert_no_leak(watch, caplog, locations, django_capture_on_commit_callbacks)


def test_a_message_on_the_case_page_and_the_follow_up_it_starts(
    client, watch, caplog, django_capture_on_commit_callbacks, settings
):
    """The person's message, even when it starts a new consultation (and its emails)."""
    from consultations.models import Consultation
    from consultations.tests.factories import make_consultation

    settings.CONSULTATION_REOPEN_DAYS = 0
    with django_capture_on_commit_callbacks(execute=True):
        old = make_consultation(email=f"{MARKER}@example.jp")
        Consultation.objects.filter(pk=old.pk).update(status="closed")
        path = reverse("consultations:case", args=[old.token])
        response = client.post(path, {"message": f"また来ました{MARKER}"})
    assert response.status_code == 302
    follow_up = Consultation.objects.get(follow_up_of=old)
    assert MARKER in follow_up.details
    assert_no_leak(watch, caplog, [response["Location"]], django_capture_on_commit_callbacks)
