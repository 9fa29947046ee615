"""The seminar registration form and the "check my registrations" form."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.public.forms import BotTrapMixin, PortalForm, character_count_attrs, clean_phone_number
from core.public.layouts import CachedBlankLayout

from .models import AttendeeType, Location, Registration
from .services import SUBMITTED_FIELDS

QUESTION_MAX = 1000


class RegistrationForm(CachedBlankLayout, BotTrapMixin, PortalForm, forms.ModelForm):
    email_again = forms.EmailField(
        label=_("Email address again"),
        help_text=_("To make sure the confirmation reaches you."),
        error_messages={"required": _("Enter your email address again.")},
    )
    consent_no_recording = forms.BooleanField(
        label=_("I will not record the seminar, by video or audio."),
        error_messages={"required": _("Agree not to record the seminar to register.")},
    )
    consent_privacy = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that my name and email address are "
            "passed to Zoom for the webinar."
        ),
        error_messages={"required": _("Agree to the privacy notice to register.")},
    )
    join_waiting_list = forms.BooleanField(
        label=_("The session is full: put me on the waiting list."),
        required=False,
        help_text=_("If a seat becomes free, you move up automatically and we email you."),
    )

    per_request_fields = ("form_started",)  # no submission key: the email is unique per session

    class Meta:
        model = Registration
        fields = SUBMITTED_FIELDS
        widgets = {
            "attendee_type": forms.RadioSelect,
            "location": forms.RadioSelect,
            "question": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "name_kana": _("In katakana or hiragana, for example: ヤマダ ハナコ"),
            "email": _("The confirmation and the webinar link are sent to this address."),
            "question": _("We pass it to the speaker for the Q&A; it may not be answered."),
        }
        error_messages = {
            "name": {"required": _("Enter your name.")},
            "name_kana": {"required": _("Enter the reading of your name.")},
            "email": {
                "required": _("Enter your email address."),
                "invalid": _("Enter an email address like name@example.jp."),
            },
            "organisation": {"required": _("Enter your organisation or company.")},
            "attendee_type": {"required": _("Select how you attend.")},
            "industry": {"required": _("Select your industry.")},
            "location": {"required": _("Select where your business is.")},
        }

    def __init__(self, *args, full: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.full = full
        if not full:
            del self.fields["join_waiting_list"]
        self.fields["attendee_type"].choices = AttendeeType.choices
        self.fields["location"].choices = Location.choices
        self.fields["question"].widget.attrs.update(character_count_attrs(QUESTION_MAX))
        self.fields["question"].max_length = QUESTION_MAX
        self.fields["question"].validators.append(
            forms.CharField(max_length=QUESTION_MAX).validators[-1]
        )
        autocomplete = {
            "name": "name",
            "email": "email",
            "email_again": "email",
            "phone": "tel",
            "organisation": "organization",
            "department": "organization-title",
        }
        for name, token in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        self.fields["consent_privacy"].help_text = format_html(
            '<a href="{}">{}</a>', reverse("privacy"), _("Read the privacy notice")
        )
        self.order_fields([*SUBMITTED_FIELDS[:3], "email_again"])

    def layout_variant(self) -> str:
        return "full" if self.full else "open"

    @property
    def helper(self) -> FormHelper:
        helper = FormHelper(self)
        helper.form_tag = False
        helper.disable_csrf = True
        agreement = ["consent_no_recording", "consent_privacy"]
        if self.full:
            agreement.insert(0, "join_waiting_list")
        helper.layout = Layout(
            "form_started",
            Fieldset(_("About you"), "name", "name_kana", "email", "email_again", "phone"),
            Fieldset(
                _("Your organisation"),
                "organisation",
                "department",
                "attendee_type",
                "industry",
                "location",
                "company_size",
            ),
            Fieldset(_("Question for the speaker"), "question"),
            Fieldset(_("Before you register"), *agreement),
        )
        return helper

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        email, again = cleaned.get("email"), cleaned.get("email_again")
        if email and again and email.strip().lower() != again.strip().lower():
            self.add_error("email_again", _("The two email addresses are different."))
        if self.full and not cleaned.get("join_waiting_list"):
            self.add_error(
                "join_waiting_list", _("The session is full. Tick this to join the waiting list.")
            )
        return cleaned


class MyRegistrationsForm(PortalForm):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("The address you registered with. We email it the links."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.jp."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
