"""Database guards for what model validation already checks in Python."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Q


class ChoicesConstraint(models.CheckConstraint):
    """The database's guard that ``field`` holds one of its choices' ``values``.

    Model validation checks a field's choices already (``Model.clean_fields``), so this
    constraint is not checked again in Python: Django checks a ``CheckConstraint`` by asking
    the database, one query per constraint on every valid form (``make bench`` found three on
    each consultation form POST). Migrations see a plain ``CheckConstraint``.
    """

    def __init__(self, *, name: str, field: str = "", values: Iterable[str] = (), **kwargs):
        if field:  # (``clone`` and migrations pass the condition instead)
            kwargs["condition"] = Q(**{f"{field}__in": list(values)})
        super().__init__(name=name, **kwargs)

    def validate(self, model, instance, exclude=None, using=None):
        return  # checked by the field's choices (clean_fields) and, on write, by the database

    def deconstruct(self):
        _path, args, kwargs = super().deconstruct()
        return "django.db.models.CheckConstraint", args, kwargs
