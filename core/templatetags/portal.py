"""Template helpers shared by every app."""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from core.public import layouts as form_layouts

register = template.Library()

_JA_WEEKDAYS = "月火水木金土日"


@register.filter
def office_date(value: dt.date | dt.datetime | None) -> str:
    """A date as the office writes it: ``2026年12月7日(月)`` / ``Mon 7 December 2026``."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):  # the Tokyo date, not the UTC one
        value = timezone.localdate(value)
    if get_language() == "ja":
        return f"{value.year}年{value.month}月{value.day}日({_JA_WEEKDAYS[value.weekday()]})"
    return f"{value:%a} {value.day} {value:%B %Y}"


@register.filter
def session_time(seminar) -> str:
    """``2026年12月10日(木) 14:00~16:00`` / ``Thu 10 December 2026, 14:00-16:00 (JST)``."""
    start = timezone.localtime(seminar.starts_at)
    end = timezone.localtime(seminar.ends_at)
    day = office_date(start.date())
    if get_language() == "ja":
        return f"{day} {start:%H:%M}~{end:%H:%M}"
    return f"{day}, {start:%H:%M}-{end:%H:%M} (JST)"


@register.simple_tag(takes_context=True)
def crispy_form(context, form):
    """``{% crispy form %}``; a blank form's layout is rendered once (``form_layouts``)."""
    return form_layouts.render(form, context)
