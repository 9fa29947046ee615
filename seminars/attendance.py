"""Attendance from Zoom's report: a preview of what it would change, then the change.

The report is read by ``zoom_report``; its addresses are matched to the session's
registrations through their blind index (the addresses are encrypted). The preview names the
registrations to mark; applying marks exactly those the staff member saw, each through
``services.mark_attended`` (which refuses before the session has ended).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from core import encryption

from . import services
from .models import Registration, RegistrationStatus, Seminar
from .zoom_report import Attendance


@dataclass(frozen=True)
class Preview:
    to_mark: list[Registration]  # registered, and attended by the report
    already_marked: int
    did_not_attend: int  # registered, and "No" in the report
    not_registered: int  # in the report, with no registration for this session


def preview(seminar: Seminar, attendance: Attendance) -> Preview:
    def registrations_of(addresses: set[str]) -> list[Registration]:
        indexes = [index for address in addresses for index in encryption.blind_indexes(address)]
        return list(
            seminar.registrations.filter(email_index__in=indexes)
            .filter(status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED])
            .order_by("registered_at", "pk")
        )

    attended = registrations_of(attendance.attended)
    absent = registrations_of(attendance.absent)
    found = {r.email for r in attended}
    return Preview(
        to_mark=[r for r in attended if r.status == RegistrationStatus.CONFIRMED],
        already_marked=sum(r.status == RegistrationStatus.ATTENDED for r in attended),
        did_not_attend=len(absent),
        not_registered=len(attendance.attended - found),
    )


@transaction.atomic
def apply(seminar: Seminar, registration_ids: list[int], *, by: AbstractBaseUser) -> int:
    """Mark as attended the registrations the preview listed (ids of this session only)."""
    chosen = seminar.registrations.filter(
        pk__in=registration_ids, status=RegistrationStatus.CONFIRMED
    ).order_by("pk")
    marked = 0
    for registration in chosen:
        services.mark_attended(registration, by=by)
        marked += 1
    return marked
