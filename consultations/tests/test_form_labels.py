"""Labels say "(optional)" exactly where an answer may be left out."""

import pytest
from django.utils import translation

from consultations.forms import ConsultationForm


@pytest.mark.parametrize(("language", "optional"), [("en", "(optional)"), ("ja", "（任意）")])
def test_the_email_address_is_required_and_not_labelled_optional(language, optional):
    with translation.override(language):
        form = ConsultationForm()
        assert form.fields["email"].required
        assert optional not in str(form.fields["email"].label)
        assert optional in str(form.fields["organisation"].label)
