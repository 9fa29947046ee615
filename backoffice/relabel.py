"""The admin of a library's model under the project's translated names.

Some libraries name their models and records in plain English strings that no catalogue can
translate. ``RelabelledAdmin`` shows them under translated names everywhere the admin names
them (index, titles, breadcrumbs, buttons, messages, deletion summary) without patching the
library: the ``ModelAdmin``'s ``opts`` is the model's ``_meta`` seen through
``RelabelledOptions``, and a record is shown through ``Labelled``.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import actions as admin_actions
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import model_ngettext
from django.contrib.admin.views.main import ChangeList
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext


def model_name(model) -> str:
    """The model's name as the admin shows it (a library's model under the project's name)."""
    history_of = getattr(model, "instance_type", None)  # django-simple-history's copy
    if history_of is not None:
        return gettext("history of %s") % model_name(history_of)
    try:
        opts = admin.site.get_model_admin(model).opts
    except admin.sites.NotRegistered:
        opts = model._meta
    return str(opts.verbose_name)


class RelabelledOptions:
    """A model's ``_meta`` as the admin shows it: the same, under translated names."""

    def __init__(self, opts, verbose_name, verbose_name_plural):
        self._opts = opts
        self.verbose_name = verbose_name
        self.verbose_name_plural = verbose_name_plural

    def __getattr__(self, name):
        return getattr(self._opts, name)


class Labelled:
    """A record as a template shows it: itself, under a translated name."""

    def __init__(self, record, label: str):
        self._record, self._label = record, label

    def __getattr__(self, name):
        return getattr(self._record, name)

    def __str__(self) -> str:
        return self._label


class RelabelledAdmin(admin.ModelAdmin):
    """The admin of a library's model under translated names: ``verbose_name`` and
    ``verbose_name_plural`` for the model (index, titles, breadcrumbs, buttons, messages) and
    ``label(record)`` for a record (its change, history and deletion pages)."""

    verbose_name = verbose_name_plural = None  # None: the model's own names

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if self.verbose_name is not None:
            self.opts = RelabelledOptions(model._meta, self.verbose_name, self.verbose_name_plural)

    def label(self, record) -> str:
        return str(record)

    def action_checkbox(self, obj):
        # (its label for screen readers names the record)
        return super().action_checkbox(Labelled(obj, self.label(obj)))

    def get_changelist(self, request, **kwargs):
        opts = self.opts

        class RelabelledChangeList(ChangeList):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.opts = opts
                if self.is_popup:
                    title = gettext("Select %s")
                elif self.model_admin.has_change_permission(request):
                    title = gettext("Select %s to change")
                else:
                    title = gettext("Select %s to view")
                self.title = title % opts.verbose_name

        return RelabelledChangeList

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["original"] = Labelled(obj, self.label(obj))
            context["subtitle"] = self.label(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(self, request, object_id, extra_context=None):
        return self._relabelled(super().history_view(request, object_id, extra_context))

    def delete_view(self, request, object_id, extra_context=None):
        return self._relabelled(super().delete_view(request, object_id, extra_context))

    def _relabelled(self, response):
        context = getattr(response, "context_data", None)
        if context and context.get("object") is not None:
            record = context["object"]
            context["object"] = Labelled(record, self.label(record))
            if "title" in context and str(record) in str(context["title"]):
                context["title"] = str(context["title"]).replace(str(record), self.label(record))
        return response

    def delete_model(self, request, obj):
        # (Django's "“…” was deleted" names the record by str(): response_delete shows ours)
        request.relabelled_deletion = (str(obj), self.label(obj))
        super().delete_model(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        english, label = getattr(request, "relabelled_deletion", (None, None))
        if obj_display == english:
            obj_display = label
        return super().response_delete(request, obj_display, obj_id)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # The records themselves (their dependants, if any, keep the libraries' names).
        own = iter(objs)
        for index, item in enumerate(deleted):
            if isinstance(item, str):
                record = next(own)
                deleted[index] = format_html(
                    '{}: <a href="{}">{}</a>',
                    capfirst(self.opts.verbose_name),
                    reverse(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                        args=[record.pk],
                    ),
                    self.label(record),
                )
        english = str(self.model._meta.verbose_name_plural)
        if english in counts:
            counts[str(self.opts.verbose_name_plural)] = counts.pop(english)
        return deleted, counts, perms_needed, protected

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (type(self).delete_selected, name, description)
        return actions

    def delete_selected(self, request, queryset):
        """Django's action; its confirmation page names the model by ``_meta``."""
        response = admin_actions.delete_selected(self, request, queryset)
        context = getattr(response, "context_data", None)
        if context:
            context["opts"] = self.opts
            context["objects_name"] = str(model_ngettext(self.opts, len(queryset)))
        return response

    # The admin's log keeps each record's name as shown at the time (the recent actions).
    def log_addition(self, request, obj, message):
        return self._named(super().log_addition(request, obj, message), [obj])

    def log_change(self, request, obj, message):
        return self._named(super().log_change(request, obj, message), [obj])

    def log_deletions(self, request, queryset):
        records = list(queryset)
        return self._named(super().log_deletions(request, records), records)

    def _named(self, entries, records):
        for entry, record in zip(
            entries if isinstance(entries, list) else [entries], records, strict=False
        ):
            label = self.label(record)[:200]
            if entry.pk is not None and entry.object_repr != label:
                LogEntry.objects.filter(pk=entry.pk).update(object_repr=label)
                entry.object_repr = label
        return entries

    def message_user(self, request, message, *args, **kwargs):
        # Django's "The {name} “{obj}” was changed successfully." names the model by ``_meta``.
        message = str(message).replace(
            str(self.model._meta.verbose_name), str(self.opts.verbose_name)
        )
        return super().message_user(request, message, *args, **kwargs)


def titled(filter_class, title):
    """A list filter of the library's under a translated title."""

    class Titled(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


def tokyo_time(value) -> str:
    return localize(localtime(value)) if value else "-"
