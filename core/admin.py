"""Admin building blocks every app uses, and the office calendar's admin.

``ServiceActionsMixin`` puts a record's workflow steps on its admin page, each a small form that
calls one service; ``HistoryAdmin`` shows the change history read-only.

``LargeListAdmin`` extends a few admin internals (``UPSTREAM_SOURCES``). Checked against
Django 5.2.19.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format, number_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import business_days, encryption
from .fields import EncryptedTextMixin
from .japanese_dates import OfficeDateField
from .models import OfficeClosure
from .queries import distinct_values, planned_rows

# The admin internals the large lists (``LargeListAdmin``) extend, as checked against Django
# 5.2.19 (tests/test_upstream_patches.py): the changelist's row links and results, the row's
# action checkbox (core/tests/test_large_lists.py compares the markup), the filter's values.
UPSTREAM_SOURCES = {
    "django.contrib.admin.views.main.ChangeList.url_for_result": "2e11d4e1b41268c2",
    "django.contrib.admin.views.main.ChangeList.get_results": "89110a3ebb1674c6",
    "django.contrib.admin.options.ModelAdmin.action_checkbox": "6957caa14530ae39",
    "django.contrib.admin.options.ModelAdmin.get_changelist_instance": "e9fd8bbe6d8a5251",
    "django.contrib.admin.filters.AllValuesFieldListFilter.__init__": "e76d95d111133b92",
}


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


class EstimatedCountPaginator(Paginator):
    """A changelist's paginator that takes PostgreSQL's estimate of a long list's length
    instead of counting it.

    ``COUNT(*)`` reads every row of the table: 34 ms of PostgreSQL's time at 100,000
    consultations, a third of the page. When the list holds everything its reader may see (no
    filter, no search: ``estimate=True``, see ``LargeListAdmin``) and the planner expects
    more than ``estimate_above`` rows, the count is the planner's estimate (from the table's
    statistics, ``pg_class.reltuples`` scaled to the table's current size). A filtered or
    searched list, a shorter one, and any other database are counted exactly.

    ``estimated`` says which it was: the page then reads "about" (``admin/pagination.html``),
    and a page number past the estimate's last page (up to twice as far) still shows the rows
    there, if any.
    """

    estimate_above = 10_000

    def __init__(self, *args, estimate: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_estimate = estimate
        self.estimated = False

    @cached_property
    def count(self) -> int:
        if self.may_estimate and isinstance(self.object_list, models.QuerySet):
            rows = planned_rows(self.object_list)
            if rows is not None and rows > self.estimate_above:
                self.estimated = True
                return rows
        return super().count

    @property
    def approximate_count(self) -> str:
        """The estimate to three significant figures, grouped: ``100,000`` for 100,004."""
        digits = max(len(str(self.count)) - 3, 0)
        return number_format(round(self.count, -digits), force_grouping=True)

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            # Past the estimate's last page (the table may be longer), within reason.
            if self.estimated and 1 < int(number) <= 2 * self.num_pages:
                return int(number)
            raise

    def page(self, number):
        if not self.estimated:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)


class IndexedValuesListFilter(admin.AllValuesFieldListFilter):
    """Django's filter by each value a column holds, the values found through an index that
    starts with the column (``queries.distinct_values``: one lookup per value) where Django's
    ``SELECT DISTINCT`` reads the whole table, on every page of the list. For a column with a
    few values in a long table: ``list_filter = [("template", IndexedValuesListFilter)]``.

    The values are those of the whole table, whoever reads the list (a value whose rows the
    reader may not see lists nothing). A column that may be NULL, or another database than
    PostgreSQL, gets Django's query.
    """

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        if field_path == field.name and field.model is model and not field.null:
            values = distinct_values(model, field.name)
            if values is not None:
                self.lookup_choices = values


class LargeChangeList(ChangeList):
    """The changelist of ``LargeListAdmin``: each row's link is the change page's URL worked
    out once per page, not reversed for each row; an estimated length is not repeated as
    "N results" beside the search box."""

    marker = "7301940273"

    @cached_property
    def _change_url_around_pk(self) -> tuple[str, str] | None:
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=(self.marker,),
            current_app=self.model_admin.admin_site.name,
        )
        if url.count(self.marker) != 1:
            return None
        before, _marker, after = url.partition(self.marker)
        return before, after

    def get_results(self, request):
        super().get_results(request)
        if self.paginator.estimated:
            # The whole list (nothing filtered): no "N results (Show all)" beside the search
            # box, which Django writes when it does not count the whole table a second time.
            self.full_result_count = self.result_count

    def url_for_result(self, result):
        pk = getattr(result, self.pk_attname)
        around = self._change_url_around_pk
        if around is None or type(pk) is not int:  # (a primary key that needs quoting)
            return super().url_for_result(result)
        return f"{around[0]}{pk}{around[1]}"


class LargeListAdmin:
    """A ModelAdmin mixin for the changelists of the office's large tables (100,000
    consultations): what each request costs stays the same however long the table grows.

    - The length of an unfiltered list is PostgreSQL's estimate (``EstimatedCountPaginator``),
      counted once (no second count of the whole table for "N total").
    - The rows of a page are read without the encrypted columns the list does not show, so
      they are neither transferred nor decrypted (nor those of the ``list_select_related``
      records). A display method that reads an encrypted column names it in
      ``list_decrypted`` (``"email"``, ``"expert__email"``); a column of ``list_display``
      itself is read anyway.
    - The action checkbox of each row is written directly, not rendered through the form
      widget's templates (a third of the page's time at 100 rows), and its link is not
      reversed for each row (``LargeChangeList``).
    - A column with a few values, such as a template's name, is filtered with
      ``IndexedValuesListFilter``.
    """

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    list_decrypted: tuple[str, ...] = ()

    @property
    def empty_value_display(self):
        """The site's (Django looks for it here first, with an exception for each cell)."""
        return self.admin_site.empty_value_display

    def get_changelist(self, request, **kwargs):
        return LargeChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        if not issubclass(self.paginator, EstimatedCountPaginator):
            return super().get_paginator(
                request, queryset, per_page, orphans, allow_empty_first_page
            )
        # The changelist's rows are the user's whole queryset with the filters and the search
        # added to it: the same WHERE clause means that none applies.
        everything = queryset.query.where == self.get_queryset(request).query.where
        return self.paginator(
            queryset, per_page, orphans, allow_empty_first_page, estimate=everything
        )

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        unread = self.list_unread_fields(changelist.list_display)
        if unread:
            changelist.result_list = changelist.result_list.defer(*unread)
        return changelist

    def list_unread_fields(self, list_display) -> list[str]:
        """The encrypted fields, of the model and of the records selected with it, that the
        list neither shows nor names in ``list_decrypted``."""
        shown = {*list_display, *self.list_decrypted}
        relations = [""]
        if isinstance(self.list_select_related, list | tuple):
            relations += [f"{name}__" for name in self.list_select_related]
        unread = []
        for prefix in relations:
            model = self.model
            for name in filter(None, prefix.split("__")):
                model = model._meta.get_field(name).related_model
            unread += [
                prefix + field.name
                for field in model._meta.concrete_fields
                if isinstance(field, EncryptedTextMixin) and prefix + field.name not in shown
            ]
        return unread

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj):
        """What Django's ``ModelAdmin.action_checkbox`` renders through ``CheckboxInput``, the
        same markup (``core/tests/test_large_lists.py`` compares them)."""
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )


class HistoryAdmin(LargeListAdmin, SimpleHistoryAdmin):
    """The record's change history, read-only.

    django-simple-history's version page saves the old version on POST (a revert) even when
    the revert button is hidden: that would bypass the services, so only GET is allowed.

    These are the office's large tables (``LargeListAdmin``).
    """

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
