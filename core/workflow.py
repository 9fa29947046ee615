"""What every service with a public submission and a status table does the same way."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from .references import new_reference

M = TypeVar("M", bound=models.Model)


def submit_once(
    model: type[M], *, submission_key: uuid.UUID, prefix: str, create: Callable[[str], M]
) -> tuple[M, bool]:
    """Run ``create(reference)`` once per submission key; return the row and whether it is new.

    A key seen before returns the stored row (double click, reload, back and resubmit): the
    unique constraint on the key refuses the second insert, which then finds the first. The
    insert is tried first: a resend is rare, and the constraint is checked either way. A
    reference collision, one in 10^12, draws another reference.
    """
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return create(new_reference(prefix)), True
        except IntegrityError:
            existing = model.objects.filter(submission_key=submission_key).first()
            if existing:
                return existing, False
    raise RuntimeError(f"could not allocate a {prefix}- reference")


class Workflow:
    """A record's status table: the ``Status`` choices and the moves allowed from each.

    Each app declares one beside its model (``WORKFLOW = Workflow(Status, TRANSITIONS)``) and
    its services move records with ``WORKFLOW.move``.
    """

    def __init__(
        self, labels: type[models.TextChoices], transitions: dict[str, frozenset[str]]
    ) -> None:
        self.labels, self.transitions = labels, transitions

    def move(
        self,
        obj: M,
        to: str,
        *,
        by: models.Model | None,
        action: str,
        note: str = "",
        allow_same: bool = False,
        **changes: Any,
    ) -> M:
        """Lock the row, check the move against the table, apply it, and write the history
        line in its ``events`` (a ``StatusEvent``: who, which action, from and to, a note).

        A move to the status the row already has is refused (code ``already``), so a double
        click or a second POST never sends an email twice, unless ``allow_same`` says the
        step may repeat (a follow-up reply, a rescheduled interview).
        """
        label = self.labels
        locked = type(obj).objects.select_for_update().get(pk=obj.pk)
        if locked.status == to and not allow_same:
            raise ValidationError(
                _("This is already “%(status)s”.") % {"status": label(to).label}, code="already"
            )
        if locked.status != to and to not in self.transitions[locked.status]:
            raise ValidationError(
                _("“%(from)s” cannot become “%(to)s”.")
                % {"from": label(locked.status).label, "to": label(to).label},
                code="invalid_transition",
            )
        from_status = locked.status
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.status = to
        fields = ["status", *changes]
        if any(f.name == "updated_at" for f in locked._meta.fields):
            fields.append("updated_at")
        locked.save(update_fields=fields)
        locked.events.create(by=by, action=action, from_status=from_status, to_status=to, note=note)
        return locked
