"""Dates as the office's staff type them (issue 16): 2026/12/09, 2026-12-09, 2026年12月9日
and 令和8年12月9日 in Japanese; ISO, 2026/12/09 and 09/12/2026 in English."""

import datetime as dt

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from core.japanese_dates import OfficeDateField, to_western
from core.models import OfficeClosure

DAY = dt.date(2026, 12, 9)


@pytest.mark.parametrize(
    ("typed", "western"),
    [
        ("令和8年12月9日", "2026年12月9日"),
        ("令和元年5月1日", "2019年5月1日"),
        ("令和８年１２月９日", "2026年12月9日"),
        ("平成31年4月30日", "2019年4月30日"),
        ("2026/12/09", "2026/12/09"),
    ],
)
def test_the_era_becomes_the_western_year(typed, western):
    assert to_western(typed) == western


@pytest.mark.parametrize("typed", ["2026/12/09", "2026-12-09", "2026年12月9日", "令和8年12月9日"])
def test_a_japanese_staff_member_s_date_is_read(typed):
    with translation.override("ja"):
        assert OfficeDateField().clean(typed) == DAY


@pytest.mark.parametrize("typed", ["2026-12-09", "2026/12/09", "09/12/2026"])
def test_an_english_staff_member_s_date_is_read(typed):
    with translation.override("en"):
        assert forms.DateField().clean(typed) == DAY


def test_a_date_that_is_not_one_is_still_refused():
    with translation.override("ja"), pytest.raises(forms.ValidationError):
        OfficeDateField().clean("令和8年13月40日")


@pytest.mark.django_db
def test_an_office_closure_typed_in_the_era_is_saved(admin_client):
    response = admin_client.post(
        reverse("admin:harassment_portal_officeclosure_add"),
        {"date": "令和8年12月28日", "reason": "年末の棚卸し"},
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert OfficeClosure.objects.get().date == dt.date(2026, 12, 28)
