"""Template context every page needs: the office's contact facts and the language switcher."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, override

LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}


def _in_language(request, code: str) -> str:
    """The page just shown, in the language ``code``: built from the URL that was resolved
    (never from the request's path, which may hold a host: ``//evil.example/ja/``); the home
    page where nothing was resolved (a 404) or the view is not named."""
    match = request.resolver_match
    with override(code):
        try:
            if match is None or not match.url_name:
                raise NoReverseMatch
            url = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return reverse("home")
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url


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
