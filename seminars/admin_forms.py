"""The office's forms on a session's admin page: the session itself, its cancellation and a
message to its registrants. Each checks what it can; the services decide."""

from __future__ import annotations

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Audience, Seminar

MESSAGE_MAX = 5000


class SeminarAdminForm(forms.ModelForm):
    class Meta:
        model = Seminar
        fields: list[str] = []  # the admin's fieldsets say which

    def clean(self):
        cleaned = super().clean()
        if "zoom_webinar_id" in self.changed_data and self.instance.pk:
            try:
                services.check_webinar_can_change(self.instance)
            except ValidationError as error:
                self.add_error(None, error)
        if "archive_url" in self.changed_data and cleaned.get("archive_url"):
            session = copy.copy(self.instance)  # with the end time as typed
            session.ends_at = cleaned.get("ends_at") or session.ends_at
            try:
                services.check_archive_can_be_published(session)
            except ValidationError as error:
                self.add_error("archive_url", error)
        return cleaned


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the session is cancelled"),
        help_text=_("Quoted in the email to every registrant and everyone waiting."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"}),
    )


class OfficeMessageForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Send to"),
        choices=Audience.choices,
        widget=forms.RadioSelect(attrs={"class": "radiolist"}),
    )
    body = forms.CharField(
        label=_("Message text"),
        help_text=_(
            "The subject is fixed and each person gets it in their language, with their "
            "reference; the text is sent as you write it, with the session's details."
        ),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 10, "class": "vLargeTextField"}),
    )


class AttendanceReportForm(forms.Form):
    report = forms.FileField(
        label=_("Zoom attendee report (CSV)"),
        help_text=_(
            "In Zoom's web portal: Reports, Webinar, Attendee report, then export as CSV. "
            "Nothing is changed before you confirm the preview."
        ),
    )
