"""The coordinators' screens: applications with their deadlines, experts, visits."""

from __future__ import annotations

import datetime as dt
import functools
from urllib.parse import quote

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from core import business_days, documents, sniffing
from core.admin import (
    AddressSearchMixin,
    HistoryAdmin,
    IndexedValuesListFilter,
    ReadOnlyTabularInline,
    ServiceAction,
    ServiceActionsMixin,
    StatusEventInline,
    service_call,
)
from core.queries import count_of
from mail.admin import OutboxEmailInline

from . import information, services
from .admin_forms import (
    ApproveForm,
    CompleteForm,
    CorporateNumberForm,
    ExpertForm,
    InformationRequestForm,
    InterviewForm,
    InterviewHeldForm,
    NoteForm,
    RejectForm,
    VisitForm,
    VisitOutcomeForm,
)
from .models import (
    ACTIVE_STATUSES,
    MAX_VISITS,
    SCREENING,
    DispatchApplication,
    DispatchDocument,
    DispatchEvent,
    DispatchVisit,
    Expert,
    Specialism,
    Status,
    Support,
    VisitStatus,
)


def _visit_kwargs(application, user):
    return {"application": application}


def _suggestions(application):
    return {"suggestions": services.rank_experts(application)}


def _best_expert(application, user):
    ranked = services.rank_experts(application)
    return {"suggested": ranked[0].expert if ranked else None}


