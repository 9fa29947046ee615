"""The change history of the office's records (django-simple-history), with two changes.

- simple-history's ``Model.history`` descriptor creates a new manager *class* on every access
  (``from_queryset`` inspects every method of the queryset class), and it is accessed for
  every historical row written: about 4 % of a consultation submit's CPU went there (``make
  bench``). ``History`` creates that class once.
- A historical table copies the indexes of the record's fields (its reference, email index,
  dates...), but the history is only ever looked up by the record's id (the admin's history
  page, retention); every other index cost each insert and never served a query.
- A created or changed record is copied into its history by the database (``INSERT ...
  SELECT``) instead of being rebuilt as a historical instance and encrypted a second time:
  about a tenth of a consultation submit's or a registration's CPU (``make bench``). The row
  is the one just written, so the copy is exactly what was stored.

Checked against django-simple-history 3.13.0.
"""

from __future__ import annotations

from django.db import router, transaction
from django.utils import timezone
from simple_history.manager import HistoryDescriptor
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record, pre_create_historical_record

# The values simple-history sets on a historical row beside the record's own fields.
HISTORY_COLUMNS = ("history_date", "history_type", "history_user", "history_change_reason")

_copy_statements: dict[tuple, tuple[str, list]] = {}  # (model, history model, database): SQL

# The upstream code this module relies on, as it was checked (tests/test_upstream_patches.py).
UPSTREAM_SOURCES = {
    "simple_history.manager.HistoryDescriptor": "6201202827a8cb87",
    "simple_history.models.HistoricalRecords.copy_fields": "11a28068aa2ad62a",
    "simple_history.models.HistoricalRecords.create_historical_record": "7ac152c45e697b34",
    "simple_history.models.HistoricalRecords.finalize": "d4eda4a3e9c8e9dc",
    "simple_history.models.HistoricalRecords.fields_included": "7e1250035e475eb3",
    "simple_history.models.HistoricalRecords.get_history_user": "8d000300e44190b7",
    "simple_history.models.HistoricalRecords.get_change_reason_for_object": "0e2892e197ef3b18",
}


class _HistoryDescriptor(HistoryDescriptor):
    def __init__(self, model, manager, queryset):
        super().__init__(model, manager=manager, queryset=queryset)
        self.bound_manager_class = manager.from_queryset(queryset)

    def __get__(self, instance, owner):
        return self.bound_manager_class(self.model, instance)


class History(HistoricalRecords):
    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for name, field in fields.items():
            if name != model._meta.pk.name:  # the record's id: how its history is looked up
                field.db_index = False
        return fields

    def create_historical_record(self, instance, history_type, using=None):
        history_model = type(instance).__dict__[self.manager_name].model
        if not self._copies_in_database(history_model, history_type):
            super().create_historical_record(instance, history_type, using=using)
            return
        connection = transaction.get_connection(
            using if self.use_base_model_db else router.db_for_write(history_model)
        )
        user = self.get_history_user(instance)
        values = {
            "history_date": getattr(instance, "_history_date", None) or timezone.now(),
            "history_type": history_type,
            "history_user": getattr(user, "pk", user),
            "history_change_reason": self.get_change_reason_for_object(
                instance, history_type, using
            ),
        }
        sql, set_here = self._copy_statement(type(instance), history_model, connection)
        params = [f.get_db_prep_save(values[f.name], connection) for f in set_here]
        pk = instance._meta.pk
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, pk.get_db_prep_value(instance.pk, connection)])

    def _copy_statement(self, model, history_model, connection) -> tuple[str, list]:
        """The ``INSERT ... SELECT`` that copies a row of ``model`` into its history, and the
        history's own fields it takes as parameters: built once per model and database."""
        key = (model, history_model, connection.alias)
        if key in _copy_statements:
            return _copy_statements[key]
        quote = connection.ops.quote_name
        copied = self.fields_included(model)
        target = [history_model._meta.get_field(field.name).column for field in copied]
        set_here = [history_model._meta.get_field(name) for name in HISTORY_COLUMNS]
        sql = "INSERT INTO {} ({}) SELECT {}, {} FROM {} WHERE {} = %s".format(  # noqa: S608 (quoted names)
            quote(history_model._meta.db_table),
            ", ".join(quote(column) for column in [*target, *(f.column for f in set_here)]),
            ", ".join(quote(field.column) for field in copied),
            ", ".join(["%s"] * len(set_here)),
            quote(model._meta.db_table),
            quote(model._meta.pk.column),
        )
        _copy_statements[key] = sql, set_here
        return sql, set_here

    def _copies_in_database(self, history_model, history_type: str) -> bool:
        """Not for a deletion (the row is gone), nor where simple-history does more than one
        insert (many-to-many fields, a relation) or lets receivers change the row first."""
        return (
            history_type in ("+", "~")
            and not self.m2m_fields
            and getattr(history_model, "history_relation", None) is None
            and not pre_create_historical_record.has_listeners(history_model)
            and not post_create_historical_record.has_listeners(history_model)
        )

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        descriptor = sender.__dict__.get(self.manager_name)
        if type(descriptor) is HistoryDescriptor:  # (finalize skips models it does not track)
            setattr(
                sender,
                self.manager_name,
                _HistoryDescriptor(
                    descriptor.model,
                    manager=descriptor.manager_class,
                    queryset=descriptor.queryset_class,
                ),
            )
