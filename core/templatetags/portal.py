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
    """A date as the office writes it, the one style of pages and emails:
    ``2026年12月7日（月）`` / ``Monday 7 December 2026``; a moment by its Tokyo date."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):  # the Tokyo date, not the UTC one
        value = timezone.localdate(value)
    if get_language() == "ja":
        return f"{value.year}年{value.month}月{value.day}日（{_JA_WEEKDAYS[value.weekday()]}）"
    return f"{value:%A} {value.day} {value:%B %Y}"


@register.filter
def office_short_date(value: dt.date | dt.datetime | None) -> str:
    """The staff lists' short form, the year left out: ``12月7日（月）`` / ``Mon 7 Dec``."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    if get_language() == "ja":
        return f"{value.month}月{value.day}日（{_JA_WEEKDAYS[value.weekday()]}）"
    return f"{value:%a} {value.day} {value:%b}"


@register.filter
def office_short_datetime(value: dt.datetime | None) -> str:
    """``12月7日（月）14:30`` / ``Mon 7 Dec, 14:30``, in Tokyo time."""
    if not value:
        return ""
    moment = timezone.localtime(value)
    day = office_short_date(moment.date())
    return f"{day}{moment:%H:%M}" if get_language() == "ja" else f"{day}, {moment:%H:%M}"


@register.filter
def office_datetime(value: dt.datetime | None) -> str:
    """``2026年12月7日（月）14:30`` / ``Monday 7 December 2026, 14:30``, in Tokyo time."""
    if not value:
        return ""
    moment = timezone.localtime(value)
    day = office_date(moment.date())
    return f"{day}{moment:%H:%M}" if get_language() == "ja" else f"{day}, {moment:%H:%M}"


@register.simple_tag
def office_period(start: dt.datetime, end: dt.datetime) -> str:
    """A session or a visit: ``2026年12月10日（木）14:00〜16:00`` /
    ``Thursday 10 December 2026, 14:00 to 16:00 (Japan time)``."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    day = office_date(start.date())
    if get_language() == "ja":
        return f"{day}{start:%H:%M}〜{end:%H:%M}"
    return f"{day}, {start:%H:%M} to {end:%H:%M} (Japan time)"


@register.simple_tag
def office_range(first: dt.date, last: dt.date) -> str:
    """Two dates, such as an application period: ``2026年11月1日（日）〜2026年11月30日（月）`` /
    ``Sunday 1 November 2026 to Monday 30 November 2026``."""
    separator = "〜" if get_language() == "ja" else " to "
    return f"{office_date(first)}{separator}{office_date(last)}"


@register.filter
def session_time(seminar) -> str:
    """A seminar session's date and time (``office_period``)."""
    return office_period(seminar.starts_at, seminar.ends_at)


@register.simple_tag(takes_context=True)
def crispy_form(context, form):
    """``{% crispy form %}``; a blank form's layout is rendered once (``form_layouts``)."""
    return form_layouts.render(form, context)


@register.simple_tag
def blank_field(bound_field):
    """``{{ form.field }}``; a blank form's field is rendered once (``form_layouts``)."""
    return form_layouts.blank_field(bound_field)
