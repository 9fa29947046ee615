"""The application's postal code: looked up as the person types (the area endpoint and the
form's attributes), and checked against the address by the server."""

import pytest

from .test_views import post_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_fill_delay")]


def test_the_area_endpoint_gives_the_codes_of_one_area(client):
    response = client.get("/postal-codes/163.json")
    assert response.status_code == 200
    assert response.json()["8001"] == ["東京都", "新宿区", "西新宿2丁目8-1"]
    assert response["Cache-Control"] == "public, max-age=86400"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    "path",
    [
        "/postal-codes/1638001.json",
        "/postal-codes/16.json",
        "/postal-codes/abc.json",
        "/ja/postal-codes/163.json",
    ],
)
def test_only_a_three_digit_area_is_asked(client, path):
    assert client.get(path).status_code == 404


def test_the_endpoint_takes_no_writes(client):
    assert client.post("/postal-codes/163.json").status_code == 405


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_form_carries_what_the_script_needs_in_the_page_language(client, language):
    html = client.get(f"/{language}/dispatch/apply/").content.decode()
    assert 'data-postal-areas="/postal-codes/{}.json"' in html
    assert 'data-postal-fills="id_address"' in html
    assert 'id="postal-code-status" role="status"' in html
    assert "js/postal-code" in html
    phrase = "住所欄に" if language == "ja" else "We have filled in the address"
    assert phrase in html


def test_an_address_in_another_city_than_its_code_is_refused_beside_the_address(client):
    response = post_form(client, postal_code="163-8001", address="東京都渋谷区道玄坂1-2-3")
    form = response.context["form"]
    assert form.has_error("address", "postal_code_mismatch")
    assert "163-8001" in form.errors["address"][0] and "新宿区" in form.errors["address"][0]
    assert form["address"].value() == "東京都渋谷区道玄坂1-2-3"  # nothing typed is lost


@pytest.mark.parametrize(
    ("code", "address"),
    [
        ("163-8001", "東京都新宿区西新宿2-8-1"),
        ("190-0182", "東京都日の出町平井1-1"),  # without its 郡
        ("160-0023", "Nishi-Shinjuku 2-8-1, Shinjuku-ku, Tokyo"),  # in English: not compared
        ("208-9999", "東京都武蔵村山市本町1-1"),  # a Tokyo code newer than the data: accepted
    ],
)
def test_matching_addresses_pass(client, code, address):
    response = post_form(client, postal_code=code, address=address)
    assert response.status_code == 302, response.context["form"].errors
