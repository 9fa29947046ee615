"""Demo consultations for `make run`, made through the services like real ones."""

import datetime as dt
import uuid

from django.utils import timezone

from core import business_days, encryption

from . import services
from .models import Consultation

DEMO_EMAIL_DOMAIN = "example.jp"  # reserved for examples; nothing is delivered there
DEMO = [
    {
        "requester_type": "business",
        "topic": "policy_manual",
        "industry": "retail",
        "organisation": "デモ商店株式会社",
        "details": (
            "従業員を守るためのマニュアルを作りたいのですが、何から始めればよいでしょうか。"
        ),
    },
    {
        "requester_type": "worker",
        "topic": "incident_response",
        "industry": "food_service",
        "conduct_types": ["verbal_abuse", "restraint"],
        "channel": "in_person",
        "details": "A customer shouted at me for an hour and refused to leave. "
        "How should I respond next time?",
    },
    {
        "requester_type": "customer",
        "topic": "customer_self_check",
        "details": (
            "返品をお願いした際、強い口調になってしまいました。"
            "どこからがカスハラになるのでしょうか。"
        ),
    },
    {
        "requester_type": "business",
        "topic": "business_partner",
        "industry": "manufacturing",
        "conduct_types": ["excessive_demands", "persistent"],
        "channel": "email",
        "details": "取引先から納期について繰り返し不当な要求を受けています。",
    },
]


def create_demo_consultations() -> int:
    """Create the demo consultations once (received over the last business days)."""
    first = encryption.blind_index(f"demo1@{DEMO_EMAIL_DOMAIN}")
    if Consultation.objects.filter(email_index=first).exists():
        return 0
    day = timezone.localdate()
    for index, answers in enumerate(DEMO):
        for _step in range(index):
            day = _previous_business_day(day)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 30)))
        services.submit_consultation(
            {
                "eligibility_confirmed": True,
                "email": f"demo{index + 1}@{DEMO_EMAIL_DOMAIN}",
                "preferred_contact": "email",
                **answers,
            },
            submission_key=uuid.uuid4(),
            language="en" if answers["details"].isascii() else "ja",
            now=at,
        )
    return len(DEMO)


def _previous_business_day(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while not business_days.is_business_day(day):
        day -= dt.timedelta(days=1)
    return day
