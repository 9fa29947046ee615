"""What a person has typed survives a switch of language on a half-filled form.

On a page with a form, the language switcher's other language is a submit button of that form
(HTML's ``form`` and ``formaction`` attributes, so it works without JavaScript): it sends what
was typed to the same form in the other language, which keeps it in the session (encrypted,
like a draft, and for two hours at most) without checking it, and shows the form again, filled
in, with no errors. A normal send of the form forgets it.
"""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.shortcuts import redirect

from core import encryption

FIELD = "switch_language"  # the name of the switcher's submit button
KEY_PREFIX = "typed:"
MAX_SIZE = 64 * 1024  # characters: more than any of the forms can hold
NOT_KEPT = ("website", "form_started")  # the bot traps: a new page gets new ones
TWO_HOURS = 2 * 60 * 60  # seconds, as for a draft


def asked(request: HttpRequest) -> bool:
    return request.method == "POST" and FIELD in request.POST


def keep_and_show_again(request: HttpRequest, form: forms.Form, key: str):
    """Keep what ``form`` (bound to the POST) holds under ``key``; redirect to this URL, which
    is already the form in the language asked for."""
    typed = {name: form[name].value() for name in form.fields if name not in NOT_KEPT}
    text = json.dumps(typed, ensure_ascii=False, default=str)
    if len(text) <= MAX_SIZE:
        request.session[KEY_PREFIX + key] = encryption.encrypt(text)
        if not request.user.is_authenticated:
            request.session.set_expiry(TWO_HOURS)
    return redirect(request.get_full_path())


def kept(request: HttpRequest, key: str) -> dict:
    """What was typed before the switch, as a form's ``initial``; {} when nothing was kept."""
    token = request.session.get(KEY_PREFIX + key)
    if not isinstance(token, str):
        return {}
    try:
        return json.loads(encryption.decrypt(token))
    except ImproperlyConfigured:  # made with a key since removed: nothing to show
        return {}


def forget(request: HttpRequest, key: str) -> None:
    request.session.pop(KEY_PREFIX + key, None)