VISITING = {Status.APPROVED, Status.SCHEDULING, Status.IN_PROGRESS}
OPEN = set(Status.values) - {Status.REJECTED, Status.COMPLETED, Status.WITHDRAWN}
ACTIONS = {
    "contact": ServiceAction(
        _("Record the contact"),
        NoteForm,
        {Status.SUBMITTED},
        service_call(
            _("Contact recorded."), lambda a, d, u: services.record_contact(a, by=u, note=d["note"])
        ),
    ),
    "interview": ServiceAction(
        _("Schedule the interview"),
        InterviewForm,
        {Status.CONTACTED, Status.INTERVIEW_SCHEDULED},
        service_call(
            _("Interview scheduled."),
            lambda a, d, u: services.schedule_interview(
                a,
                by=u,
                at=d["at"],
                note=d["note"],
                override=d["override"],
                override_reason=d["override_reason"],
            ),
        ),
    ),
    "interview_held": ServiceAction(
        _("Record the interview"),
        InterviewHeldForm,
        {Status.INTERVIEW_SCHEDULED},
        service_call(
            _("Interview recorded; the decision is due in five business days."),
            lambda a, d, u: services.record_interview(
                a, by=u, held_on=d["held_on"], note=d["note"]
            ),
        ),
    ),
    "approve": ServiceAction(
        _("Approve and assign the expert"),
        ApproveForm,
        {Status.INTERVIEW_HELD},
        service_call(
            _("Approved; the decision will be emailed."),
            lambda a, d, u: services.approve_application(
                a, by=u, expert=d["expert"], note=d["note"]
            ),
        ),
        form_kwargs=_best_expert,
        context=_suggestions,
    ),
    "information": ServiceAction(
        _("Ask for more information"),
        InformationRequestForm,
        SCREENING,
        service_call(
            _("The applicant will be emailed; the deadline is paused until they answer."),
            lambda a, d, u: information.request_information(a, by=u, what=d["what"]),
        ),
    ),
    "reject": ServiceAction(
        _("Reject"),
        RejectForm,
        {Status.SUBMITTED, Status.CONTACTED, Status.INTERVIEW_HELD, Status.INFO_REQUESTED},
        service_call(
            _("Rejected; the decision will be emailed."),
            lambda a, d, u: services.reject_application(a, by=u, reason=d["reason"]),
        ),
    ),
    "plan_visit": ServiceAction(
        _("Plan a visit"),
        VisitForm,
        VISITING,
        service_call(
            _("Visit planned; the applicant and the expert will be emailed."),
            lambda a, d, u: services.plan_visit(
                a,
                by=u,
                starts_at=d["starts_at"],
                hours=float(d["hours"]),
                place=d["place"],
                expert=d["expert"],
                change_reason=d["change_reason"],
                override=d["override"],
                override_reason=d["override_reason"],
            ),
        ),
    ),
    "visit_done": ServiceAction(
        _("Record a visit"),
        VisitOutcomeForm,
        {Status.SCHEDULING, Status.IN_PROGRESS},
        service_call(
            _("Visit recorded."),
            lambda a, d, u: services.record_visit(d["visit"], by=u, report=d["text"]),
        ),
        form_kwargs=_visit_kwargs,
    ),
    "visit_cancel": ServiceAction(
        _("Cancel a visit"),
        VisitOutcomeForm,
        {Status.SCHEDULING, Status.IN_PROGRESS},
        service_call(
            _("Visit cancelled."),
            lambda a, d, u: services.cancel_visit(d["visit"], by=u, reason=d["text"]),
        ),
        form_kwargs=_visit_kwargs,
    ),
    "complete": ServiceAction(
        _("Complete"),
        CompleteForm,
        {Status.SCHEDULING, Status.IN_PROGRESS},
        service_call(
            _("Completed."),
            lambda a, d, u: services.complete_application(
                a, by=u, completion=d["completion"], note=d["note"]
            ),
        ),
    ),
    "corporate_number": ServiceAction(
        _("Record the corporate number"),
        CorporateNumberForm,
        set(Status.values),
        service_call(
            _("Corporate number recorded."),
            lambda a, d, u: services.record_corporate_number(a, by=u, number=d["number"]),
        ),
        when=lambda application, user: not application.corporate_number,
    ),
    "withdraw": ServiceAction(
        _("Withdrawn by the applicant"),
        NoteForm,
        OPEN,
        service_call(
            _("Marked as withdrawn."),
            lambda a, d, u: services.withdraw_application(a, by=u, note=d["note"]),
        ),
    ),
}


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadlines")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("today", _("Due today")),
            ("week", _("Due this week")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.overdue(on=today)
        if self.value() == "today":
            return queryset.due_between(today, today)
        if self.value() == "week":
            return queryset.due_between(today, today + dt.timedelta(days=7))
        return queryset


def deadline_marker(application, *, today: dt.date, next_business_day) -> str:
    """What the list says of the application's current deadline: overdue, due today, due the
    next business day (``next_business_day()`` gives that day), or nothing."""
    if application.status == Status.INFO_REQUESTED:
        return _("Paused: waiting for the applicant")
    due = {
        Status.SUBMITTED: application.contact_due_on,
        Status.INTERVIEW_HELD: application.decision_due_on,
    }.get(application.status)
    if due is None:
        return ""
    if due < today:
        return format_html('<strong class="deadline-overdue">{}</strong>', _("Overdue"))
    if due == today:
        return format_html('<strong class="deadline-today">{}</strong>', _("Due today"))
    if due == next_business_day():
        return _("Due next business day")
    return ""


class VisitInline(ReadOnlyTabularInline):
    model = DispatchVisit
    fields = readonly_fields = [
        "starts_at",
        "ends_at",
        "place",
        "expert",
        "status",
        "expert_change_reason",
        "report",
    ]


class EventInline(StatusEventInline):
    model = DispatchEvent
    statuses = Status


class DocumentInline(ReadOnlyTabularInline):
    """The applicant's documents, each with its download link (for those who may download)."""

    model = DispatchDocument
    fields = readonly_fields = ["uploaded_at", "kind", "download", "content_type", "size"]

    @admin.display(description=_("file"))
    def download(self, obj: DispatchDocument) -> str:
        url = reverse("admin:dispatch_dispatchdocument_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("dispatch.view_dispatchdocument")


@admin.register(DispatchApplication)
class DispatchApplicationAdmin(AddressSearchMixin, ServiceActionsMixin, HistoryAdmin):
    list_display = [
        "reference",
        "organisation_name",
        "status",
        "contact_due_on",
        "decision_due_on",
        "deadline",
        "expert",
        "visits_used",
    ]
    # (the years through dispatch_corporate_idx, not a scan of every application)
    list_filter = ["status", DeadlineFilter, "expert", ("fiscal_year", IndexedValuesListFilter)]
    list_select_related = ["expert"]
    address_index_field = "contact_email_index"
    search_fields = ["=reference", "=corporate_number", "organisation_name"]
    search_help_text = _(
        "A reference (D-...), a corporate number, an organisation, or a contact's email address."
    )
    ordering = ["-submitted_at"]
    change_form_template = "admin/service_change_form.html"
    # The steps' pages with the admin's calendar and clock for their dates.
    action_template = "admin/dispatch/service_action.html"
    service_actions = ACTIONS
    inlines = [VisitInline, DocumentInline, EventInline, OutboxEmailInline]

    def get_urls(self):
        download = path(
            "document/<int:pk>/",
            self.admin_site.admin_view(self.download_document),
            name="dispatch_dispatchdocument_download",
        )
        return [download, *super().get_urls()]

    def download_document(self, request, pk: int):
        """One document, decrypted, to a coordinator: as an attachment (never shown in the
        browser's page), with its checked type, not sniffed again, and not cached."""
        if not request.user.has_perm("dispatch.download_dispatchdocument"):
            raise PermissionDenied
        document = (
            DispatchDocument.objects.filter(pk=pk, application__anonymised_at__isnull=True)
            .select_related("application")
            .first()
        )
        if document is None or self.get_object(request, str(document.application_id)) is None:
            raise Http404
        response = HttpResponse(
            documents.read(document.stored_name), content_type=document.content_type
        )
        response.headers["Content-Disposition"] = content_disposition(document)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "private, no-store"
        return response

    def get_queryset(self, request):
        # A subquery, not a join and GROUP BY: the page's 100 rows are counted, not all
        # applications before the sort (124 ms of a 300 ms changelist at 20,000 applications).
        visits = DispatchVisit.objects.filter(application=OuterRef("pk")).exclude(
            status=VisitStatus.CANCELLED
        )
        return super().get_queryset(request).annotate(visit_count=count_of(visits))

    exclude = ["support_wanted"]  # shown in words (support_wanted_labels), never edited

    def get_readonly_fields(self, request, obj=None):
        # Not the token: it is the secret in the applicant's status link.
        hidden = {"id", "token", "token_hash", "contact_email_index", "submission_key"}
        shown_as = {"support_wanted": "support_wanted_labels"}  # in words, not as JSON
        return [
            shown_as.get(f.name, f.name)
            for f in DispatchApplication._meta.fields
            if f.name not in hidden
        ]

    @admin.display(description=_("support wanted"))
    def support_wanted_labels(self, obj: DispatchApplication) -> str:
        labels = dict(Support.choices)
        separator = pgettext("list separator", ", ")
        return separator.join(str(labels.get(code, code)) for code in obj.support_wanted) or "—"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # Not named "visits": the changelist would sort that column by the reverse relation of
    # that name (a join, one row per visit) instead of by ``visit_count``.
    @admin.display(description=_("visits"), ordering="visit_count")
    def visits_used(self, obj):
        return f"{obj.visit_count} / {MAX_VISITS}"

    @admin.display(description=_("deadline"))
    def deadline(self, obj):
        today = timezone.localdate()
        return deadline_marker(
            obj, today=today, next_business_day=lambda: business_days.next_business_day(today)
        )

    def get_list_display(self, request):
        """The deadline column reads the office calendar (a cache read) once a page, not once
        a row."""
        today = timezone.localdate()
        next_business_day = functools.cache(lambda: business_days.next_business_day(today))

        @admin.display(description=_("deadline"))
        def deadline(obj):
            return deadline_marker(obj, today=today, next_business_day=next_business_day)

        return [
            deadline if name == "deadline" else name for name in super().get_list_display(request)
        ]


def content_disposition(document: DispatchDocument) -> str:
    """``attachment`` with the uploaded name (RFC 6266: an ASCII fallback and the UTF-8 name),
    its ending the one its checked content has."""
    name = document.original_name
    kind = sniffing.kind_of_name(name)
    if kind is None or kind.content_type != document.content_type:
        name = f"{name}.bin"
    ascii_name = "".join(c if (c.isascii() and c.isalnum()) or c in "._-" else "_" for c in name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


@admin.register(DispatchVisit)
class DispatchVisitAdmin(HistoryAdmin):
    """Visits are planned and recorded from their application; here to read their history."""

    list_display = ["application", "starts_at", "expert", "status"]
    list_filter = ["status", "expert"]
    list_select_related = ["application", "expert"]
    search_fields = ["=application__reference"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in DispatchVisit._meta.fields if f.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Expert)
class ExpertAdmin(AddressSearchMixin, HistoryAdmin):
    form = ExpertForm
    list_display = ["name", "specialism_list", "active", "load"]
    list_filter = ["active"]
    search_fields = ["name"]
    search_help_text = _("A name, or an email address exactly.")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                current=Count("applications", filter=Q(applications__status__in=ACTIVE_STATUSES))
            )
        )

    @admin.display(description=_("specialisms"))
    def specialism_list(self, obj):
        labels = dict(Specialism.choices)
        return pgettext("list separator", ", ").join(str(labels.get(s, s)) for s in obj.specialisms)

    @admin.display(description=_("current load"), ordering="current")
    def load(self, obj):
        return obj.current
