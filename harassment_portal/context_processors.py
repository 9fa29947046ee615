"""Template context every page needs: the office's contact facts and the language switcher."""

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, override

LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}


def _in_language(request, code: str) -> str:
    """The page just shown, in the language ``code``: built from the URL that was resolved
    (never from the request's path, which may hold a host: ``//evil.example/ja/``); the home
    page where nothing was resolved (a 404) or the view is not named."""
    match = request.resolver_match
    try:
        if match is None or not match.url_name:
            raise NoReverseMatch
        url = _reverse_in(code, match.view_name, match.args, match.kwargs)
    except NoReverseMatch:
        return _reverse_in(code, "home")
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url


def _reverse_in(code: str, view_name: str, args=(), kwargs=None) -> str:
    """``reverse`` in the language ``code``. A URL without arguments (every form page) is
    worked out once per URL table and script prefix; one with arguments never is, since they
    may be a personal link's secret."""
    if args or kwargs:
        with override(code):
            return reverse(view_name, args=args, kwargs=kwargs)
    return _reverse_without_arguments(
        get_resolver(get_urlconf()), get_script_prefix(), code, view_name
    )


@functools.lru_cache(maxsize=256)
def _reverse_without_arguments(resolver, script_prefix: str, code: str, view_name: str) -> str:
    # (the URL table and the prefix are only the cache's key: ``reverse`` reads both itself)
    with override(code):
        return reverse(view_name)


@receiver(setting_changed)
def _setting_changed(**kwargs) -> None:
    _reverse_without_arguments.cache_clear()  # (the languages, their URL prefixes)


def office(request):
    current = get_language()
    return {
        "office_phone": settings.OFFICE_PHONE,
        "office_email": settings.OFFICE_EMAIL,
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "language_links": [
            {
                "code": code,
                "name": LANGUAGE_NAMES.get(code, code),
                "url": _in_language(request, code),
                "current": code == current,
            }
            for code, _name in settings.LANGUAGES
        ],
    }
