"""The office calendar, pinned to DOMAIN.md sections 4.3 (holidays) and 4.4 (worked examples)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core import business_days as bd
from core.models import OfficeClosure

D = dt.date.fromisoformat
NO_CLOSURES: frozenset[dt.date] = frozenset()
TOKYO = ZoneInfo("Asia/Tokyo")

HOLIDAYS_2026 = [
    "2026-01-01",
    "2026-01-12",
    "2026-02-11",
    "2026-02-23",
    "2026-03-20",
    "2026-04-29",
    "2026-05-03",
    "2026-05-04",
    "2026-05-05",
    "2026-05-06",
    "2026-07-20",
    "2026-08-11",
    "2026-09-21",
    "2026-09-22",
    "2026-09-23",
    "2026-10-12",
    "2026-11-03",
    "2026-11-23",
]
HOLIDAYS_2027 = [
    "2027-01-01",
    "2027-01-11",
    "2027-02-11",
    "2027-02-23",
    "2027-03-21",
    "2027-03-22",
    "2027-04-29",
    "2027-05-03",
    "2027-05-04",
    "2027-05-05",
    "2027-07-19",
    "2027-08-11",
    "2027-09-20",
    "2027-09-23",
    "2027-10-11",
    "2027-11-03",
    "2027-11-23",
]

# received business day -> (+1, +5, +10 business days), DOMAIN.md 4.4
WORKED_EXAMPLES = [
    ("2026-05-01", "2026-05-07", "2026-05-13", "2026-05-20"),
    ("2026-09-18", "2026-09-24", "2026-09-30", "2026-10-07"),
    ("2026-12-25", "2026-12-28", "2027-01-07", "2027-01-15"),
    ("2026-12-28", "2027-01-04", "2027-01-08", "2027-01-18"),
    ("2027-03-19", "2027-03-23", "2027-03-29", "2027-04-05"),
    ("2027-04-28", "2027-04-30", "2027-05-11", "2027-05-18"),
]


@pytest.mark.parametrize("day", HOLIDAYS_2026 + HOLIDAYS_2027)
def test_every_national_holiday_of_2026_and_2027_is_closed(day):
    assert bd.national_holiday_name(D(day))
    assert not bd.is_business_day(D(day), closures=NO_CLOSURES)


@pytest.mark.parametrize("year, holidays", [(2026, HOLIDAYS_2026), (2027, HOLIDAYS_2027)])
def test_the_library_knows_exactly_the_published_holidays(year, holidays):
    day, found = dt.date(year, 1, 1), []
    while day.year == year:
        if bd.national_holiday_name(day):
            found.append(day.isoformat())
        day += dt.timedelta(days=1)
    assert found == holidays


def test_substitute_and_citizens_holidays_are_closed():
    assert not bd.is_business_day(D("2026-05-06"), closures=NO_CLOSURES)  # substitute (Wed)
    assert not bd.is_business_day(D("2026-09-22"), closures=NO_CLOSURES)  # citizens' holiday
    assert not bd.is_business_day(D("2027-03-22"), closures=NO_CLOSURES)  # substitute (Mon)
    assert bd.is_business_day(D("2027-09-21"), closures=NO_CLOSURES)  # not sandwiched in 2027
    assert bd.is_business_day(D("2027-09-22"), closures=NO_CLOSURES)


@pytest.mark.parametrize(
    "day",
    [
        "2025-12-29",
        "2025-12-30",
        "2025-12-31",
        "2026-01-02",
        "2026-12-29",
        "2026-12-30",
        "2026-12-31",
        "2027-01-01",
        "2027-12-29",
        "2027-12-31",
        "2028-01-03",
    ],
)
def test_year_end_closure_29_december_to_3_january(day):
    assert not bd.is_business_day(D(day), closures=NO_CLOSURES)


def test_last_and_first_working_days_around_new_year():
    assert bd.is_business_day(D("2026-12-28"), closures=NO_CLOSURES)
    assert bd.is_business_day(D("2027-01-04"), closures=NO_CLOSURES)
    assert bd.is_business_day(D("2028-01-04"), closures=NO_CLOSURES)


@pytest.mark.parametrize("year, expected", [(2026, 240), (2027, 242)])
def test_business_days_per_year(year, expected):
    assert bd.business_days_in_year(year, closures=NO_CLOSURES) == expected


@pytest.mark.parametrize("received, plus1, plus5, plus10", WORKED_EXAMPLES)
def test_worked_deadline_examples(received, plus1, plus5, plus10):
    day = D(received)
    assert bd.is_business_day(day, closures=NO_CLOSURES)
    assert bd.add_business_days(day, 1, closures=NO_CLOSURES) == D(plus1)
    assert bd.add_business_days(day, 5, closures=NO_CLOSURES) == D(plus5)
    assert bd.add_business_days(day, 10, closures=NO_CLOSURES) == D(plus10)


def test_dispatch_decision_example():
    # Applied Fri 2026-05-01: contact by Wed 2026-05-13; interview Mon 2026-05-18 -> 2026-05-25.
    assert bd.add_business_days(D("2026-05-01"), 5, closures=NO_CLOSURES) == D("2026-05-13")
    assert bd.add_business_days(D("2026-05-18"), 5, closures=NO_CLOSURES) == D("2026-05-25")


def test_next_business_day_skips_weekends_and_holidays():
    assert bd.next_business_day(D("2026-11-27"), closures=NO_CLOSURES) == D("2026-11-30")
    assert bd.next_business_day(D("2026-11-20"), closures=NO_CLOSURES) == D("2026-11-24")


def test_add_zero_business_days_is_the_same_day_and_negative_is_refused():
    assert bd.add_business_days(D("2026-05-01"), 0, closures=NO_CLOSURES) == D("2026-05-01")
    with pytest.raises(ValueError):
        bd.add_business_days(D("2026-05-01"), -1, closures=NO_CLOSURES)


def test_deadline_on_a_closed_day_moves_to_the_next_business_day():
    assert bd.business_day_on_or_after(D("2026-05-03"), closures=NO_CLOSURES) == D("2026-05-07")
    assert bd.business_day_on_or_after(D("2026-05-07"), closures=NO_CLOSURES) == D("2026-05-07")


@pytest.mark.parametrize(
    "moment, expected",
    [
        ("2026-05-01T09:30", "2026-05-01"),  # during office hours
        ("2026-05-01T00:05", "2026-05-01"),  # early morning of a business day
        ("2026-05-01T16:59", "2026-05-01"),
        ("2026-05-01T17:00", "2026-05-07"),  # after 17:00 Friday before Golden Week
        ("2026-05-02T10:00", "2026-05-07"),  # Saturday
        ("2026-12-28T18:00", "2027-01-04"),  # after hours on the last day of the year
        ("2026-09-22T10:00", "2026-09-24"),  # citizens' holiday
    ],
)
def test_received_on_counts_after_hours_and_closed_days_from_the_next_business_day(
    moment, expected
):
    at = dt.datetime.fromisoformat(moment).replace(tzinfo=TOKYO)
    assert bd.received_on(at, closures=NO_CLOSURES) == D(expected)


def test_received_on_converts_utc_to_tokyo_time():
    # 2026-05-01 07:59 UTC is 16:59 JST (open); 08:00 UTC is 17:00 JST (closed).
    utc = dt.UTC
    assert bd.received_on(dt.datetime(2026, 5, 1, 7, 59, tzinfo=utc), closures=NO_CLOSURES) == D(
        "2026-05-01"
    )
    assert bd.received_on(dt.datetime(2026, 5, 1, 8, 0, tzinfo=utc), closures=NO_CLOSURES) == D(
        "2026-05-07"
    )


def test_received_on_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        bd.received_on(dt.datetime(2026, 5, 1, 10, 0), closures=NO_CLOSURES)  # noqa: DTZ001


def test_dates_are_shown_as_tokyo_dates():
    from django.utils import translation

    from core.templatetags.portal import office_date

    early_morning = dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC)  # Wed 08:30 in Tokyo
    with translation.override("en"):
        assert office_date(early_morning) == "Wednesday 2 December 2026"
    with translation.override("ja"):
        assert office_date(early_morning) == "2026年12月2日（水）"


def test_office_open_hours():
    open_at = dt.datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO)
    assert bd.is_office_open(open_at, closures=NO_CLOSURES)
    assert not bd.is_office_open(open_at.replace(hour=8, minute=59), closures=NO_CLOSURES)
    assert not bd.is_office_open(open_at.replace(hour=17), closures=NO_CLOSURES)
    assert not bd.is_office_open(open_at.replace(day=29, month=12), closures=NO_CLOSURES)


def test_an_explicit_extra_closure_is_honoured():
    closures = frozenset({D("2026-05-07")})
    assert not bd.is_business_day(D("2026-05-07"), closures=closures)
    assert bd.add_business_days(D("2026-05-01"), 1, closures=closures) == D("2026-05-08")


@pytest.mark.django_db
def test_closures_added_by_staff_apply_at_once():
    day = D("2026-12-01")
    assert bd.is_business_day(day)  # reads and caches the (empty) table
    closure = OfficeClosure.objects.create(date=day, reason="System maintenance")
    assert not bd.is_business_day(day)
    assert bd.add_business_days(D("2026-11-30"), 1) == D("2026-12-02")
    closure.delete()
    assert bd.is_business_day(day)


def test_start_of_is_tokyo_midnight():
    start = bd.start_of(D("2026-12-07"))
    assert start == dt.datetime(2026, 12, 7, tzinfo=TOKYO)
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 12, 6, 15, tzinfo=dt.UTC)
