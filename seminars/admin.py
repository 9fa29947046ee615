"""The office's screens for seminar sessions and their registrants."""

from __future__ import annotations

import csv

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.admin import AddressSearchMixin, HistoryAdmin, mask_email
from core.csv_export import csv_response, safe_cell
from core.templatetags.portal import office_datetime, office_range
from mail.admin import OutboxEmailInline

from . import attendance, services, zoom_report, zoom_sync
from .admin_forms import (
    AttendanceReportForm,
    CancelSessionForm,
    OfficeMessageForm,
    SeminarAdminForm,
)
from .models import SEAT_STATUSES, Registration, RegistrationStatus, Seminar, SeminarStatus

REPORT_ERRORS = {
    "too_large": _("The file is larger than 5 MB. Export the report of this webinar only."),
    "encoding": _("The file is not a CSV text file. Export the attendee report as CSV from Zoom."),
    "no_header": _(
        "This is not a Zoom attendee report: it has no Email column. Export the attendee report "
        "as CSV from Zoom's web portal (Reports, Webinar, Attendee report)."
    ),
    "no_rows": _("The report lists nobody. Check that it is the report of this webinar."),
}


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
    form = SeminarAdminForm
    change_form_template = "seminars/admin/seminar_change_form.html"
    readonly_fields = ["archive_published_at", "cancelled_at", "cancellation_reason"]
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
                    "offer_hours",
                ]
            },
        ),
        (
            _("Links"),
            {"fields": ["zoom_webinar_id", "webinar_url", "archive_url", "archive_published_at"]},
        ),
        (_("Japanese"), {"fields": ["title_ja", "overview_ja", "agenda_ja", "speaker_ja"]}),
        (_("English"), {"fields": ["title_en", "overview_en", "agenda_en", "speaker_en"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.cancelled_at:
            cancelled = (_("Cancellation"), {"fields": ["cancelled_at", "cancellation_reason"]})
            return [cancelled, *fieldsets]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.cancelled_at:  # a cancelled session is kept as it was
            return [f.name for f in Seminar._meta.fields if f.editable and f.name != "id"]
        return super().get_readonly_fields(request, obj)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                seated_count=_count(SEAT_STATUSES),  # (a seat offered is held)
                waiting_count=_count([RegistrationStatus.WAITING]),
                cancelled_count=_count([RegistrationStatus.CANCELLED]),
            )
        )

    # (a count of seats taken; "registered" alone is the time a person registered)
    @admin.display(description=pgettext_lazy("seats", "registered"), ordering="seated_count")
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
        if not change:  # a new session: nobody to tell yet
            super().save_model(request, obj, form, change)
            if obj.archive_url:
                services.publish_archive(obj, url=obj.archive_url, by=request.user)
            return
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        done = services.update_seminar(obj, changes=changes, by=request.user)
        obj.refresh_from_db()
        told = {"n": done.told_of_change}
        if done.told_of_change:
            self.message_user(
                request, _("%(n)s registrants will be told of the change.") % told, messages.SUCCESS
            )
        if done.moved_up:
            self.message_user(
                request,
                _("%(n)s people moved up from the waiting list.") % {"n": done.moved_up},
                messages.SUCCESS,
            )
        if changes.get("archive_url"):
            self.message_user(
                request,
                _("Archive published; %(n)s registrants will be told.")
                % {"n": done.told_of_archive},
                messages.SUCCESS,
            )

    # The session's own steps: cancel it, write to its registrants.

    def get_urls(self):
        opts = self.model._meta
        own = [
            path(
                "<int:pk>/cancel-session/",
                self.admin_site.admin_view(self.cancel_session_view),
                name=f"{opts.app_label}_{opts.model_name}_cancel",
            ),
            path(
                "<int:pk>/attendance/",
                self.admin_site.admin_view(self.attendance_view),
                name=f"{opts.app_label}_{opts.model_name}_attendance",
            ),
            path(
                "<int:pk>/message/",
                self.admin_site.admin_view(self.office_message_view),
                name=f"{opts.app_label}_{opts.model_name}_message",
            ),
        ]
        return own + super().get_urls()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not obj.cancelled_at and self.has_change_permission(request, obj):
            message = (
                reverse("admin:seminars_seminar_message", args=[obj.pk]),
                _("Write to people"),
            )
            if obj.has_ended():  # attendance now; a session that has started is not cancelled
                later = (
                    reverse("admin:seminars_seminar_attendance", args=[obj.pk]),
                    _("Attendance from Zoom"),
                )
            else:
                later = (
                    reverse("admin:seminars_seminar_cancel", args=[obj.pk]),
                    _("Cancel this session"),
                )
            context["session_steps"] = [message, later]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _session_for_step(self, request, pk: int) -> Seminar:
        obj = self.get_object(request, str(pk))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _step_context(self, request, obj, title) -> dict:
        """What every step page of a session shows: the admin's frame, the session, the step."""
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": _("%(record)s: %(step)s") % {"record": obj, "step": title},
            "step_title": title,
        }

    def _step_page(self, request, obj, form, *, title, intro, button):
        context = {
            **self._step_context(request, obj, title),
            "form": form,
            "intro": intro,
            "button": button,
            "seated": obj.registrations.seated().count(),  # (a seat offered is held)
            "waiting": obj.registrations.waiting().count(),
        }
        return TemplateResponse(request, "seminars/admin/session_step.html", context)

    def cancel_session_view(self, request, pk: int):
        obj = self._session_for_step(request, pk)
        if obj.cancelled_at:
            self.message_user(request, _("This session is already cancelled."), messages.WARNING)
            return redirect("admin:seminars_seminar_change", obj.pk)
        form = CancelSessionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                told = services.cancel_seminar(
                    obj, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("The session is cancelled; %(n)s people will be told.") % {"n": told},
                    messages.SUCCESS,
                )
                return redirect("admin:seminars_seminar_change", obj.pk)
        return self._step_page(
            request,
            obj,
            form,
            title=_("Cancel this session"),
            intro=_(
                "Every registration and every place on the waiting list is cancelled, and each "
                "person is emailed once (those with a seat with a calendar file that removes "
                "the session from their calendar). Registration closes for good. This cannot "
                "be undone."
            ),
            button=_("Cancel the session and tell everyone"),
        )

    def attendance_view(self, request, pk: int):
        """Upload Zoom's attendee report, see what it would mark, then confirm."""
        obj = self._session_for_step(request, pk)
        if not obj.has_ended():
            self.message_user(
                request,
                _("Attendance can be marked only once the session has ended."),
                messages.ERROR,
            )
            return redirect("admin:seminars_seminar_change", obj.pk)
        if request.method == "POST" and "apply" in request.POST:
            ids = [int(i) for i in request.POST.getlist("registration") if i.isdigit()]
            try:
                marked = attendance.apply(obj, ids, by=request.user)
            except ValidationError as error:
                self.message_user(request, error.messages[0], messages.ERROR)
            else:
                self.message_user(
                    request, _("%(n)s marked as attended.") % {"n": marked}, messages.SUCCESS
                )
            return redirect("admin:seminars_seminar_change", obj.pk)
        form = AttendanceReportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                upload = form.cleaned_data["report"]
                found = zoom_report.read(upload.read(zoom_report.MAX_BYTES + 1))
            except zoom_report.ReportUnreadable as error:
                form.add_error("report", REPORT_ERRORS.get(str(error), REPORT_ERRORS["no_header"]))
            else:
                context = {
                    **self._step_context(request, obj, _("Attendance from Zoom")),
                    "preview": attendance.preview(obj, found),
                }
                return TemplateResponse(request, "seminars/admin/attendance_preview.html", context)
        return self._step_page(
            request,
            obj,
            form,
            title=_("Attendance from Zoom"),
            intro=_(
                "Those the report shows as attended are marked as attended; you see the list "
                "first. Hosts and panelists are left out."
            ),
            button=_("Read the report"),
        )

    def office_message_view(self, request, pk: int):
        obj = self._session_for_step(request, pk)
        form = OfficeMessageForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                sent = services.send_office_message(
                    obj,
                    audience=form.cleaned_data["audience"],
                    body=form.cleaned_data["body"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("The message will be sent to %(n)s people.") % {"n": sent},
                    messages.SUCCESS if sent else messages.WARNING,
                )
                return redirect("admin:seminars_seminar_change", obj.pk)
        return self._step_page(
            request,
            obj,
            form,
            title=_("Write to people"),
            intro=_(
                "Each person gets the message once, through the outbox, with their reference "
                "and the session's details."
            ),
            button=_("Send the message"),
        )


@admin.register(Registration)
class RegistrationAdmin(AddressSearchMixin, HistoryAdmin):
    # Status and the offer's deadline next to the name: at 1280 px with the menu open they
    # are seen without scrolling the table sideways.
    list_display = [
        "reference",
        "seminar",
        "name",
        "status",
        "offer_deadline",
        "masked_email",
        "organisation",
        "attendee_type",
        "registered_at",
    ]
    list_filter = [
        "seminar",
        "status",
        "attendee_type",
        "industry",
        "location",
        "registered_at",
        "zoom_state",
    ]
    list_select_related = ["seminar"]
    # The person's details are encrypted: found by reference or, exactly, by email address.
    search_fields = ["=reference"]
    search_help_text = _("A reference (S-...) or an email address, exactly.")
    sortable_by = [
        "reference",
        "seminar",
        "attendee_type",
        "status",
        "offer_deadline",
        "registered_at",
    ]
    # Newest first, from an index (registration_newest_idx): the session's start first read and
    # sorted every registration (32 ms at 20,000). One session's list is in the order its
    # people registered, the waiting list's (``get_ordering``).
    ordering = ["-registered_at", "-pk"]
    # The address is shown masked (``masked_email``); the other encrypted details are not read.
    list_decrypted = ("email",)
    actions = [
        "resend_confirmation",
        "cancel_selected",
        "promote_selected",
        "mark_attended",
        "add_to_zoom_again",
        "export_zoom_csv",
        "export_full_csv",
    ]
    inlines = [OutboxEmailInline]

    def get_ordering(self, request):
        if request.GET.get("seminar__id__exact"):
            return ["registered_at", "pk"]
        return super().get_ordering(request)

    def get_readonly_fields(self, request, obj=None):
        # Not the token (the secret in the person's own link), nor their own Zoom join link.
        hidden = {"id", "token", "token_hash", "email_index", "zoom_join_url"}
        return [f.name for f in Registration._meta.fields if f.name not in hidden]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("offer open until"), ordering="offer_expires_at")
    def offer_deadline(self, obj):
        """The deadline of a seat offered (seminars/offers.py), shown while it is open."""
        if obj.status != RegistrationStatus.OFFERED:
            return ""
        return office_datetime(obj.offer_expires_at)

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

    @admin.action(description=_("Add to the Zoom webinar again"), permissions=["change"])
    def add_to_zoom_again(self, request, queryset):
        """For those Zoom refused (a webinar ID corrected since, say)."""
        self._each(
            request,
            queryset.filter(status=RegistrationStatus.CONFIRMED),
            zoom_sync.retry,
            _("%(n)s people will be added to the webinar again."),
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
