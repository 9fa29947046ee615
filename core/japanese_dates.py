"""Dates written in the Japanese era (令和8年12月9日), as office staff often write them."""

from __future__ import annotations

import re

from django import forms

from core.public.forms import half_width

# The eras a date the office handles can be in: (name, the western year of its first year).
ERAS = {"令和": 2018, "平成": 1988}
_ERA_DATE = re.compile(r"^\s*(令和|平成)\s*(元|\d{1,2})\s*年")


def to_western(text: str) -> str:
    """``令和8年12月9日`` -> ``2026年12月9日`` (``元年`` is the first year); other text as it
    is. Full-width digits are read as well."""
    text = half_width(text)
    match = _ERA_DATE.match(text)
    if not match:
        return text
    era, year = match.groups()
    western = ERAS[era] + (1 if year == "元" else int(year))
    return f"{western}年{text[match.end() :].strip()}"


class OfficeDateField(forms.DateField):
    """A date typed as 2026/12/09, 2026-12-09, 2026年12月9日 or 令和8年12月9日."""

    def to_python(self, value):
        if isinstance(value, str):
            value = to_western(value)
        return super().to_python(value)


class OfficeSplitDateTimeField(forms.SplitDateTimeField):
    """A date and a time in two boxes (with ``AdminSplitDateTime``, the admin's calendar and
    clock), the date read as ``OfficeDateField`` reads it: 令和8年12月9日 and 14:00."""

    def __init__(self, *, input_date_formats=None, input_time_formats=None, **kwargs):
        # As SplitDateTimeField builds its two fields, with the date field that reads the era.
        errors = {**self.default_error_messages, **kwargs.get("error_messages", {})}
        localize = kwargs.get("localize", False)
        fields = (
            OfficeDateField(
                input_formats=input_date_formats,
                error_messages={"invalid": errors["invalid_date"]},
                localize=localize,
            ),
            forms.TimeField(
                input_formats=input_time_formats,
                error_messages={"invalid": errors["invalid_time"]},
                localize=localize,
            ),
        )
        forms.MultiValueField.__init__(self, fields, **kwargs)
