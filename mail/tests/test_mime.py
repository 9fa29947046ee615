"""The outbox's faster MIME generation produces what Django's own would, byte for byte (but for
the random boundaries and the Date)."""

import re
from email import message_from_bytes, policy

import pytest
from django.core.mail import EmailMultiAlternatives

from mail import mime
from mail.models import OutboxEmail

ICS = {
    "filename": "seminar.ics",
    "content": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    "mimetype": "text/calendar",
}


def outbox_row(**fields) -> OutboxEmail:
    values = {
        "to_email": "hanako@example.jp",
        "subject": "[C-ABCD2345] ご相談を受け付けました",
        "body_text": "山田 花子 様\n\nご相談を受け付けました。\n",
        "body_html": "<p>山田 花子 様</p>",
        "attachments": [],
        "message_id": "<1.2.3@portal.example.jp>",
    }
    return OutboxEmail(**{**values, **fields})


def as_django_would(email: OutboxEmail, from_email: str) -> bytes:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=from_email,
        to=[email.to_email],
        headers={"Message-ID": email.message_id, "Auto-Submitted": "auto-generated"},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message.message().as_bytes(linesep="\r\n")


def comparable(generated: bytes) -> bytes:
    generated = re.sub(rb"Date: [^\r]*\r\n", b"", generated)
    for boundary in re.findall(rb'boundary="([^"]+)"', generated):
        generated = generated.replace(boundary, b"BOUNDARY")
    return generated


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"attachments": [ICS]},
        {"body_html": ""},
        {"subject": "Your consultation C-ABCD2345 was received " * 3},  # folded ASCII
        {"subject": "x" * 60},  # just under the folding limit
        {"subject": "x" * 70},  # just over it
        {"to_email": "very.long.address.for.a.test.of.folding.in.the.to.header@example.jp"},
    ],
)
@pytest.mark.parametrize(
    "from_email",
    [
        "東京都カスタマーハラスメント総合相談窓口 <info@example.jp>",
        "Tokyo Customer Harassment Desk <info@example.jp>",
        # Long enough to be folded at its spaces
        "Comprehensive Customer Harassment Consultation Desk of the Tokyo Metropolitan Government"
        " <info@example.jp>",
        "info@example.jp",
    ],
)
def test_the_message_is_the_one_django_would_generate(settings, fields, from_email):
    settings.DEFAULT_FROM_EMAIL = from_email
    email = outbox_row(**fields)
    generated = mime.build_message(email).message().as_bytes(linesep="\r\n")
    assert comparable(generated) == comparable(as_django_would(email, from_email))
    # And it reads back as the email it is.
    parsed = message_from_bytes(generated, policy=policy.default)
    # (compat32 folds before the first encoded word, hence the strip; Django does the same)
    assert parsed["Subject"].strip() == email.subject.strip()
    assert parsed["To"] == email.to_email
    assert parsed["From"].addresses[0].addr_spec == "info@example.jp"
    text = parsed.get_body(("plain",)).get_content()
    assert text.replace("\r\n", "\n") == email.body_text


def test_the_envelope_sender_is_the_bare_address(settings):
    settings.DEFAULT_FROM_EMAIL = "東京都カスタマーハラスメント総合相談窓口 <info@example.jp>"
    assert mime.build_message(outbox_row()).from_email == "info@example.jp"


def test_each_message_has_boundaries_of_its_own():
    first, second = (
        mime.build_message(outbox_row(attachments=[ICS])).message().as_bytes() for _ in range(2)
    )
    boundaries = re.findall(rb'boundary="([^"]+)"', first) + re.findall(
        rb'boundary="([^"]+)"', second
    )
    assert len(boundaries) == len(set(boundaries)) == 4
