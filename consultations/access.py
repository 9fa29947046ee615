"""Need to know (DOMAIN.md 5.1): only those who handle a consultation read it.

A consultant reads the consultations nobody has taken yet and their own, and assigns only to
themselves; a desk lead (and the supervisors and administrators, for oversight) reads every
consultation, and a desk lead assigns to anyone. The admin's querysets and the assignment
service both ask here, so the rule is written once.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

SEE_ALL = "consultations.see_all_consultations"
ASSIGN_ANY = "consultations.assign_any_consultation"


def sees_all(user: AbstractBaseUser) -> bool:
    return user.has_perm(SEE_ALL)


def readable(queryset: QuerySet, user: AbstractBaseUser) -> QuerySet:
    """The part of ``queryset`` (consultations) that ``user`` may read."""
    if sees_all(user):
        return queryset
    return queryset.filter(Q(assigned_to__isnull=True) | Q(assigned_to=user.pk))


def may_read(user: AbstractBaseUser, consultation) -> bool:
    return sees_all(user) or consultation.assigned_to_id in (None, user.pk)


def may_assign(by: AbstractBaseUser | None, consultation, to: AbstractBaseUser) -> bool:
    """A desk lead assigns anything to anyone; a consultant takes a free consultation for
    themselves. ``by`` is None for the system's own moves."""
    if by is None or by.has_perm(ASSIGN_ANY):
        return True
    return to.pk == by.pk and consultation.assigned_to_id in (None, by.pk)
