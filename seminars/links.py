"""The personal link of a registration: its secret token, signed with a time stamp.

A link that was tampered with, or that is older than ``MANAGE_LINK_MAX_AGE``, is refused; a
well-signed link whose token matches no registration is refused too.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.urls import reverse
from django.utils import translation

from .models import Registration

SALT = "seminars.manage-link"
MANAGE_LINK_MAX_AGE = dt.timedelta(days=180)


def manage_path(registration: Registration) -> str:
    with translation.override(registration.language):
        return reverse("seminars:manage", args=[signing.dumps(registration.token, salt=SALT)])


def registration_for(signed: str) -> Registration | None:
    try:
        token = signing.loads(signed, salt=SALT, max_age=MANAGE_LINK_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(token, str):
        return None
    return Registration.objects.select_related("seminar").with_token(token).first()
