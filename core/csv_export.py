"""CSV files for the office: opened in Excel on Japanese Windows, never run as formulas."""

from __future__ import annotations

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (public input goes here)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_response(name: str) -> HttpResponse:
    # UTF-8 with BOM: Excel on Japanese Windows opens it without garbling.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")
    return response
