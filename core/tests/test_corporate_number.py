"""The corporate number's check digit (法人番号, National Tax Agency): published numbers pass,
numbers with one wrong digit do not. Sources in core/corporate_number.py."""

import pytest
from django.core.exceptions import ValidationError

from core.corporate_number import check_digit, is_valid, normalise, validate_corporate_number

PUBLISHED = [
    "7000012050002",  # 国税庁 (the National Tax Agency)
    "1180301018771",  # トヨタ自動車株式会社
    "8000020130001",  # 東京都 (the Tokyo Metropolitan Government)
    "5010001008846",  # 株式会社三菱ＵＦＪ銀行
    "5010401067252",  # ソニーグループ株式会社
    "7123456789012",  # the worked example of the ordinance's explainers
]


@pytest.mark.parametrize("number", PUBLISHED)
def test_published_corporate_numbers_have_the_right_check_digit(number):
    assert check_digit(number[1:]) == int(number[0])
    assert is_valid(number)
    validate_corporate_number(number)


def test_the_check_digit_by_hand():
    # Toyota's base 180301018771, from its last digit: 1x1 + 7x2 + 7x1 + 8x2 + 1x1 + 0x2 + 1x1
    # + 0x2 + 3x1 + 0x2 + 8x1 + 1x2 = 53; 53 mod 9 = 8; 9 - 8 = 1.
    assert check_digit("180301018771") == 1
    # The weights start from the last digit: counted from the first, Toyota's would be 7.
    assert check_digit("180301018771"[::-1]) != 1


@pytest.mark.parametrize(
    "number",
    [
        "1000012040001",  # quoted as the NTA's, but its check digit is 9
        "9010001112777",  # quoted as Japan Post's, but its check digit is 8
        "6010001008846",  # MUFG's with the first digit changed
        "1180301018772",  # Toyota's with the last digit changed
        "1180301018717",  # two neighbouring digits swapped
    ],
)
def test_a_wrong_digit_is_caught(number):
    assert not is_valid(number)
    with pytest.raises(ValidationError) as error:
        validate_corporate_number(number)
    assert error.value.code == "corporate_number_check_digit"


@pytest.mark.parametrize(
    "typed",
    ["1180301018771", "１１８０３０１０１８７７１", "1-1803-0101-8771", " 1 1803 0101 8771 "],
)
def test_full_width_digits_hyphens_and_spaces_are_read(typed):
    assert normalise(typed) == "1180301018771"
    validate_corporate_number(typed)


@pytest.mark.parametrize("typed", ["", "118030101877", "11803010187711", "118030101877X"])
def test_anything_but_thirteen_digits_is_refused(typed):
    with pytest.raises(ValidationError) as error:
        validate_corporate_number(typed)
    assert error.value.code == "corporate_number_length"
