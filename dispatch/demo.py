"""Demo experts and applications in several states for `make run`."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from core import business_days
from core.corporate_number import check_digit

from . import services
from .models import DispatchApplication, Expert

EXPERTS = [
    ("佐藤 一郎（社会保険労務士）", ["labour", "law"], ["retail", "food_service"]),
    ("鈴木 花子（産業カウンセラー）", ["mental_health", "labour"], ["medical", "nursing_welfare"]),
    ("高橋 健（消費生活アドバイザー）", ["consumer", "industry"], ["retail", "call_centre"]),
]


def _corporate_number(index: int) -> str:
    """A made-up number with a valid check digit (no registry office has the code 9999)."""
    base = f"9999990000{index:02d}"
    return f"{check_digit(base)}{base}"


def _application(index: int, industry: str, support: list[str]) -> dict:
    return {
        "organisation_name": f"デモ業界団体{index}",
        "organisation_kana": f"デモギョウカイダンタイ{index}",
        "corporate_number": _corporate_number(index),
        "legal_form": "sme_organisation",
        "postal_code": "163-8001",
        "address": "東京都新宿区西新宿2-8-1",
        "industry": industry,
        "member_count": 120,
        "sme_share": 90,
        "representative_name": "代表 太郎",
        "representative_title": "会長",
        "contact_department": "事務局",
        "contact_name": "連絡 花子",
        "contact_phone": "03-1234-5678",
        "contact_email": f"dispatch-demo{index}@example.jp",
        "current_measures": "相談窓口を設置済み。マニュアルは未作成。",
        "manual_state": "none",
        "support_wanted": support,
        "support_details": "",
        "preferred_periods": "平日午後",
        "visit_place": "",
        "visits_wanted": 5,
    }


def create_demo_dispatch(by=None) -> int:
    if Expert.objects.exists() or DispatchApplication.objects.exists():
        return 0
    experts = [
        Expert.objects.create(
            name=name, email=f"expert{i}@example.jp", specialisms=sp, industries=ind
        )
        for i, (name, sp, ind) in enumerate(EXPERTS, start=1)
    ]
    now = timezone.now()
    services.submit_application(
        _application(1, "retail", ["manual_drafting"]),
        submission_key=uuid.uuid4(),
        language="ja",
        now=now - dt.timedelta(days=2),
    )
    contacted, _new = services.submit_application(
        _application(2, "medical", ["mental_care"]),
        submission_key=uuid.uuid4(),
        language="en",
        now=now - dt.timedelta(days=6),
    )
    services.record_contact(contacted, by=by)
    approved, _new = services.submit_application(
        _application(3, "retail", ["manual_drafting", "sector_issues"]),
        submission_key=uuid.uuid4(),
        language="ja",
        now=now - dt.timedelta(days=20),
    )
    services.record_contact(approved, by=by)
    # The interview on a business day about ten days ago, arranged a few days before it.
    held_on = timezone.localdate() - dt.timedelta(days=10)
    while not business_days.is_business_day(held_on):
        held_on -= dt.timedelta(days=1)
    interview_at = timezone.make_aware(dt.datetime.combine(held_on, dt.time(10, 0)))
    services.schedule_interview(
        approved, by=by, at=interview_at, now=interview_at - dt.timedelta(days=3)
    )
    services.record_interview(approved, by=by, held_on=held_on)
    services.approve_application(approved, by=by, expert=experts[0])
    day = business_days.add_business_days(timezone.localdate(), 5)
    services.plan_visit(
        approved, by=by, starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0)))
    )
    return 3
