"""The small forms behind the coordinators' buttons on an application."""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.choices import Industry
from core.japanese_dates import OfficeDateField, OfficeSplitDateTimeField

from .models import Completion, DispatchVisit, Expert, Specialism, VisitStatus


class StepForm(forms.Form):
    """A step's form. The service's refusal names the argument it is about (``starts_at``,
    ``held_on``), which is the field of the same name here: the error is shown beside that
    field, or above the form when the form has no such field."""

    def add_error(self, field, error):
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                super().add_error(name if name in self.fields else None, errors)
            return
        super().add_error(field, error)


class CorporateNumberForm(StepForm):
    number = forms.CharField(
        label=_("Corporate number"),
        max_length=20,
        help_text=_("13 digits, as on the National Tax Agency's corporate number site."),
    )


class CompleteForm(StepForm):
    completion = forms.ChoiceField(
        label=_("How the support ended"),
        choices=Completion.choices,
        widget=forms.RadioSelect(attrs={"class": "radiolist"}),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


def exception_fields():
    """The coordinator's explicit exception to the date rules, and its reason."""
    return (
        forms.BooleanField(
            label=_("Make an exception to the date rules"),
            required=False,
            help_text=_(
                "Only when it must be: a day that has passed, a closed day, or outside "
                "office hours (9:00 to 17:00)."
            ),
        ),
        forms.CharField(
            label=_("Reason for the exception"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("Recorded in the application's history."),
        ),
    )


class NoteForm(StepForm):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


DATE_TIME_HELP = _("For example 2026/12/09 or 令和8年12月9日, and 14:00.")


class InterviewForm(StepForm):
    at = OfficeSplitDateTimeField(
        label=_("Interview date and time"), widget=AdminSplitDateTime, help_text=DATE_TIME_HELP
    )
    override, override_reason = exception_fields()
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class InterviewHeldForm(StepForm):
    held_on = OfficeDateField(
        label=_("Interview held on"),
        widget=AdminDateWidget,
        help_text=_("For example 2026/12/09 or 令和8年12月9日."),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class ApproveForm(StepForm):
    expert = forms.ModelChoiceField(queryset=Expert.objects.filter(active=True), label=_("Expert"))
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, suggested=None, **kwargs):
        super().__init__(*args, **kwargs)
        if suggested and not self.is_bound:
            self.initial["expert"] = suggested.pk


class RejectForm(StepForm):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Emailed to the applicant in their language."),
    )


class VisitForm(StepForm):
    starts_at = OfficeSplitDateTimeField(
        label=_("Date and time"), widget=AdminSplitDateTime, help_text=DATE_TIME_HELP
    )
    hours = forms.DecimalField(label=_("Hours"), initial=2, min_value=0.5, max_value=8)
    place = forms.CharField(
        label=_("Place"), required=False, help_text=_("Empty: the organisation's office.")
    )
    expert = forms.ModelChoiceField(
        queryset=Expert.objects.filter(active=True),
        label=_("Expert"),
        required=False,
        help_text=_("Empty: the assigned expert."),
    )
    change_reason = forms.CharField(
        label=_("Why another expert"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    override, override_reason = exception_fields()


class VisitOutcomeForm(StepForm):
    visit = forms.ModelChoiceField(queryset=DispatchVisit.objects.none(), label=_("Visit"))
    text = forms.CharField(label=_("Report or reason"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        if application is not None:
            self.fields["visit"].queryset = application.visits.filter(status=VisitStatus.PLANNED)


class ExpertForm(forms.ModelForm):
    """Specialisms and industries as checkboxes rather than raw JSON."""

    specialisms = forms.MultipleChoiceField(
        label=_("Specialisms"), choices=Specialism.choices, widget=forms.CheckboxSelectMultiple
    )
    industries = forms.MultipleChoiceField(
        label=_("Industries known"),
        choices=Industry.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Expert
        fields = ["name", "email", "phone", "specialisms", "industries", "active", "notes"]


class InformationRequestForm(StepForm):
    what = forms.CharField(
        label=_("What the applicant should send or answer"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Emailed to the applicant and shown on their status page, so write it to them. "
            "The deadline is paused until they answer."
        ),
    )
