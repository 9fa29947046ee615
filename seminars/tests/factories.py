"""Seminars and registrations for tests, built like the office and the public build them."""

import datetime as dt
import itertools

from django.utils import timezone

from core import business_days
from seminars import services
from seminars.models import Level, Seminar

_numbers = itertools.count(1)


def make_seminar(
    *,
    starts_in_days: int = 14,
    capacity: int = 100,
    opens_days_ago: int = 10,
    closes_days_before: int = 3,
    **fields,
) -> Seminar:
    today = timezone.localdate()
    day = today + dt.timedelta(days=starts_in_days)
    starts_at = timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0)))
    values = {
        "number": next(_numbers),
        "fiscal_year": 2026,
        "level": Level.BASIC,
        "title_ja": "カスハラの基礎",
        "title_en": "Customer harassment basics",
        "overview_ja": "概要",
        "overview_en": "Overview",
        "agenda_ja": "基礎\n質疑応答",
        "agenda_en": "Basics\nQ&A",
        "speaker_ja": "講師",
        "speaker_en": "Speaker",
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(hours=2),
        "application_opens_on": today - dt.timedelta(days=opens_days_ago),
        "application_closes_on": day - dt.timedelta(days=closes_days_before),
        "capacity": capacity,
        "published": True,
    }
    values.update(fields)
    return Seminar.objects.create(**values)


def person(index: int = 1, **overrides) -> dict:
    data = {
        "name": f"山田 花子{index}",
        "name_kana": "ヤマダ ハナコ",
        "email": f"person{index}@example.jp",
        "organisation": "東京商事",
        "department": "人事部",
        "attendee_type": "hr_staff",
        "industry": "retail",
        "location": "tokyo",
        "phone": "",
        "company_size": "10-49",
        "question": "",
    }
    data.update(overrides)
    return data


def register(seminar, index: int = 1, *, language: str = "ja", waiting: bool = False, **overrides):
    return services.register_for_seminar(
        seminar, person(index, **overrides), language=language, join_waiting_list=waiting
    )


FORM = {
    "name": "山田 花子",
    "name_kana": "ヤマダ ハナコ",
    "email": "hanako@example.jp",
    "email_again": "hanako@example.jp",
    "phone": "",
    "organisation": "東京商事",
    "department": "人事部",
    "attendee_type": "hr_staff",
    "industry": "retail",
    "location": "tokyo",
    "company_size": "10-49",
    "question": "",
    "consent_no_recording": "on",
    "consent_privacy": "on",
}


def quiet_monday(*, weeks_ahead: int = 2) -> dt.date:
    """A Monday ``weeks_ahead`` weeks or more from today with no holiday or closure on a
    weekday from the Thursday before to the Friday after, so that a test can say "the Friday
    before" and "the Tuesday after" and stay true whatever day it runs on."""
    today = timezone.localdate()
    day = today + dt.timedelta(days=7 * weeks_ahead - today.weekday())
    while not all(
        business_days.is_business_day(near, closures=())
        for near in (day + dt.timedelta(days=offset) for offset in range(-4, 5))
        if near.weekday() < 5
    ):
        day += dt.timedelta(days=7)
    return day
