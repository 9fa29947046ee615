"""The consultation form is one step from the home page and near the top of its overview,
where a phone shows it without scrolling far (issue 15)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_form_is_linked_from_the_home_card_and_the_top_of_the_overview(client, language):
    form = f'href="/{language}/consultation/form/"'
    home = client.get(f"/{language}/").content.decode()
    card = home[
        home.index('id="home-consultation"') : home.index(
            "</section>", home.index('id="home-consultation"')
        )
    ]
    assert form in card
    overview = client.get(f"/{language}/consultation/").content.decode()
    assert overview.index(form) < overview.index("<h2")  # before the first section
