"""One builder per email a consultation sends; each goes through the outbox."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from mail import outbox

from .models import Consultation, ConsultationReply


def case_url(consultation: Consultation) -> str:
    """The person's case page (its link is a secret: never in a subject or a log line); ""
    for a consultation without one (anonymised)."""
    if not consultation.token:
        return ""
    with translation.override(consultation.language):
        return settings.SITE_URL + reverse("consultations:case", args=[consultation.token])


def _consultation_page(consultation: Consultation) -> str:
    with translation.override(consultation.language):
        return reverse("consultations:overview")


def queue_confirmation(consultation: Consultation) -> None:
    outbox.queue_email(
        to=consultation.email,
        template="consultations/emails/confirmation",
        context={
            "consultation": consultation,
            "desk_path": _consultation_page(consultation),
            "case_url": case_url(consultation),
        },
        language=consultation.language,
        about=consultation,
    )


def _reply_email(consultation: Consultation, reply: ConsultationReply) -> dict:
    return {
        "to": consultation.email,
        "template": "consultations/emails/reply",
        "context": {
            "consultation": consultation,
            "reply": reply,
            "case_url": case_url(consultation),
            "text_in_email": settings.CONSULTATION_REPLY_TEXT_IN_EMAIL,
        },
        "language": consultation.language,
    }


def queue_reply(consultation: Consultation, reply: ConsultationReply) -> None:
    outbox.queue_email(**_reply_email(consultation, reply), about=consultation)


def preview_reply(consultation: Consultation, body: str):
    """The reply email exactly as it would be sent (an unsaved outbox row), for the preview."""
    email = _reply_email(consultation, ConsultationReply(consultation=consultation, body=body))
    return outbox.render_email(email.pop("template"), email.pop("context"), **email)


def queue_referral(consultation: Consultation) -> None:
    outbox.queue_email(
        to=consultation.email,
        template="consultations/emails/referral",
        context={"consultation": consultation},
        language=consultation.language,
        about=consultation,
    )
