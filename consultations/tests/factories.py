"""Building consultations the way the public does: through the service."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from consultations import services

TOKYO = ZoneInfo("Asia/Tokyo")

VALID_FORM = {
    "requester_type": "worker",
    "eligibility_confirmed": "on",
    "name": "山田 花子",
    "organisation": "",
    "industry": "retail",
    "job_role": "",
    "email": "hanako@example.jp",
    "phone": "03-1234-5678",
    "preferred_contact": "email",
    "call_window": "",
    "topic": "incident_response",
    "conduct_types": ["verbal_abuse", "restraint"],
    "channel": "in_person",
    "details": "A customer shouted at me for an hour and refused to leave the shop.",
    "tried_so_far": "I called my manager.",
    "acknowledge_disclaimers": "on",
    "consent_privacy": "on",
}


def submitted_data(**overrides):
    data = {
        "requester_type": "worker",
        "eligibility_confirmed": True,
        "name": "山田 花子",
        "email": "hanako@example.jp",
        "phone": "03-1234-5678",
        "preferred_contact": "email",
        "topic": "incident_response",
        "conduct_types": ["verbal_abuse"],
        "details": "A customer shouted at me for an hour.",
    }
    data.update(overrides)
    return data


def make_consultation(*, at: dt.datetime | None = None, language: str = "ja", **overrides):
    consultation, _created = services.submit_consultation(
        submitted_data(**overrides),
        submission_key=uuid.uuid4(),
        language=language,
        now=at or dt.datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO),
    )
    return consultation
