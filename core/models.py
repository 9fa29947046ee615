"""Models every app builds on: the history-row base, the office's extra closures, job runs."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import EncryptedTextField

CLOSURES_CACHE_KEY = "office-closures:v1"


class StatusEvent(models.Model):
    """One line of a record's history: who did what, when, and the status it moved.

    Each app's subclass adds the foreign key to its record, with ``related_name="events"``.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=30, blank=True)
    to_status = models.CharField(_("to"), max_length=30, blank=True)
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        abstract = True
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["at", "pk"]


class OfficeClosureQuerySet(models.QuerySet):
    def dates_cached(self) -> frozenset[dt.date]:
        dates = cache.get(CLOSURES_CACHE_KEY)
        if dates is None:
            dates = frozenset(self.values_list("date", flat=True))
            cache.set(CLOSURES_CACHE_KEY, dates, timeout=60 * 60)
        return dates


class OfficeClosure(models.Model):
    """A day the office is closed beyond weekends, national holidays and 29 Dec-3 Jan."""

    date = models.DateField(_("date"), unique=True)
    reason = models.CharField(_("reason"), max_length=200)

    objects = OfficeClosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("office closure")
        verbose_name_plural = _("office closures")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}"


class JobRun(models.Model):
    """One run of a once-a-day job for one day: the marker that makes it run only once."""

    job = models.CharField(_("job"), max_length=100)
    run_on = models.DateField(_("for the day"))
    started_at = models.DateTimeField(_("started"), default=timezone.now)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-run_on", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "run_on"], name="jobrun_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.run_on:%Y-%m-%d}"
