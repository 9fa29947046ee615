"""What a person has typed survives a switch of language on a half-filled form.

On a page with a form, the language switcher's other language is a submit button of that form
(HTML's ``form`` and ``formaction`` attributes, so it works without JavaScript): it sends what
was typed to the same form in the other language, which keeps it in the session (``drafts``:
encrypted, two hours at most) without checking it, and shows the form again, filled in, with
no errors. A normal send of the form forgets it.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.shortcuts import redirect

from . import drafts

FIELD = "switch_language"  # the name of the switcher's submit button
FORM_ID = "answers"  # the id of the page's <form> (in the form templates), as the views say
KEY_PREFIX = "typed:"
MAX_SIZE = 64 * 1024  # characters: more than any of the forms can hold
NOT_KEPT = ("website", "form_started")  # the bot traps: a new page gets new ones


def asked(request: HttpRequest) -> bool:
    return request.method == "POST" and FIELD in request.POST


def keep_and_show_again(request: HttpRequest, form: forms.Form, key: str):
    """Keep what ``form`` (bound to the POST) holds under ``key``; redirect to this URL, which
    is already the form in the language asked for."""
    typed = {name: form[name].value() for name in form.fields if name not in NOT_KEPT}
    if drafts.store(request.session, KEY_PREFIX + key, typed) <= MAX_SIZE:
        drafts.keep_two_hours(request)
    else:
        forget(request, key)
    return redirect(request.get_full_path())


def kept(request: HttpRequest, key: str) -> dict:
    """What was typed before the switch, as a form's ``initial``; {} when nothing was kept."""
    return drafts.load(request.session, KEY_PREFIX + key) or {}


def forget(request: HttpRequest, key: str) -> None:
    request.session.pop(KEY_PREFIX + key, None)
