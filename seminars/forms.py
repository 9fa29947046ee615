"""The seminar registration form and the "check my registrations" form."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
    # On a full session's form only, and hidden: the page says the session is full and the
    # button says "Join the waiting list", so sending that form is the person's choice. (A
    # form from an open page that arrives after the last seat went is shown again as full.)
    join_waiting_list = forms.BooleanField(required=False, initial=True, widget=forms.HiddenInput)

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
        self.full = full
        super().__init__(*args, **kwargs)

    def fields_variant(self) -> str:
        return "full" if self.full else "open"

    def prepare_fields(self) -> None:
        super().prepare_fields()
        if not self.full:
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
        self.use_input_types()
        self.fields["consent_privacy"].help_text = format_html(
            '<a href="{}">{}</a>', reverse("privacy"), _("Read the privacy notice")
        )
        self.order_fields([*SUBMITTED_FIELDS[:3], "email_again"])

    def layout_variant(self) -> str:
        return self.fields_variant()

    @property
    def helper(self) -> FormHelper:
        helper = FormHelper(self)
        helper.form_tag = False
        helper.disable_csrf = True
        agreement = ["consent_no_recording", "consent_privacy"]
        helper.layout = Layout(
            "form_started",
            *(["join_waiting_list"] if self.full else []),
            # (not the consultation form's "About you", which Japanese says otherwise)
            Fieldset(
                pgettext_lazy("seminar form", "About you"),
                "name",
                "name_kana",
                "email",
                "email_again",
                "phone",
            ),
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
