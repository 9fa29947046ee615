"""The change history of the office's records (django-simple-history), built once per model.

simple-history's ``Model.history`` descriptor creates a new manager *class* on every access
(``from_queryset`` inspects every method of the queryset class), and it is accessed for every
historical row written: about 4 % of a consultation submit's CPU went there (``make bench``).
``History`` is ``HistoricalRecords`` with a descriptor that creates that class once.
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
