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
