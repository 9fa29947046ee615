"""Dispatch applications and experts for tests, made through the services."""

import datetime as dt
import hashlib
import uuid
from zoneinfo import ZoneInfo

from django.utils import timezone

from core import business_days
from core.corporate_number import check_digit
from dispatch import services
from dispatch.models import Expert

TOKYO = ZoneInfo("Asia/Tokyo")

FORM = {
    "organisation_name": "東京小売業協同組合",
    "organisation_kana": "トウキョウコウリギョウ",
    "corporate_number": "1180301018771",  # a published number (Toyota's): the check digit holds
    "legal_form": "sme_organisation",
    "postal_code": "163-8001",
    "address": "東京都新宿区西新宿2-8-1",
    "industry": "retail",
    "member_count": "120",
    "sme_share": "90",
    "representative_name": "代表 太郎",
    "representative_title": "理事長",
    "contact_department": "事務局",
    "contact_name": "連絡 花子",
    "contact_phone": "03-1234-5678",
    "contact_email": "office@kumiai.example.jp",
    "current_measures": "相談窓口を設置済み",
    "manual_state": "none",
    "support_wanted": ["manual_drafting", "sector_issues"],
    "support_details": "",
    "preferred_periods": "",
    "visit_place": "",
    "visits_wanted": "5",
    "declare_grouped_by_industry": "on",
    "declare_tokyo": "on",
    "declare_no_tax_arrears": "on",
    "declare_no_metropolitan_tax": "on",
    "declare_no_violation": "on",
    "declare_no_adult_business": "on",
    "declare_no_organised_crime": "on",
    "consent_expert_assignment": "on",
    "consent_privacy": "on",
}


def corporate_number_for(name: str) -> str:
    """A valid corporate number of its own for each organisation name (the same name, the
    same number), so that tests that tell organisations apart by name still do."""
    base = str(int(hashlib.sha256(name.encode()).hexdigest(), 16))[:12]
    return f"{check_digit(base)}{base}"


def application_data(**overrides) -> dict:
    data = {k: v for k, v in FORM.items() if not k.startswith(("declare_", "consent_"))}
    data.update(member_count=120, sme_share=90, visits_wanted=5)
    if "organisation_name" in overrides and "corporate_number" not in overrides:
        data["corporate_number"] = corporate_number_for(overrides["organisation_name"])
    data.update(overrides)
    return data


def make_application(*, at=None, language="ja", **overrides):
    application, _created = services.submit_application(
        application_data(**overrides),
        submission_key=uuid.uuid4(),
        language=language,
        now=at or dt.datetime(2026, 5, 1, 10, tzinfo=TOKYO),
    )
    return application


def make_expert(name="佐藤 一郎", specialisms=("labour",), industries=("retail",), **fields):
    return Expert.objects.create(
        name=name,
        email=fields.pop("email", f"{uuid.uuid4().hex[:8]}@example.jp"),
        specialisms=list(specialisms),
        industries=list(industries),
        **fields,
    )


def approved_application(staff, expert=None, **overrides):
    """An application taken to "approved" through the services, each step on its own date as it
    happened: by default the interview arranged on 8 May for 12 May and held on 18 May 2026;
    for an application sent later, held on the first business day from the day it was sent."""
    application = make_application(**overrides)
    sent = timezone.localtime(application.submitted_at)
    if sent.date() < dt.date(2026, 5, 8):
        interview_at, arranged = (
            dt.datetime(2026, 5, 12, 10, tzinfo=TOKYO),
            dt.datetime(2026, 5, 8, 10, tzinfo=TOKYO),
        )
        held_on = dt.date(2026, 5, 18)
    else:
        held_on = business_days.business_day_on_or_after(sent.date())
        interview_at, arranged = dt.datetime.combine(held_on, dt.time(10), tzinfo=TOKYO), sent
    services.record_contact(application, by=staff)
    services.schedule_interview(application, by=staff, at=interview_at, now=arranged)
    services.record_interview(application, by=staff, held_on=held_on, today=held_on)
    return services.approve_application(application, by=staff, expert=expert or make_expert())


def business_day_from_today(n: int, hour: int = 14) -> dt.datetime:
    """``hour`` o'clock on the ``n``-th business day after today (Tokyo): a time the date rules
    accept, for tests that go through the admin's pages and so through the real clock."""
    day = business_days.add_business_days(timezone.localdate(), n)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TOKYO)
