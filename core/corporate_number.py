"""The corporate number (法人番号): 13 digits the National Tax Agency gives each legal entity.

The first digit is a check digit over the 12-digit base number (for a company, its registry
number, 会社法人等番号). The rule is Article 2 of the Ministry of Finance Ordinance on the
designation of corporate numbers (平成26年財務省令第70号), as the NTA's page on the check digit
(https://www.houjin-bangou.nta.go.jp/documents/checkdigit.pdf) restates it:

    check digit = 9 - (sum of Pn x Qn, n = 1..12) mod 9

where Pn is the n-th digit of the base number counted from its last (rightmost) digit and Qn is
1 when n is odd, 2 when n is even. The result is always 1 to 9.

Checked by hand against published numbers (tests in core/tests/test_corporate_number.py;
found with the project's code search in public repositories, 2026-12): the NTA itself
7000012050002 (used as a live number against the NTA's Web-API by public client code; Odoo's
Japanese company-registry placeholder), Toyota Motor 1180301018771 (the JCN of EDINET API
document lists), the Tokyo Metropolitan Government 8000020130001 (the agency id of Toei's GTFS
open data), MUFG Bank 5010001008846 and Sony Group 5010401067252 (fixtures of listed companies),
and the worked example 7123456789012 of an explainer of the ordinance. Numbers that fail the rule
were left out: 1000012040001 (quoted to us as the NTA's: its check digit would be 9),
9010001112777 (quoted as Japan Post's: 8), and 6010001008846 and 7010401067252, misquoted
versions of MUFG's and Sony's in one repository.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.public.forms import half_width

LENGTH = 13
_DIGITS = re.compile(r"^[0-9]{13}$", re.ASCII)
# What people type between the digits: hyphens (any of the dashes half_width folds), spaces.
_SEPARATORS = re.compile(r"[\s-]+")


def normalise(value: str) -> str:
    """The digits as typed, without separators: ``１-１８０３-０１０１-８７７１`` ->
    ``1180301018771``. Anything else stays, for the check to refuse."""
    return _SEPARATORS.sub("", half_width(value or ""))


def check_digit(base: str) -> int:
    """The check digit of a 12-digit base number."""
    if len(base) != LENGTH - 1 or not base.isascii() or not base.isdigit():
        raise ValueError("a base number has 12 digits")
    total = sum(int(digit) * (1 if n % 2 else 2) for n, digit in enumerate(reversed(base), 1))
    return 9 - total % 9


def is_valid(number: str) -> bool:
    """Whether ``number`` (already normalised) is 13 digits with the right check digit."""
    return bool(_DIGITS.match(number)) and int(number[0]) == check_digit(number[1:])


def validate_corporate_number(value: str) -> None:
    """A Django validator: ``value`` normalised is a corporate number."""
    number = normalise(value)
    if not _DIGITS.match(number):
        raise ValidationError(
            _("Enter the corporate number as its 13 digits, for example 7000012050002."),
            code="corporate_number_length",
        )
    if not is_valid(number):
        raise ValidationError(
            _(
                "Corporate number %(number)s is not a valid corporate number: one of its digits "
                "is wrong. Check it on the National Tax Agency's corporate number site and "
                "enter it again."
            ),
            code="corporate_number_check_digit",
            params={"number": number},
        )
