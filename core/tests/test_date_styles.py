"""One date style per language in pages and emails, always Tokyo time (core/templatetags)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from core.templatetags.portal import office_date, office_datetime, office_period, office_range

UTC = dt.UTC
TOKYO = ZoneInfo("Asia/Tokyo")
# 18:30 UTC on Sunday 6 December is 03:30 on Monday 7 December in Tokyo.
LATE_SUNDAY_UTC = dt.datetime(2026, 12, 6, 18, 30, tzinfo=UTC)

STYLES = {
    "ja": {
        "date": "2026年12月7日（月）",
        "datetime": "2026年12月7日（月）03:30",
        "period": "2026年12月10日（木）14:00〜16:00",
    },
    "en": {
        "date": "Monday 7 December 2026",
        "datetime": "Monday 7 December 2026, 03:30",
        "period": "Thursday 10 December 2026, 14:00 to 16:00 (Japan time)",
    },
}


@pytest.mark.parametrize("language", ["ja", "en"])
def test_each_style_in_tokyo_time(language):
    start = dt.datetime(2026, 12, 10, 5, 0, tzinfo=UTC)  # 14:00 in Tokyo
    with translation.override(language):
        assert office_date(LATE_SUNDAY_UTC) == STYLES[language]["date"]
        assert office_date(dt.date(2026, 12, 7)) == STYLES[language]["date"]
        assert office_datetime(LATE_SUNDAY_UTC) == STYLES[language]["datetime"]
        assert office_period(start, start + dt.timedelta(hours=2)) == STYLES[language]["period"]


def test_japanese_uses_full_width_brackets_and_the_wave_dash():
    with translation.override("ja"):
        text = office_period(
            dt.datetime(2026, 12, 10, 14, tzinfo=TOKYO), dt.datetime(2026, 12, 10, 16, tzinfo=TOKYO)
        )
    assert "(" not in text and "~" not in text and "（木）" in text and "〜" in text


def test_the_templates_get_the_same_filters():
    template = Template(
        "{% load portal %}{{ at|office_datetime }}|{% office_period at later %}"
        "|{{ none|office_date }}"
    )
    with translation.override("en"):
        out = template.render(
            Context({"at": LATE_SUNDAY_UTC, "later": LATE_SUNDAY_UTC + dt.timedelta(hours=1)})
        )
    assert (
        out == "Monday 7 December 2026, 03:30|Monday 7 December 2026, 03:30 to 04:30 (Japan time)|"
    )


@pytest.mark.parametrize(
    "language, expected",
    [
        ("ja", "2026年11月1日（日）〜2026年11月30日（月）"),
        ("en", "Sunday 1 November 2026 to Monday 30 November 2026"),
    ],
)
def test_a_range_of_dates_uses_the_wave_dash_or_to(language, expected):
    """An application period: 〜 in Japanese and "to" in English, not an en dash."""
    with translation.override(language):
        assert office_range(dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == expected
        template = Template("{% load portal %}{% office_range first last %}")
        context = Context({"first": dt.date(2026, 11, 1), "last": dt.date(2026, 11, 30)})
        assert template.render(context) == expected


def test_the_staff_lists_short_dates_leave_the_year_out_in_tokyo_time():
    import datetime as dt

    from django.utils import translation

    from core.templatetags.portal import office_short_date, office_short_datetime

    moment = dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.UTC)  # Monday 08:30 in Tokyo
    with translation.override("ja"):
        assert office_short_date(dt.date(2026, 12, 7)) == "12月7日（月）"
        assert office_short_datetime(moment) == "12月7日（月）08:30"
    with translation.override("en"):
        assert office_short_date(dt.date(2026, 12, 7)) == "Mon 7 Dec"
        assert office_short_datetime(moment) == "Mon 7 Dec, 08:30"
    assert office_short_date(None) == "" and office_short_datetime(None) == ""
