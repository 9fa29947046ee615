"""The five-session demo series for `make run`, with dates relative to today.

Session 1 uses the real facts of the office's first seminar (DOMAIN.md section 2); the
telephone session is the one reported for January 2026. The other titles are placeholders.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core import business_days

from . import services
from .models import Level, Seminar

PLACEHOLDER_JA = "（内容は仮のものです。詳細は決まり次第お知らせします。）"
PLACEHOLDER_EN = "(Placeholder: details will be announced.)"
OVERVIEW_JA = "カスタマー・ハラスメント防止の研究と実践の第一人者が講師を務めます。"
OVERVIEW_EN = "A leading expert in customer-harassment prevention, research and practice. "
SPEAKER_JA = "カスタマー・ハラスメント対策の専門家"
SPEAKER_EN = "An expert in customer-harassment prevention"

SERIES = [
    {
        "number": 1,
        "level": Level.BASIC,
        "in_days": -60,
        "capacity": 1000,
        "title_ja": "カスタマー・ハラスメントの基礎知識と企業の取組",
        "title_en": "Basic Knowledge of Customer Harassment and Corporate Initiatives",
        "agenda_ja": [
            "カスタマー・ハラスメントの基礎知識",
            "防止条例と関係法令",
            "企業への影響とリスク",
            "事業者・団体に求められる主な取組",
            "質疑応答",
        ],
        "agenda_en": [
            "Basic knowledge of customer harassment",
            "The prevention ordinance and related laws",
            "Impacts and risks",
            "Key measures for businesses and organisations",
            "Q&A",
        ],
        "placeholder": False,
    },
    {
        "number": 2,
        "level": Level.INTERMEDIATE,
        "in_days": 14,
        "capacity": 500,
        "title_ja": "相談体制の整備と社内マニュアルの作り方",
        "title_en": "Setting up a consultation system and writing a manual",
        "agenda_ja": [
            "基本方針の明確化",
            "相談・通報体制の整備",
            "マニュアル作成のポイント",
            "質疑応答",
        ],
        "agenda_en": [
            "Setting a clear policy",
            "Consultation and reporting channels",
            "Key points for a manual",
            "Q&A",
        ],
        "placeholder": True,
    },
    {
        "number": 3,
        "level": Level.INTERMEDIATE,
        "in_days": 21,
        "capacity": 3,
        "offer_hours": 48,  # a freed seat is offered, to accept within 48 hours
        "title_ja": "業界団体による会員企業支援",
        "title_en": "How industry organisations can support their members",
        "agenda_ja": ["業界共通マニュアルの考え方", "会員企業への展開", "質疑応答"],
        "agenda_en": ["Sector-wide manuals", "Rolling them out to member companies", "Q&A"],
        "placeholder": True,
    },
    {
        "number": 4,
        "level": Level.PRACTICAL,
        "in_days": 35,
        "capacity": 500,
        "title_ja": "電話でのカスタマー・ハラスメント対応",
        "title_en": "Customer harassment on the phone",
        "agenda_ja": [
            "電話によるカスハラの特徴",
            "電話対応での対策",
            "未然に防ぐためのコミュニケーション",
            "組織として対応しないリスク",
            "被害後のメンタルケアと支援体制",
        ],
        "agenda_en": [
            "Features of phone harassment",
            "Countermeasures in phone handling",
            "Communication skills to prevent it",
            "Risks when the organisation does not respond",
            "Mental care and support after an incident",
        ],
        "placeholder": False,
    },
    {
        "number": 5,
        "level": Level.PRACTICAL,
        "in_days": 63,
        "capacity": 500,
        "title_ja": "事例で学ぶ実践対応",
        "title_en": "Practical responses, case by case",
        "agenda_ja": ["最新の事例", "ケーススタディ", "質疑応答"],
        "agenda_en": ["Latest cases", "Case studies", "Q&A"],
        "placeholder": True,
        "opens_in_days": 14,  # registration not yet open
    },
]


def create_demo_series() -> int:
    today = timezone.localdate()
    fiscal_year = today.year if today.month >= 4 else today.year - 1
    if Seminar.objects.filter(fiscal_year=fiscal_year).exists():
        return 0
    for item in SERIES:
        # Sessions are held on business days (never on a weekend or over the New Year).
        day = business_days.business_day_on_or_after(today + dt.timedelta(days=item["in_days"]))
        starts_at = timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0)))
        placeholder = item["placeholder"]
        seminar = Seminar.objects.create(
            number=item["number"],
            fiscal_year=fiscal_year,
            level=item["level"],
            title_ja=item["title_ja"],
            title_en=item["title_en"],
            overview_ja=OVERVIEW_JA + (PLACEHOLDER_JA if placeholder else ""),
            overview_en=OVERVIEW_EN + (PLACEHOLDER_EN if placeholder else ""),
            agenda_ja="\n".join(item["agenda_ja"]),
            agenda_en="\n".join(item["agenda_en"]),
            speaker_ja=SPEAKER_JA,
            speaker_en=SPEAKER_EN,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=2),
            application_opens_on=(
                today + dt.timedelta(days=item["opens_in_days"])
                if "opens_in_days" in item
                else min(today - dt.timedelta(days=7), day - dt.timedelta(days=31))
            ),
            application_closes_on=day - dt.timedelta(days=3),
            capacity=item["capacity"],
            offer_hours=item.get("offer_hours", 0),
            published=True,
        )
        if item["number"] == 1:
            seminar.archive_url = "https://www.youtube.com/watch?v=demo-archive"
            seminar.archive_published_at = starts_at + dt.timedelta(days=7)
            seminar.save(update_fields=["archive_url", "archive_published_at"])
        if item["number"] == 3:  # fill it, and start a waiting list
            for index in range(seminar.capacity + 1):
                services.register_for_seminar(
                    seminar,
                    _demo_person(index),
                    language="ja",
                    join_waiting_list=index >= seminar.capacity,
                )
    return len(SERIES)


def _demo_person(index: int) -> dict:
    return {
        "name": f"デモ 太郎{index + 1}",
        "name_kana": f"デモ タロウ{index + 1}",
        "email": f"seminar-demo{index + 1}@example.jp",
        "organisation": "デモ協同組合",
        "attendee_type": "industry_organisation",
        "industry": "retail",
        "location": "tokyo",
    }
