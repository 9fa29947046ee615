"""The small forms behind the office's buttons on a consultation."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.public.forms import clean_phone_number, name_the_field
from core.references import normalize_reference

from . import access
from .models import (
    STAFF_INTAKES,
    SUBMITTED_FIELDS,
    ConductType,
    Consultation,
    ContactMethod,
    Intake,
)


def consultants():
    """Active staff who may work on consultations."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename="change_consultation")
            | Q(user_permissions__codename="change_consultation")
        )
        .distinct()
        .order_by("username")
    )


class AssignForm(forms.Form):
    consultant = forms.ModelChoiceField(queryset=None, label=_("Consultant"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A consultant takes a consultation for themselves; a desk lead gives it to anyone.
        choices = consultants()
        if not user.has_perm(access.ASSIGN_ANY):
            choices = choices.filter(pk=user.pk)
        self.fields["consultant"].queryset = choices


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"),
        widget=forms.Textarea(attrs={"rows": 14, "cols": 90}),
        help_text=_(
            "Sent by email in the person's language, under the reference. Write in that language."
        ),
        max_length=10000,
    )


class CallForm(forms.Form):
    reached = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("yes", _("Reached the person")), ("no", _("No answer"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 6}))


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Staff only: the person never sees it."),
    )


class OutOfScopeForm(forms.Form):
    referral = forms.CharField(
        label=_("Where the person can turn instead"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Emailed to the person. For example: the Tokyo Labour Consultation Centre, "
            "a consumer centre, a lawyer, or the police (110) in an emergency."
        ),
    )


class OptionalNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class IntakeForm(forms.ModelForm):
    """A consultation the desk took by phone, in person, by letter or by email."""

    received_at = forms.DateTimeField(
        label=_("Date and time received"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M"],
        help_text=_("Tokyo time. The reply deadline counts from this."),
    )
    conduct_types = forms.MultipleChoiceField(
        label=_("Kinds of conduct involved"),
        choices=ConductType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    privacy_explained = forms.BooleanField(
        label=_("The person was told how the desk handles their personal information."),
        error_messages={
            "required": _("Tell the person how their information is handled, then tick this.")
        },
    )
    send_confirmation = forms.BooleanField(
        label=_("Email the person a confirmation with the reference"),
        required=False,
    )

    class Meta:
        model = Consultation
        fields = [
            "intake",
            "received_at",
            "call_minutes",
            "language",
            *SUBMITTED_FIELDS,
        ]
        widgets = {
            "details": forms.Textarea(attrs={"rows": 10, "cols": 80}),
            "tried_so_far": forms.Textarea(attrs={"rows": 4, "cols": 80}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intake"].choices = [(c.value, c.label) for c in STAFF_INTAKES]
        self.fields["intake"].widget = forms.RadioSelect(choices=self.fields["intake"].choices)
        self.fields["eligibility_confirmed"].label = _("Within the desk's scope (Tokyo)")
        self.fields["call_minutes"].help_text = _("For a call or a visit.")
        self.fields["name"].help_text = _("Leave empty if the person stays anonymous.")

    SECTIONS = [
        (_("How and when it came in"), ["intake", "received_at", "call_minutes", "language"]),
        (
            _("The person"),
            [
                "requester_type",
                "eligibility_confirmed",
                "name",
                "organisation",
                "industry",
                "job_role",
                "email",
                "phone",
                "preferred_contact",
                "call_window",
            ],
        ),
        (
            _("The consultation"),
            ["topic", "conduct_types", "channel", "details", "tried_so_far"],
        ),
        (_("Before recording"), ["privacy_explained", "send_confirmation"]),
    ]

    def sections(self):
        """The fields in the page's sections, each as (heading, bound fields)."""
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def full_clean(self):
        # Messages that name their field, as on the public forms ("「ご相談のテーマ」を…").
        for field in self.fields.values():
            name_the_field(field, field.label)
        super().full_clean()

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data.get("phone", ""))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("intake") in (Intake.PHONE, Intake.WALK_IN) and not cleaned.get(
            "call_minutes"
        ):
            self.add_error("call_minutes", _("Enter how many minutes the call or visit took."))
        # Anonymous, with no contact at all, is allowed (answered there and then); a contact
        # method chosen must have its address or number.
        email, phone = cleaned.get("email"), cleaned.get("phone")
        if email or phone:
            method = cleaned.get("preferred_contact")
            if method == ContactMethod.EMAIL and not email:
                self.add_error("email", _("Enter an email address, or choose a reply by phone."))
            if method == ContactMethod.PHONE and not phone:
                self.add_error("phone", _("Enter a phone number, or choose a reply by email."))
        return cleaned


class CorrectContactForm(forms.Form):
    """The person's email address or phone number, corrected, with the reason."""

    email = forms.EmailField(label=_("Email address"), required=False)
    phone = forms.CharField(label=_("Phone number"), required=False, max_length=20)
    reason = forms.CharField(
        label=_("Why it is corrected"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the person gave it again by phone. Kept in the history."),
        max_length=500,
    )

    def __init__(self, *args, consultation, **kwargs):
        kwargs.setdefault("initial", {"email": consultation.email, "phone": consultation.phone})
        super().__init__(*args, **kwargs)

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data.get("phone", ""))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )


class DuplicateForm(forms.Form):
    original = forms.CharField(
        label=_("Reference of the consultation it repeats"),
        help_text=_("C-... The first consultation keeps the account and the figures."),
        max_length=20,
    )

    def __init__(self, *args, user, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.consultation = user, consultation

    def clean_original(self) -> Consultation:
        reference = normalize_reference(self.cleaned_data["original"])
        readable = access.readable(Consultation.objects.all(), self.user)
        original = readable.filter(reference=reference).first()
        if original is None:
            raise forms.ValidationError(
                _("No consultation you can open has the reference %(reference)s. Check it.")
                % {"reference": reference}
            )
        if original.pk == self.consultation.pk:
            raise forms.ValidationError(_("Enter the other consultation's reference."))
        return original


class DecideReplyForm(forms.Form):
    """A desk lead's second look at a consultant's draft."""

    decision = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve and send")), ("return", _("Send back to the consultant"))],
        coerce=lambda value: value == "approve",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Needed when you send it back: what to change."),
    )
