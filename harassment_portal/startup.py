"""What a web worker loads when it starts rather than in its first requests."""

from __future__ import annotations

import datetime as dt

from django.template import engines
from django.utils import timezone

from . import business_days


def warm_up() -> None:
    """Load the holiday tables of this year and the next (about 0.15 s of CPU, which a
    worker's first submission paid: ``make bench``) and every template tag library."""
    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        business_days.national_holiday_name(dt.date(year, 1, 1))
    engines.all()
