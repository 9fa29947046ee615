"""The change history of the office's records (django-simple-history), with two changes.

- simple-history's ``Model.history`` descriptor creates a new manager *class* on every access
  (``from_queryset`` inspects every method of the queryset class), and it is accessed for
  every historical row written: about 4 % of a consultation submit's CPU went there (``make
  bench``). ``History`` creates that class once.
- A historical table copies the indexes of the record's fields (its reference, email index,
  dates...), but the history is only ever looked up by the record's id (the admin's history
  page, retention); every other index cost each insert and never served a query.
"""

from __future__ import annotations

from simple_history.manager import HistoryDescriptor
from simple_history.models import HistoricalRecords


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
