"""The Zoom Webinars client against a local server that answers as Zoom documents."""

import pytest

from seminars import zoom
from tests.zoom_fake import FakeZoom, running


@pytest.fixture
def fake():
    with running(FakeZoom()) as server:
        yield server


def client_for(server: FakeZoom, **changes) -> zoom.ZoomClient:
    values = {
        "account_id": server.account_id,
        "client_id": server.client_id,
        "client_secret": server.client_secret,
        "api_url": server.api_url,
        "oauth_url": server.oauth_url,
        "timeout": 5,
        **changes,
    }
    return zoom.ZoomClient(**values)


def test_a_registrant_is_added_with_their_own_join_url(fake):
    added = client_for(fake).add_registrant(
        "812 3456 7890", email="hanako@example.jp", name="山田 花子", organisation="東京商事"
    )
    assert added.join_url.startswith("https://zoom.us/w/81234567890?tk=")
    body = fake.registrants["81234567890"][added.registrant_id]
    assert body == {
        "email": "hanako@example.jp",
        "first_name": "山田 花子",
        "org": "東京商事",
        "job_title": "",
    }


def test_the_token_is_fetched_once_and_reused(fake):
    client = client_for(fake)
    client.add_registrant("81234567890", email="a@example.jp", name="A")
    client.add_registrant("81234567890", email="b@example.jp", name="B")
    assert fake.tokens_issued == 1


def test_a_revoked_token_is_renewed_once(fake):
    client = client_for(fake)
    client.add_registrant("81234567890", email="a@example.jp", name="A")
    fake.revoke_tokens()
    client.add_registrant("81234567890", email="b@example.jp", name="B")
    assert fake.tokens_issued == 2
    assert len(fake.registrants["81234567890"]) == 2


def test_wrong_credentials_are_a_lasting_error(fake):
    with pytest.raises(zoom.ZoomError) as error:
        client_for(fake, client_secret="wrong").add_registrant(
            "81234567890", email="a@example.jp", name="A"
        )
    assert error.value.status == 401
    assert not isinstance(error.value, zoom.RateLimited | zoom.Unavailable)


def test_an_unknown_webinar_is_not_found(fake):
    with pytest.raises(zoom.NotFound) as error:
        client_for(fake).add_registrant("99999999999", email="a@example.jp", name="A")
    assert error.value.code == 3001


def test_a_429_says_how_long_to_wait(fake):
    fake.fail_next(429, retry_after=7)
    with pytest.raises(zoom.RateLimited) as error:
        client_for(fake).add_registrant("81234567890", email="a@example.jp", name="A")
    assert error.value.retry_after == 7


def test_a_5xx_and_a_closed_port_are_worth_another_try(fake):
    fake.fail_next(503)
    with pytest.raises(zoom.Unavailable):
        client_for(fake).add_registrant("81234567890", email="a@example.jp", name="A")
    with pytest.raises(zoom.Unavailable):
        client_for(fake, api_url="http://127.0.0.1:9/v2").add_registrant(
            "81234567890", email="a@example.jp", name="A"
        )


def test_a_registrant_is_deleted_and_one_already_gone_counts_as_deleted(fake):
    client = client_for(fake)
    added = client.add_registrant("81234567890", email="a@example.jp", name="A")
    client.delete_registrant("81234567890", added.registrant_id)
    assert fake.registrants["81234567890"] == {}
    client.delete_registrant("81234567890", added.registrant_id)  # a second time: no error
    assert fake.deletes() == [f"/v2/webinars/81234567890/registrants/{added.registrant_id}"] * 2


def test_zoom_is_off_unless_all_three_credentials_are_set(settings):
    settings.ZOOM_ACCOUNT_ID, settings.ZOOM_CLIENT_ID = "acct", "client"
    settings.ZOOM_CLIENT_SECRET = ""
    assert zoom.client() is None
    settings.ZOOM_CLIENT_SECRET = "secret"
    assert zoom.client() is not None


def test_retry_after_as_a_date_or_missing():
    import time
    from email.utils import formatdate

    assert zoom._seconds({"Retry-After": formatdate(time.time() + 120, usegmt=True)}) in range(
        110, 121
    )
    assert zoom._seconds({}) == 1
    assert zoom._seconds({"Retry-After": "999999"}) == 3600
