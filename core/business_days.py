"""The Tokyo office calendar: the one place that knows which days are business days.

A business day is Monday to Friday, not a Japanese national holiday (substitute holidays and
citizens' holidays included, from the ``holidays`` library), not 29 December to 3 January, and
not an extra closure that staff add in the admin (``OfficeClosure``).

The functions are pure: they take the date or moment they reason about as an argument and the
extra closures as an optional ``closures`` set. Without it they use ``office_closures()``, which
reads the admin's table through the cache. Counting follows DOMAIN.md section 4.4: day 0 is the
business day of receipt and a deadline of N business days is the N-th business day after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

TOKYO = ZoneInfo("Asia/Tokyo")
OFFICE_CLOSES_AT = dt.time(17, 0)
OFFICE_OPENS_AT = dt.time(9, 0)

# Far enough to be safe, short enough to catch a runaway loop (a year has ~240 business days).
_MAX_SCAN_DAYS = 400


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("JP", years=year, language="ja")


def national_holiday_name(day: dt.date) -> str | None:
    """The Japanese name of the national holiday on ``day``, or None."""
    return _national_holidays(day.year).get(day)


def is_year_end_closure(day: dt.date) -> bool:
    """29 December to 3 January: the public offices' New Year closure."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def office_closures() -> frozenset[dt.date]:
    """The extra closures staff entered in the admin (cached; see ``OfficeClosure``)."""
    from core.models import OfficeClosure

    return OfficeClosure.objects.dates_cached()


def is_business_day(day: dt.date, *, closures: Collection[dt.date] | None = None) -> bool:
    if day.weekday() >= 5 or is_year_end_closure(day) or national_holiday_name(day):
        return False
    if closures is None:
        closures = office_closures()
    return day not in closures


def next_business_day(day: dt.date, *, closures: Collection[dt.date] | None = None) -> dt.date:
    """The first business day strictly after ``day``."""
    return add_business_days(day, 1, closures=closures)


def add_business_days(
    day: dt.date, n: int, *, closures: Collection[dt.date] | None = None
) -> dt.date:
    """The ``n``-th business day after ``day`` (``n`` >= 0; ``n == 0`` returns ``day``).

    ``day`` itself is never counted, so pass the business day of receipt (``received_on``).
    """
    if n < 0:
        raise ValueError("n must not be negative")
    if closures is None:
        closures = office_closures()
    current, counted = day, 0
    for _ in range(_MAX_SCAN_DAYS * (n + 1)):
        if counted == n:
            return current
        current += dt.timedelta(days=1)
        if is_business_day(current, closures=closures):
            counted += 1
    raise RuntimeError("no business day found; is the closure table sane?")


def business_day_on_or_after(
    day: dt.date, *, closures: Collection[dt.date] | None = None
) -> dt.date:
    """``day`` if it is a business day, else the next one (a deadline on a closed day moves)."""
    if closures is None:
        closures = office_closures()
    if is_business_day(day, closures=closures):
        return day
    return next_business_day(day, closures=closures)


def received_on(at: dt.datetime, *, closures: Collection[dt.date] | None = None) -> dt.date:
    """The business day a submission made at ``at`` counts from (day 0 of its deadlines).

    A submission after 17:00 Tokyo time, or on a closed day, counts from the next business day.
    """
    if at.tzinfo is None:
        raise ValueError("received_on needs an aware datetime")
    local = at.astimezone(TOKYO)
    if closures is None:
        closures = office_closures()
    if local.time() >= OFFICE_CLOSES_AT or not is_business_day(local.date(), closures=closures):
        return next_business_day(local.date(), closures=closures)
    return local.date()


def start_of(day: dt.date) -> dt.datetime:
    """Midnight starting ``day``, Tokyo time."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=TOKYO)


def receipt_window(at: dt.datetime) -> str:
    """What ``received_on(at)`` depends on besides the closures, as a short string: the Tokyo
    date and whether the office had closed (``2026-05-01:before`` / ``2026-05-01:after``)."""
    local = at.astimezone(TOKYO)
    return f"{local.date().isoformat()}:{'after' if local.time() >= OFFICE_CLOSES_AT else 'before'}"


def is_office_open(at: dt.datetime, *, closures: Collection[dt.date] | None = None) -> bool:
    """Whether the phone desk is staffed at ``at`` (weekdays 9:00-17:00 on business days)."""
    local = at.astimezone(TOKYO)
    return OFFICE_OPENS_AT <= local.time() < OFFICE_CLOSES_AT and is_business_day(
        local.date(), closures=closures
    )


def business_days_in_year(year: int, *, closures: Collection[dt.date] | None = None) -> int:
    if closures is None:
        closures = office_closures()
    day, count = dt.date(year, 1, 1), 0
    while day.year == year:
        count += is_business_day(day, closures=closures)
        day += dt.timedelta(days=1)
    return count
