"""Retention: personal data is anonymised once its period has passed; the statistics stay.

A registry, as Django's admin is: each app registers a ``RetentionRule`` from its own
``retention`` module (found by ``autodiscover`` when the apps are ready): which records are due
(closed consultations, registrations for past sessions, finished dispatch applications) and
which of their fields hold personal data. Anonymising a record blanks those fields on the
record, on every row of its change history and on its related records; what else keeps a copy
of a record's personal data (the outbox) registers a ``cleanup`` that is called with the same
batch. The choices the statistics count (requester type, topic, industry, status, dates) stay.

The beat job ``apply_retention`` runs nightly; ``manage.py apply_retention --dry-run`` shows what
would be anonymised first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_update_with_history

BATCH_SIZE = 200


@dataclass(frozen=True)
class RetentionRule:
    label: str  # what is anonymised, for the command's and the job's report
    days_setting: str  # the setting that holds the period, in days
    # The records whose period ended before ``cutoff`` and that still hold personal data.
    due: Callable[[dt.datetime], models.QuerySet]
    # field name -> the value that replaces it; a callable gets the record (for unique values).
    blank: dict[str, object]
    # Records kept with this one whose personal fields are blanked too: (related name, fields).
    related: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())

    def cutoff(self, now: dt.datetime) -> dt.datetime:
        from django.conf import settings

        return now - dt.timedelta(days=getattr(settings, self.days_setting))


_rules: list[RetentionRule] = []
# Called as ``cleanup(model, pks)`` inside the transaction that anonymises those records.
_cleanups: list[Callable[[type[models.Model], list], None]] = []


def register(rule: RetentionRule) -> RetentionRule:
    """Add an app's rule (once: a module imported again replaces its rule by label)."""
    _rules[:] = [known for known in _rules if known.label != rule.label]
    _rules.append(rule)
    return rule


def register_cleanup(cleanup: Callable[[type[models.Model], list], None]) -> None:
    if cleanup not in _cleanups:
        _cleanups.append(cleanup)


def autodiscover() -> None:
    """Import each installed app's ``retention`` module, in ``INSTALLED_APPS`` order."""
    autodiscover_modules("retention")


def rules() -> list[RetentionRule]:
    return list(_rules)


@dataclass(frozen=True)
class Due:
    rule: RetentionRule
    count: int
    references: list[str]  # the first few, to look up before anything is removed


def plan(*, now: dt.datetime | None = None, show: int = 20) -> list[Due]:
    """What ``anonymise_due`` would anonymise now (nothing is changed)."""
    now = now or timezone.now()
    result = []
    for rule in rules():
        due = _due(rule, now)
        result.append(Due(rule, due.count(), [str(obj) for obj in due[:show]]))
    return result


def anonymise_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Anonymise every record whose retention period has passed; return counts by rule."""
    now = now or timezone.now()
    counts = {}
    for rule in rules():
        counts[rule.label] = 0
        while True:
            # Each batch in its own transaction: a long run never holds locks for long, and an
            # interrupted run resumes where it stopped.
            with transaction.atomic():
                # Lock only the records themselves, not the rows they are joined with.
                locked = _due(rule, now).select_for_update(skip_locked=True, of=("self",))
                batch = list(locked[:BATCH_SIZE])
                anonymise(rule, batch, now=now)
            counts[rule.label] += len(batch)
            if len(batch) < BATCH_SIZE:
                break
        blank_history_of_deleted(rule)
    return counts


def _due(rule: RetentionRule, now: dt.datetime) -> models.QuerySet:
    return rule.due(rule.cutoff(now)).filter(anonymised_at__isnull=True).order_by("pk")


def anonymise(rule: RetentionRule, batch: list[models.Model], *, now: dt.datetime) -> None:
    """Anonymise a batch of records, a few queries for the whole batch.

    Each record gets a history entry with the change reason "retention"; then every earlier
    history row and the related records are blanked in one update each, and each registered
    cleanup (the outbox's) is called with the batch.
    """
    if not batch:
        return
    model = type(batch[0])
    # A blanked personal-link secret takes its hash with it (NULL: the column is unique).
    indexes, hashes = _derived_columns(rule, model)
    # The same value for every record (and what save() would recompute for an index from a
    # blanked address) in one plain UPDATE; only the values made per record (a stand-in
    # address, a new token) go through bulk_update, whose CASE per row and field was most
    # of the job's time.
    same = {name: value for name, value in rule.blank.items() if not callable(value)}
    same |= {**dict.fromkeys(indexes, ""), **dict.fromkeys(hashes), "anonymised_at": now}
    per_record = [name for name, value in rule.blank.items() if callable(value)]
    for record in batch:
        for name, value in same.items():
            setattr(record, name, value)
        for name in per_record:
            setattr(record, name, rule.blank[name](record))
    pks = [record.pk for record in batch]
    with transaction.atomic():  # the records, their history and related rows together
        manager = model._default_manager
        manager.filter(pk__in=pks).update(**same)
        if per_record:
            manager.bulk_update(batch, per_record)
        # Each record's history entry, with the change reason "retention" (no fields: the
        # records are updated above).
        bulk_update_with_history(batch, model, [], default_change_reason=gettext_noop("retention"))
        # The history keeps no copy of the personal data, nor of the search index.
        _blank_history_rows(model, pks, dict.fromkeys(_personal_columns(rule, model), ""))
        for related_name, fields in rule.related:
            relation = model._meta.get_field(related_name)
            related = relation.related_model.objects.filter(**{f"{relation.field.name}__in": pks})
            related.update(**dict.fromkeys(fields, ""))
            if hasattr(relation.related_model, "history"):
                _blank_history_rows(
                    relation.related_model, related.values("pk"), dict.fromkeys(fields, "")
                )
        for cleanup in _cleanups:
            cleanup(model, pks)


def _derived_columns(rule: RetentionRule, model) -> tuple[list[str], list[str]]:
    """The blind indexes and the token hashes of the fields ``rule`` blanks."""
    indexes = [f"{n}_index" for n in getattr(model, "blind_indexed", ()) if n in rule.blank]
    hashes = [f"{n}_hash" for n in getattr(model, "hashed_tokens", ()) if n in rule.blank]
    return indexes, hashes


def _personal_columns(rule: RetentionRule, model) -> list[str]:
    """The rule's fields, with the blind indexes and token hashes derived from them, that the
    history keeps (a field its history leaves out has no copy there to blank)."""
    indexes, hashes = _derived_columns(rule, model)
    kept = {field.name for field in model.history.model._meta.fields}
    return [name for name in (*rule.blank, *indexes, *hashes) if name in kept]


def blank_history_of_deleted(rule: RetentionRule) -> int:
    """Blank the personal fields in the history of records that were deleted (whatever their
    period: a deletion means the data should go), so that no copy outlives its record."""
    model = rule.due(timezone.now()).model
    columns = _personal_columns(rule, model)
    history = model.history.model.objects
    live = model._default_manager.filter(pk=OuterRef("id"))
    holding = Q()
    for name in columns:
        holding |= ~Q(**{name: ""})
    return history.filter(holding).exclude(Exists(live)).update(**dict.fromkeys(columns, ""))


def _blank_history_rows(model, pks, values: dict) -> None:
    model.history.model.objects.filter(id__in=pks).update(**values)
