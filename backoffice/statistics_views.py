"""The statistics page and its CSV export, at admin URLs (wrapped in ``admin_view`` in urls.py).

A user sees the sections of the domains they may view (``statistics.SECTIONS``); asking for
another section is refused. The CSV holds the page's figures: labels and counts only.
"""

from __future__ import annotations

import csv
import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.csv_export import csv_response, safe_cell

from . import statistics

# A period starts in 2000 or later and spans five years at most: a report over ten thousand
# years took 30 s of a worker and a 64 MB page, and year 1 could not be turned into a time.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)
MAX_SPAN = dt.timedelta(days=5 * 366)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        for name, day in (("start", start), ("end", end)):
            if day and not EARLIEST <= day <= LATEST:
                self.add_error(
                    name,
                    ValidationError(
                        _("Enter a date from 1 January 2000 to 31 December 2099."),
                        code="out_of_range",
                    ),
                )
        if self.errors:
            return cleaned
        if start and end and start > end:
            raise ValidationError(
                _("The start date must be on or before the end date."), code="invalid_period"
            )
        if start and end and end - start > MAX_SPAN:
            raise ValidationError(
                _("Choose a period of five years or less."), code="period_too_long"
            )
        return cleaned


def _sections(request) -> list[str]:
    """The sections asked for (all the user may see, or ``?section=``); 403 if not allowed."""
    visible = statistics.visible_sections(request.user)
    wanted = request.GET.get("section")
    if wanted:
        if wanted not in statistics.SECTIONS:
            raise Http404
        visible = [key for key in visible if key == wanted]
    if not visible:
        raise PermissionDenied
    return visible


def _period_form(request, today: dt.date) -> PeriodForm:
    """The period asked for; the current fiscal year (April to March) by default."""
    start, end = statistics.fiscal_year_period(today)
    data = {"start": start.isoformat(), "end": end.isoformat()}
    data.update({key: request.GET[key] for key in ("start", "end") if request.GET.get(key)})
    return PeriodForm(data)


def statistics_page(request):
    sections = _sections(request)
    today = timezone.localdate()
    form = _period_form(request, today)
    report, csv_url = [], ""
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        report = statistics.build_report(sections, start, end, today=today)
        query = {"start": start.isoformat(), "end": end.isoformat()}
        if request.GET.get("section"):
            query["section"] = request.GET["section"]
        csv_url = f"{reverse('statistics-csv')}?{urlencode(query)}"
    context = {
        **admin.site.each_context(request),
        "title": _("Statistics"),
        "form": form,
        "report": report,
        "csv_url": csv_url,
    }
    return TemplateResponse(request, "admin/statistics.html", context)


def statistics_csv(request):
    sections = _sections(request)
    today = timezone.localdate()
    form = _period_form(request, today)
    if not form.is_valid():
        return HttpResponseBadRequest(gettext("Invalid period."))
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    report = statistics.build_report(sections, start, end, today=today)
    response = csv_response(f"statistics-{start:%Y%m%d}-{end:%Y%m%d}")
    write_report(response, report, start=start, end=end)
    return response


def write_report(out: HttpResponse, report: list[statistics.Section], *, start, end) -> None:
    """One block per table: its section and title, the headers, the rows, a blank line."""
    writer = csv.writer(out)
    writer.writerow([gettext("Period"), start.isoformat(), end.isoformat()])
    for section in report:
        for table in section.tables:
            writer.writerow([])
            writer.writerow([safe_cell(section.title), safe_cell(table.title)])
            writer.writerow([safe_cell(header) for header in table.headers])
            for row in table.rows:
                writer.writerow([safe_cell(cell) for cell in row])
            if table.note:
                writer.writerow([safe_cell(table.note)])
