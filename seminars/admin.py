"""The office's screens for seminar sessions and their registrants."""

from __future__ import annotations

import csv

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import AddressSearchMixin, HistoryAdmin, mask_email
from core.csv_export import csv_response, safe_cell
from core.templatetags.portal import office_range
from mail.admin import OutboxEmailInline

from . import services
from .models import Registration, RegistrationStatus, Seminar, SeminarStatus


def _count(status):
    return Count("registrations", filter=Q(registrations__status__in=status))


class WeekFilter(admin.SimpleListFilter):
    title = _("date")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("this_week", _("This week"))]

    def queryset(self, request, queryset):
        if self.value() == "this_week":
            return queryset.in_week_of(timezone.localdate())
        return queryset


@admin.register(Seminar)
class SeminarAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "title_ja",
        "starts_at",
        "application_period",
        "capacity",
        "seated",
        "waiting",
        "cancelled",
        "status_display",
    ]
    list_filter = [WeekFilter, "fiscal_year", "level", "published"]
    search_fields = ["title_ja", "title_en"]
    ordering = ["starts_at"]
    readonly_fields = ["archive_published_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["fiscal_year", "number", "level", "published"]}),
        (
            _("Date and registration"),
            {
                "fields": [
                    "starts_at",
                    "ends_at",
                    "application_opens_on",
                    "application_closes_on",
                    "capacity",
                ]
            },
        ),
        (_("Links"), {"fields": ["webinar_url", "archive_url", "archive_published_at"]}),
        (_("Japanese"), {"fields": ["title_ja", "overview_ja", "agenda_ja", "speaker_ja"]}),
        (_("English"), {"fields": ["title_en", "overview_en", "agenda_en", "speaker_en"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                seated_count=_count([RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED]),
                waiting_count=_count([RegistrationStatus.WAITING]),
                cancelled_count=_count([RegistrationStatus.CANCELLED]),
            )
        )

    @admin.display(description=_("registered"), ordering="seated_count")
    def seated(self, obj):
        return obj.seated_count

    @admin.display(description=_("waiting"), ordering="waiting_count")
    def waiting(self, obj):
        return obj.waiting_count

    @admin.display(description=_("cancelled"), ordering="cancelled_count")
    def cancelled(self, obj):
        return obj.cancelled_count

    @admin.display(description=_("application period"))
    def application_period(self, obj):
        return office_range(obj.application_opens_on, obj.application_closes_on)

    @admin.display(description=_("status"))
    def status_display(self, obj):
        return SeminarStatus(obj.status(confirmed=obj.seated_count)).label

    def save_model(self, request, obj, form, change):
        archive_changed = "archive_url" in form.changed_data and obj.archive_url
        super().save_model(request, obj, form, change)
        if archive_changed:
            told = services.publish_archive(obj, url=obj.archive_url, by=request.user)
            self.message_user(
                request,
                _("Archive published; %(n)s registrants will be told.") % {"n": told},
                messages.SUCCESS,
            )
        if change and "capacity" in form.changed_data:
            moved = services.fill_free_seats(obj)
            if moved:
                self.message_user(
                    request,
                    _("%(n)s people moved up from the waiting list.") % {"n": len(moved)},
                    messages.SUCCESS,
                )


@admin.register(Registration)
class RegistrationAdmin(AddressSearchMixin, HistoryAdmin):
    list_display = [
        "reference",
        "seminar",
        "name",
        "masked_email",
        "organisation",
        "attendee_type",
        "status",
        "registered_at",
    ]
    list_filter = ["seminar", "status", "attendee_type", "industry", "location", "registered_at"]
    list_select_related = ["seminar"]
    # The person's details are encrypted: found by reference or, exactly, by email address.
    search_fields = ["=reference"]
    search_help_text = _("A reference (S-...) or an email address, exactly.")
    sortable_by = ["reference", "seminar", "attendee_type", "status", "registered_at"]
    ordering = ["seminar__starts_at", "registered_at"]
    actions = [
        "resend_confirmation",
        "cancel_selected",
        "promote_selected",
        "mark_attended",
        "export_zoom_csv",
        "export_full_csv",
    ]
    inlines = [OutboxEmailInline]

    def get_readonly_fields(self, request, obj=None):
        # Not the token: it is the secret in the person's own link.
        hidden = {"id", "token", "token_hash", "email_index"}
        return [f.name for f in Registration._meta.fields if f.name not in hidden]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("email address"))
    def masked_email(self, obj):
        return mask_email(obj.email)

    def _each(self, request, queryset, action, done_message):
        done = 0
        for registration in queryset:
            try:
                action(registration)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{registration}: {error.messages[0]}", messages.ERROR)
        if done:
            self.message_user(request, done_message % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Send the confirmation again"), permissions=["change"])
    def resend_confirmation(self, request, queryset):
        self._each(
            request,
            queryset,
            services.resend_status_email,
            _("Confirmation sent again to %(n)s people."),
        )

    @admin.action(description=_("Cancel (the person is emailed)"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda r: services.cancel_registration(r, by=request.user),
            _("%(n)s registrations cancelled."),
        )

    @admin.action(description=_("Move up from the waiting list"), permissions=["change"])
    def promote_selected(self, request, queryset):
        self._each(
            request,
            queryset.order_by("registered_at", "pk"),
            lambda r: services.promote_registration(r, by=request.user),
            _("%(n)s people moved up."),
        )

    @admin.action(description=_("Mark as attended"), permissions=["change"])
    def mark_attended(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda r: services.mark_attended(r, by=request.user),
            _("%(n)s marked as attended."),
        )

    @admin.action(description=_("Export for Zoom's registrant import (CSV)"), permissions=["view"])
    def export_zoom_csv(self, request, queryset):
        """Zoom Webinar "Import registrants" takes Email, First Name, Last Name."""
        response = csv_response("zoom-registrants")
        writer = csv.writer(response)
        writer.writerow(["Email", "First Name", "Last Name"])
        for r in queryset.filter(status=RegistrationStatus.CONFIRMED).order_by("registered_at"):
            family, _sep, given = r.name.partition(" ")
            writer.writerow(
                [safe_cell(r.email), safe_cell(given or family), safe_cell(family if given else "")]
            )
        return response

    @admin.action(description=_("Export everything for the office (CSV)"), permissions=["view"])
    def export_full_csv(self, request, queryset):
        response = csv_response("registrations")
        fields = ["reference", "status", "registered_at", *services.SUBMITTED_FIELDS, "language"]
        writer = csv.writer(response)
        writer.writerow(["seminar", *fields])
        for r in queryset.select_related("seminar").order_by("seminar__starts_at", "pk"):
            row = [
                timezone.localtime(r.registered_at).isoformat()
                if f == "registered_at"
                else getattr(r, f)
                for f in fields
            ]
            writer.writerow([f"{r.seminar.fiscal_year}-{r.seminar.number}", *map(safe_cell, row)])
        return response
