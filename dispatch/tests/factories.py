"""Dispatch applications and experts for tests, made through the services."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from dispatch import services
from dispatch.models import Expert

TOKYO = ZoneInfo("Asia/Tokyo")

FORM = {
    "organisation_name": "東京小売業協同組合",
    "organisation_kana": "トウキョウコウリギョウ",
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


def application_data(**overrides) -> dict:
    data = {k: v for k, v in FORM.items() if not k.startswith(("declare_", "consent_"))}
    data.update(member_count=120, sme_share=90, visits_wanted=5)
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
    application = make_application(**overrides)
    services.record_contact(application, by=staff)
    services.schedule_interview(
        application, by=staff, at=dt.datetime(2026, 5, 12, 10, tzinfo=TOKYO)
    )
    services.record_interview(application, by=staff, held_on=dt.date(2026, 5, 18))
    return services.approve_application(application, by=staff, expert=expert or make_expert())
