"""A public form's fields are prepared once per language and variant, and copied for each form:
the same fields as preparing them for every form, never shared between two forms."""

import pytest
from django import forms
from django.test import override_settings
from django.utils import translation

from consultations.forms import ConsultationForm
from core.public import forms as portal_forms
from core.public.forms import PortalForm
from dispatch.forms import ApplicationForm
from seminars.forms import RegistrationForm


def described(form) -> list[tuple]:
    """What a form's fields are, as far as a page or a validation can tell."""
    return [
        (
            name,
            str(field.label),
            str(field.help_text),
            field.required,
            {code: str(message) for code, message in field.error_messages.items()},
            [(type(v), getattr(v, "limit_value", None), str(v.message)) for v in field.validators],
            type(field.widget),
            dict(field.widget.attrs),
            [(value, str(label)) for value, label in getattr(field, "choices", [])],
        )
        for name, field in form.fields.items()
    ] + [sorted((name, str(label)) for name, label in form.plain_labels.items())]


@pytest.mark.parametrize(
    "make",
    [
        lambda: ConsultationForm(),
        lambda: ApplicationForm(),
        lambda: RegistrationForm(full=False),
        lambda: RegistrationForm(full=True),
    ],
)
@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_later_form_has_the_fields_the_first_one_prepared(make, language):
    with translation.override(language):
        first = make()  # prepares
        later = make()  # copies
        assert described(later) == described(first)
    for name, field in later.fields.items():
        assert field is not first.fields[name]
        assert field.widget is not first.fields[name].widget
        assert field.error_messages is not first.fields[name].error_messages


def test_each_language_and_variant_is_prepared_apart():
    with translation.override("en"):
        english = ConsultationForm()
    with translation.override("ja"):
        japanese = ConsultationForm()
    assert english.fields["details"].help_text.startswith("Up to 4,000 characters")
    assert not japanese.fields["details"].help_text.startswith("Up to")
    assert "join_waiting_list" in RegistrationForm(full=True).fields
    assert "join_waiting_list" not in RegistrationForm(full=False).fields


def test_a_change_to_one_form_never_reaches_the_next():
    first = ConsultationForm()
    first.fields["name"].widget.attrs["class"] = "is-invalid"
    first.fields["name"].error_messages["required"] = "changed"
    first.fields["name"].validators.clear()
    first.fields["channel"].choices = [("other", "Other")]
    later = ConsultationForm()
    assert "class" not in later.fields["name"].widget.attrs
    assert later.fields["name"].error_messages["required"] != "changed"
    assert later.fields["name"].validators
    assert len(later.fields["channel"].choices) > 1


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_messages_name_their_field_on_every_form(language):
    with translation.override(language):
        errors = []
        for _time in range(2):
            form = ApplicationForm(data={"sme_share": "many"})
            assert not form.is_valid()
            errors.append(form.errors)
        assert errors[0] == errors[1]
        if language == "en":
            assert errors[1]["organisation_name"] == ["Enter “Organisation name”."]
            assert errors[1]["sme_share"] == [
                "Enter “Share of SME members (%)” as a number, like 25."
            ]


class _Later(PortalForm):
    """A form that adds a field in its own constructor, after the prepared ones."""

    name = forms.CharField(label="Name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"] = forms.CharField(label="Town", max_length=5)


def test_a_field_added_by_a_constructor_is_named_too():
    with translation.override("en"):
        for _time in range(2):
            form = _Later(data={"town": "Shinjuku-ku"})
            assert not form.is_valid()
            assert form.errors["name"] == ["Enter “Name”."]
            assert form.errors["town"] == ["Shorten “Town” to 5 characters or fewer (it has 11)."]


def test_a_changed_setting_prepares_again():
    ConsultationForm()
    assert portal_forms._prepared
    with override_settings(FORM_MIN_FILL_SECONDS=1):
        assert not portal_forms._prepared
