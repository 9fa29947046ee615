"""Whole public pages (home, overviews, FAQ, seminar list) cached, the same for every visitor.

Rendering a page costs several times what serving it from the cache does. These pages show
nothing of the visitor's: the only thing of theirs a public page can show is a message (after a
send), and a visitor with a message always has a ``messages`` cookie (Django's fallback storage
leaves a marker there when the message itself went to the session). So a returning visitor with
a session (a draft in a form) is served from the cache too; one with a message, or a search
(any query string), gets a freshly rendered page. A page that holds a CSRF token is never
stored. The middleware still runs on a cached page, so the security headers are the same.

Pages that show data are dropped from the cache when it changes (``forget``, called by the
signal handlers of the apps); every page also expires after ``timeout`` seconds, which bounds
how long a deploy or the clock (a session's registration closing) takes to show.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

KEY_PREFIX = "page:v1"
MESSAGES = CookieStorage.cookie_name
CSRF_FIELD = b'name="csrfmiddlewaretoken"'


def _key(name: str, language: str, extra: str = "") -> str:
    return f"{KEY_PREFIX}:{name}:{language}:{extra}"


def _cacheable(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and not request.GET and MESSAGES not in request.COOKIES


def _storable(response: HttpResponse) -> bool:
    """A page to keep: whole, and with no one's CSRF token in it."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and CSRF_FIELD not in response.content
    )


def cached_page(
    name: str, *, timeout: int = 5 * 60, vary_on: Callable[[], str] | None = None
) -> Callable:
    """Cache the view's page per language under ``name`` (``forget(name)`` drops it).

    ``vary_on`` returns a string the page depends on besides the language (e.g. a date).
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            key = _key(name, get_language(), vary_on() if vary_on else "")
            cached = cache.get(key)
            if cached is not None:
                response = HttpResponse(cached["content"], content_type=cached["content_type"])
                patch_vary_headers(response, ("Cookie",))
                return response
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, ("Cookie",))  # the cached copy says so too
            if hasattr(response, "render") and response.status_code == 200:
                response.render()
            if _storable(response):
                cache.set(
                    key,
                    {"content": response.content, "content_type": response["Content-Type"]},
                    timeout,
                )
            return response

        return wrapper

    return decorate


def forget(name: str, *, variants: Iterable[str] = ("",)) -> None:
    """Drop the cached page ``name`` in every language (called after an edit).

    A page cached with ``vary_on`` is dropped for each of ``variants`` (its ``vary_on`` values
    that may be in the cache now).
    """
    cache.delete_many(keys(name, variants=variants))


def keys(name: str, *, variants: Iterable[str] = ("",)) -> list[str]:
    """The cache keys of page ``name`` (to drop with other keys in one round trip)."""
    return [_key(name, code, extra) for code, _label in settings.LANGUAGES for extra in variants]


def no_store(response: HttpResponse) -> HttpResponse:
    """A page that shows what a person typed (or their reference) stays out of every cache,
    the browser's included: the computer may be shared."""
    response["Cache-Control"] = "private, no-store"
    return response
