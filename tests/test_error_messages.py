"""Every error names its field and says how to fix it (GOV.UK's error-message pattern): an
empty form lists no two identical items, and no Django default message reaches a page."""

import pytest
from django.forms import fields as django_fields
from django.utils import translation

from seminars.tests.factories import make_seminar

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fill_delay")]


def django_defaults(language: str) -> set[str]:
    """Django's own messages, in ``language``, as a page would show them."""
    with translation.override(language):
        messages = set()
        for field_class in vars(django_fields).values():
            if isinstance(field_class, type) and issubclass(field_class, django_fields.Field):
                for message in getattr(field_class, "default_error_messages", {}).values():
                    messages.add(str(message).split("%(")[0].strip())
        return {m for m in messages if m}


def form_pages() -> list[str]:
    return ["consultation/form/", "dispatch/apply/", f"seminars/{make_seminar().pk}/"]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_an_empty_form_lists_each_problem_once_in_words_of_its_own(client, language):
    defaults = django_defaults(language)
    for path in form_pages():
        url = f"/{language}/{path}"
        form = client.get(url).context["form"]
        response = client.post(url, {"form_started": form.initial["form_started"]})
        summary = [item["message"] for item in response.context["form"].error_summary()]
        assert len(summary) >= 5, url
        assert len(summary) == len(set(summary)), (url, summary)
        leaked = [m for m in summary if any(m.startswith(d) for d in defaults)]
        assert leaked == [], url


def test_a_field_without_a_message_of_its_own_is_named_in_both_languages(client):
    for language, expected in [
        ("en", "Enter “Postal code”."),
        ("ja", "「郵便番号」を入力してください。"),
    ]:
        url = f"/{language}/dispatch/apply/"
        form = client.get(url).context["form"]
        errors = (
            client.post(url, {"form_started": form.initial["form_started"]}).context["form"].errors
        )
        assert errors["postal_code"] == [expected]
