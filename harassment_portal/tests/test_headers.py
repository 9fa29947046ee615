"""Security headers on every kind of response, error pages included."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from django.urls import path

from faq import services as faq_services

pytestmark = pytest.mark.django_db

URLS = {
    "/ja/": 200,
    "/en/faq/": 200,
    "/ja/consultation/form/": 200,
    "/en/seminars/": 200,
    "/ja/dispatch/apply/": 200,
    "/en/no-such-page/": 404,
    "/healthz": 200,
    "/admin/login/": 200,
    "/admin/": 302,
    "/static/css/portal.css": 200,
}


def assert_protected(response):
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    if not response.get("Content-Type", "").startswith("text/css"):  # pages, not assets
        assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url, status", URLS.items())
def test_every_url_carries_the_security_headers(client, url, status):
    faq_services.load_seed()
    response = client.get(url)
    assert response.status_code == status
    assert_protected(response)
    response.close()  # a static file is streamed from disk


def test_admin_pages_carry_them_too(client):
    client.force_login(User.objects.create_superuser("root", "root@example.jp", "x-0123456789"))
    response = client.get("/admin/consultations/consultation/")
    assert response.status_code == 200
    assert_protected(response)


def broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", broken_view)]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_server_error_page_carries_them(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert_protected(response)


@override_settings(
    SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True
)
def test_hsts_over_https(client):
    response = client.get("/ja/", secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def every_url() -> list[str]:
    """A sample address for every URL pattern of the project (each language, each admin page)."""
    from django.contrib.admindocs.views import extract_views_from_urlpatterns, simplify_regex
    from django.urls import get_resolver

    urls = set()
    for _view, regex, _namespace, _name in extract_views_from_urlpatterns(
        get_resolver().url_patterns
    ):
        url = simplify_regex(regex)
        url = re.sub(r"<(int:)?(pk|object_id|id|version_id)>", "1", url)
        url = re.sub(r"<[^>]+>", "x", url)
        urls.add(url.replace("//", "/"))
    return sorted(urls)


@pytest.mark.parametrize("as_staff", [False, True])
def test_every_url_pattern_carries_the_headers(as_staff):
    from django.test import Client

    faq_services.load_seed()
    client = Client(raise_request_exception=False)
    if as_staff:
        client.force_login(User.objects.create_superuser("root", "root@example.jp", "x-0123"))
    urls = every_url()
    assert len(urls) > 100  # the admin's pages and both languages' public pages
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        assert_protected(response)
        if response.streaming:  # read to the end, which closes it like a WSGI server
            b"".join(response.streaming_content)
