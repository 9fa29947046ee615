"""The small forms behind the office's buttons on a consultation."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import access


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
