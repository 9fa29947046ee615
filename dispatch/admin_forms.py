"""The small forms behind the coordinators' buttons on an application."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.choices import Industry
from core.japanese_dates import OfficeDateField

from .models import DispatchVisit, Expert, Specialism, VisitStatus


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class InterviewForm(forms.Form):
    at = forms.SplitDateTimeField(label=_("Interview date and time"))
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class InterviewHeldForm(forms.Form):
    held_on = OfficeDateField(
        label=_("Interview held on"),
        help_text=_("For example 2026/12/09 or 令和8年12月9日."),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class ApproveForm(forms.Form):
    expert = forms.ModelChoiceField(queryset=Expert.objects.filter(active=True), label=_("Expert"))
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, suggested=None, **kwargs):
        super().__init__(*args, **kwargs)
        if suggested and not self.is_bound:
            self.initial["expert"] = suggested.pk


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Emailed to the applicant in their language."),
    )


class VisitForm(forms.Form):
    starts_at = forms.SplitDateTimeField(label=_("Date and time"))
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


class VisitOutcomeForm(forms.Form):
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
