"""Email and phone fields bring up their keyboards on a phone, and every autocomplete token
is one the HTML standard allows on its element (issue 15)."""

import re

import pytest

from seminars.tests.factories import make_seminar

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "email", "phone"),
    [
        ("consultation/form/", "email", "phone"),
        ("dispatch/apply/", "contact_email", "contact_phone"),
        ("seminars/{seminar}/", "email", "phone"),
    ],
)
def test_email_and_phone_fields_are_typed_for_their_keyboards(client, path, email, phone):
    html = client.get("/en/" + path.format(seminar=make_seminar().pk)).content.decode()
    inputs = {}
    for match in re.finditer(r"<input [^>]*>", html):
        name = re.search(r'name="([^"]*)"', match.group(0))
        if name:
            inputs[name.group(1)] = match.group(0)
    assert 'type="email"' in inputs[email]
    assert 'type="tel"' in inputs[phone] and 'inputmode="tel"' in inputs[phone]
    assert 'autocomplete="street-address"' not in html  # (only for a textarea)


def test_the_postal_code_brings_up_a_numeric_keypad(client):
    html = client.get("/en/dispatch/apply/").content.decode()
    postal = re.search(r'<input [^>]*name="postal_code"[^>]*>', html).group(0)
    assert 'inputmode="numeric"' in postal and 'autocomplete="postal-code"' in postal
