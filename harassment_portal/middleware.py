"""Links no page holds are answered with a 400 page before any view or query sees them.

A NUL byte reaches PostgreSQL as an error (a text value cannot hold one), so a path or a query
string carrying one gave a server error: the status link and the admin's changelist filters
did. Paths and query strings are refused for any other control character too (no link holds
one). Form values are not refused here, so that nothing a person typed is lost: the public
forms remove control characters and keep the rest (``core.public.forms.clean_text``), and
Django's form fields refuse a NUL with an error beside the field.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# A query's decoded values may hold what a GET form's field held (a pasted tab).
_CONTROL_IN_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _refused(request: HttpRequest) -> bool:
    if _CONTROL.search(request.path) or _CONTROL.search(request.META.get("QUERY_STRING", "")):
        return True
    # (a %00 in the query string: found once decoded)
    return any(
        _CONTROL_IN_VALUE.search(key + "".join(values)) for key, values in request.GET.lists()
    )


class RefuseControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _refused(request):
            return render(request, "400.html", status=400)
        return self.get_response(request)


class RefuseOversizedBodiesMiddleware:
    """A request body larger than any form of the portal can send (``MAX_REQUEST_BODY_BYTES``:
    the dispatch documents' five files of 10 MB, and some room) is answered with a 413 page
    from its Content-Length, before anything reads it: the CSRF check would otherwise read the
    whole body, to disk, before a view could refuse it. The web server in front should cap
    bodies the same way; this holds where it does not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY_BYTES:
            context = {
                "back": request.path,
                "max_files": settings.DISPATCH_DOCUMENTS_PER_UPLOAD,
                "max_megabytes": settings.DISPATCH_DOCUMENT_MAX_BYTES // (1024 * 1024),
            }
            return render(request, "413.html", context, status=413)
        return self.get_response(request)
