"""The public consultation form."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.public.forms import (
    BotTrapMixin,
    PortalForm,
    character_count_attrs,
    clean_phone_number,
)
from core.public.layouts import CachedBlankLayout

from .models import (
    SUBMITTED_FIELDS,
    CallWindow,
    Channel,
    ConductType,
    Consultation,
    ContactMethod,
    RequesterType,
)

DETAILS_MAX = 4000
TRIED_MAX = 2000


class ConsultationForm(CachedBlankLayout, BotTrapMixin, PortalForm, forms.ModelForm):
    eligibility_confirmed = forms.BooleanField(
        label=_("I do business in Tokyo, work in Tokyo, or am a customer of a business in Tokyo."),
        error_messages={"required": _("Confirm that you can use the consultation desk.")},
    )
    conduct_types = forms.MultipleChoiceField(
        label=_("Kinds of conduct involved"),
        choices=ConductType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Select all that apply."),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    consent_privacy = forms.BooleanField(
        label=_("I have read the privacy notice and agree to the handling of my information."),
        error_messages={"required": _("Agree to the privacy notice to send the form.")},
    )
    acknowledge_disclaimers = forms.BooleanField(
        label=_(
            "I understand that the desk gives general guidance, does not make legal judgments "
            "on individual cases and does not negotiate on my behalf."
        ),
        error_messages={"required": _("Confirm that you have read what the desk does.")},
    )

    class Meta:
        model = Consultation
        fields = SUBMITTED_FIELDS
        widgets = {
            "requester_type": forms.RadioSelect,
            "preferred_contact": forms.RadioSelect,
            "call_window": forms.RadioSelect,
            "channel": forms.RadioSelect,
            # No maxlength: a browser would cut pasted text silently. The counter shows the
            # limit and the server says how much to shorten.
            "details": forms.Textarea(attrs={"rows": 10}),
            "tried_so_far": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "name": _("You may consult anonymously."),
            "email": _("We send the confirmation and our reply to this address."),
            "phone": _("Give a number if you would like us to call you. Example: 03-1234-5678"),
        }
        error_messages = {
            "requester_type": {"required": _("Select who you are.")},
            "email": {
                "required": _("Enter your email address, so that we can reply."),
                "invalid": _("Enter an email address like name@example.jp."),
            },
            "topic": {"required": _("Select what your consultation is about.")},
            "details": {"required": _("Tell us what happened and what you would like to ask.")},
        }

    def prepare_fields(self) -> None:
        # Required before the labels are made: the model allows none (staff intake by phone).
        self.fields["email"].required = True
        super().prepare_fields()
        self.order_fields(FIELD_ORDER)
        # Radio groups offer only real choices (no "---------"); a required one starts unset.
        self.fields["requester_type"].choices = RequesterType.choices
        self.fields["preferred_contact"].choices = ContactMethod.choices
        self.fields["call_window"].choices = CallWindow.choices
        self.fields["channel"].choices = Channel.choices
        # (formatted here, in the request's language: formatted at import, a lazy text is
        # fixed in the language the process started in)
        self.fields["details"].help_text = _(
            "Up to %(max)s characters. Do not include other people's names or contact "
            "details unless needed."
        ) % {"max": f"{DETAILS_MAX:,}"}
        self.fields["tried_so_far"].help_text = _("Up to %(max)s characters.") % {
            "max": f"{TRIED_MAX:,}"
        }
        for name, limit in (("details", DETAILS_MAX), ("tried_so_far", TRIED_MAX)):
            self.fields[name].widget.attrs.update(character_count_attrs(limit))
            self.fields[name].validators.append(
                MaxLengthValidator(
                    limit,
                    message=_(
                        "Shorten this to %(limit_value)s characters or fewer "
                        "(it has %(show_value)s)."
                    ),
                )
            )
        autocomplete = {
            "name": "name",
            "email": "email",
            "phone": "tel",
            "organisation": "organization",
            "job_role": "organization-title",
        }
        for name, token in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        self.use_input_types()
        self.fields["email"].widget.attrs["spellcheck"] = "false"
        self.fields["consent_privacy"].help_text = format_html(
            '<a href="{}">{}</a>', reverse("privacy"), _("Read the privacy notice")
        )

    @property
    def helper(self) -> FormHelper:
        helper = FormHelper(self)
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(  # the error summary follows this order too (FIELD_ORDER)
            "submission_key",
            "form_started",
            Fieldset(
                _("About you"),
                "requester_type",
                "eligibility_confirmed",
                "name",
                "organisation",
                "industry",
                "job_role",
            ),
            Fieldset(_("How we contact you"), "email", "phone", "preferred_contact", "call_window"),
            Fieldset(
                _("Your consultation"),
                "topic",
                "conduct_types",
                "channel",
                "details",
                "tried_so_far",
            ),
            Fieldset(_("Before you send"), "acknowledge_disclaimers", "consent_privacy"),
        )
        return helper

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data.get("phone", ""))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("preferred_contact") == ContactMethod.PHONE and not cleaned.get("phone"):
            self.add_error("phone", _("Enter a phone number, or choose to be contacted by email."))
        if cleaned.get("preferred_contact") != ContactMethod.PHONE:
            cleaned["call_window"] = ""
        return cleaned


FIELD_ORDER = [*SUBMITTED_FIELDS, "acknowledge_disclaimers", "consent_privacy"]


class CaseMessageForm(PortalForm):
    """The person's message on their case page (no attachments)."""

    message = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write your message to the desk.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.CONSULTATION_MESSAGE_MAX
        field = self.fields["message"]
        field.help_text = _(
            "Up to %(max)s characters, no attachments. Do not include other people's names or "
            "contact details unless needed."
        ) % {"max": f"{limit:,}"}
        field.widget.attrs.update(character_count_attrs(limit))
        field.validators.append(
            MaxLengthValidator(
                limit,
                message=_(
                    "Shorten this to %(limit_value)s characters or fewer (it has %(show_value)s)."
                ),
            )
        )
