"""Admin building blocks every app uses, and the office calendar's admin.

``ServiceActionsMixin`` puts a record's workflow steps on its admin page, each a small form that
calls one service; ``HistoryAdmin`` shows the change history read-only.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import business_days, encryption
from .japanese_dates import OfficeDateField
from .models import OfficeClosure


def search_by_address(queryset, index_field: str, address: str):
    """The rows whose encrypted address is ``address``, found through its blind index."""
    return queryset.filter(**{f"{index_field}__in": encryption.blind_indexes(address)})


class AddressSearchMixin:
    """A changelist search that finds an email address, exactly, through its blind index (the
    column itself is encrypted); any other term goes to ``search_fields``."""

    address_index_field = "email_index"

    def get_search_results(self, request, queryset, search_term):
        if "@" in search_term:
            return search_by_address(queryset, self.address_index_field, search_term), False
        return super().get_search_results(request, queryset, search_term.strip())


def mask_email(address: str) -> str:
    """``taro@example.jp`` -> ``t***@example.jp``: enough to tell rows apart in a list."""
    local, _sep, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


@admin.register(OfficeClosure)
class OfficeClosureAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "reason"]
    # The admin's calendar picker, and the era typed by hand (令和8年12月29日) as well.
    formfield_overrides = {models.DateField: {"form_class": OfficeDateField}}
    search_fields = ["reason"]
    date_hierarchy = "date"
    ordering = ["-date"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj: OfficeClosure) -> str:
        return date_format(obj.date, "D")

    def get_changeform_initial_data(self, request):
        return {"reason": ""}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if business_days.national_holiday_name(obj.date):
            self.message_user(request, _("That day is a national holiday already."), messages.INFO)


class RowsOfThisRecord(BaseInlineFormSet):
    """An inline's rows, each handed the record whose page they are on: a row's name reads
    its parent (``C-XXXX 2026-12-07 10:00``), which would otherwise cost a query a row."""

    def get_queryset(self):
        rows = super().get_queryset()
        for row in rows:  # fills the queryset's cache, from which the forms take their rows
            setattr(row, self.fk.name, self.instance)
        return rows


class ReadOnlyTabularInline(admin.TabularInline):
    """Records kept on the parent's page that nobody edits or deletes there."""

    extra = 0
    can_delete = False
    formset = RowsOfThisRecord

    def get_queryset(self, request):
        """The rows with the people and records their columns name, in the same query."""
        shown = set(self.fields or ())
        related = [
            field.name
            for field in self.model._meta.concrete_fields
            if field.many_to_one and field.name in shown
        ]
        return super().get_queryset(request).select_related(*related)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StatusEventInline(ReadOnlyTabularInline):
    """A record's history rows (``core.models.StatusEvent``) in words: the action as staff say
    it (the model's ``action_label``) and the move between the record's statuses
    (``statuses``: its ``Status`` TextChoices)."""

    fields = readonly_fields = ["at", "by", "what", "status_change", "note"]
    verbose_name_plural = _("history")
    statuses: type[models.TextChoices]

    @admin.display(description=_("action"))
    def what(self, obj) -> str:
        return obj.action_label

    @admin.display(description=_("status"))
    def status_change(self, obj) -> str:
        """``受付 → 対応中``, or the one status when it stayed the same."""
        labels = dict(self.statuses.choices)
        before, after = labels.get(obj.from_status, ""), labels.get(obj.to_status, "")
        if before and after and before != after:
            return f"{before} → {after}"
        return str(after or before)


def service_call(message, call):
    """A ServiceAction's perform function: ``call(record, form_data, user)``, then say
    ``message`` to the staff member."""

    def perform(record, data, user):
        call(record, data, user)
        return message

    return perform


class ServiceActionsMixin:
    """Buttons on a record's admin page, each a small form that calls one service.

    A subclass sets ``service_actions``: name -> ``ServiceAction``. The buttons show only in
    the statuses an action is offered in; a service's ValidationError is shown on the form.
    """

    service_actions: dict[str, "ServiceAction"] = {}
    action_template = "admin/service_action.html"

    def action_url_name(self) -> str:
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_action"

    def get_urls(self):
        own = [
            path(
                "<int:pk>/do/<str:action>/",
                self.admin_site.admin_view(self.action_view),
                name=self.action_url_name(),
            )
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None and self.has_change_permission(request, obj):
            extra_context["service_actions"] = [
                {
                    "label": action.label,
                    "url": reverse(f"admin:{self.action_url_name()}", args=[obj.pk, name]),
                }
                for name, action in self.service_actions.items()
                if obj.status in action.statuses and action.offered(obj, request.user)
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def action_view(self, request, pk: int, action: str):
        # Through the user's queryset: a record they may not read has no steps for them.
        obj = self.get_object(request, str(pk))
        if obj is None:
            raise Http404
        if action not in self.service_actions or not self.has_change_permission(request, obj):
            raise PermissionDenied
        spec = self.service_actions[action]
        opts = self.model._meta
        if obj.status not in spec.statuses or not spec.offered(obj, request.user):
            # e.g. a stale page, or a second click
            self.message_user(
                request, _("This step is not available in the current status."), messages.WARNING
            )
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", obj.pk)
        form = spec.form_class(request.POST or None, **spec.form_kwargs(obj, request.user))
        if request.method == "POST" and form.is_valid():
            try:
                message = spec.perform(obj, form.cleaned_data, request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, message, messages.SUCCESS)
                return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", obj.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "form": form,
            "title": f"{obj}: {spec.label}",
            "action_label": spec.label,
            "action_context": spec.context(obj),
        }
        return TemplateResponse(request, self.action_template, context)


class ServiceAction:
    def __init__(
        self,
        label,
        form_class,
        statuses,
        perform,
        *,
        form_kwargs=None,
        context=None,
        when=None,
    ):
        self.label, self.form_class, self.statuses = label, form_class, set(statuses)
        self.perform = perform
        self.form_kwargs = form_kwargs or (lambda obj, user: {})
        self.context = context or (lambda obj: {})
        # Beyond the status: whether the button shows for this record and user (a draft to
        # approve, a permission). The step's page checks it as well.
        self.offered = when or (lambda obj, user: True)


class HistoryAdmin(SimpleHistoryAdmin):
    """The record's change history, read-only.

    django-simple-history's version page saves the old version on POST (a revert) even when
    the revert button is hidden: that would bypass the services, so only GET is allowed.

    These are the office's large tables: the changelist counts the rows once, not twice.
    """

    show_full_result_count = False

    def history_view(self, request, object_id, extra_context=None):
        # The library would fail on an id that is not a number; and a record outside what
        # this user's queryset holds has no history to show either.
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)
