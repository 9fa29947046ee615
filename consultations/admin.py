"""The office's triage screens for consultations."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from harassment_portal.admin import OutboxEmailInline
from harassment_portal.references import normalize_reference

from . import services
from .admin_forms import AssignForm, CallForm, NoteForm, OptionalNoteForm, OutOfScopeForm, ReplyForm
from .models import (
    Consultation,
    ConsultationCall,
    ConsultationEvent,
    ConsultationNote,
    ConsultationReply,
    Status,
)


class DueFilter(admin.SimpleListFilter):
    title = _("reply deadline")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("today", _("Due today")),
            ("waiting", _("Waiting for an answer")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.overdue(on=today)
        if self.value() == "today":
            return queryset.due(on=today)
        if self.value() == "waiting":
            return queryset.waiting()
        return queryset


class AssignmentFilter(admin.SimpleListFilter):
    title = _("consultant")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Mine")), ("none", _("Unassigned"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "none":
            return queryset.unassigned()
        return queryset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReplyInline(ReadOnlyInline):
    model = ConsultationReply
    fields = readonly_fields = ["at", "by", "body"]


class CallInline(ReadOnlyInline):
    model = ConsultationCall
    fields = readonly_fields = ["at", "by", "reached", "summary"]


class NoteInline(ReadOnlyInline):
    model = ConsultationNote
    fields = readonly_fields = ["at", "by", "text"]


class EventInline(ReadOnlyInline):
    model = ConsultationEvent
    fields = readonly_fields = ["at", "by", "action", "from_status", "to_status", "note"]
    verbose_name_plural = _("history")


# action name -> (button label, form, statuses it is offered in)
ACTIONS = {
    "assign": (
        _("Assign"),
        AssignForm,
        {
            Status.RECEIVED,
            Status.IN_PROGRESS,
            Status.AWAITING_CALL,
            Status.ANSWERED,
            Status.OUT_OF_SCOPE,
        },
    ),
    "reply": (
        _("Write the reply"),
        ReplyForm,
        {Status.IN_PROGRESS, Status.AWAITING_CALL, Status.ANSWERED},
    ),
    "plan_call": (_("Plan a phone call"), OptionalNoteForm, {Status.IN_PROGRESS}),
    "call": (
        _("Record a phone call"),
        CallForm,
        {Status.IN_PROGRESS, Status.AWAITING_CALL, Status.ANSWERED},
    ),
    "out_of_scope": (
        _("Out of scope: refer"),
        OutOfScopeForm,
        {Status.RECEIVED, Status.IN_PROGRESS, Status.AWAITING_CALL},
    ),
    "note": (_("Add an internal note"), NoteForm, set(Status.values)),
    "close": (_("Close"), OptionalNoteForm, {Status.ANSWERED, Status.OUT_OF_SCOPE}),
}


def perform(action: str, consultation: Consultation, data: dict, *, by) -> str:
    """Call the service behind a button; return the message for the office."""
    if action == "assign":
        services.assign_consultation(consultation, to=data["consultant"], by=by)
        return _("Assigned.")
    if action == "reply":
        services.send_reply(consultation, by=by, body=data["body"])
        return _("The reply will be emailed to the person.")
    if action == "plan_call":
        services.request_call(consultation, by=by, note=data["note"])
        return _("Marked as awaiting a call.")
    if action == "call":
        services.record_call(consultation, by=by, reached=data["reached"], summary=data["summary"])
        return _("The call was recorded.")
    if action == "out_of_scope":
        services.mark_out_of_scope(consultation, by=by, referral=data["referral"])
        return _("Marked out of scope; the referral will be emailed to the person.")
    if action == "note":
        services.add_note(consultation, by=by, text=data["text"])
        return _("Note added.")
    if action == "close":
        services.close_consultation(consultation, by=by, note=data["note"])
        return _("Closed.")
    raise ValueError(action)


class ConsultationEmailInline(OutboxEmailInline):
    """The emails about this consultation, for whoever may see the consultation itself."""

    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("consultations.view_consultation")


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "received_at",
        "requester_type",
        "topic",
        "status",
        "assigned_to",
        "reply_due_on",
        "deadline",
    ]
    list_filter = ["status", DueFilter, AssignmentFilter, "requester_type", "topic"]
    list_select_related = ["assigned_to"]
    search_fields = ["=reference", "=email"]
    search_help_text = _("A reference (C-...) or an email address, exactly.")
    ordering = ["reply_due_on", "received_at"]
    date_hierarchy = "received_at"
    list_per_page = 50
    actions = ["assign_to_me"]
    inlines = [ReplyInline, CallInline, NoteInline, EventInline, ConsultationEmailInline]
    change_form_template = "admin/consultations/consultation/change_form.html"
    fieldsets = [
        (
            _("Status and deadlines"),
            {
                "fields": [
                    "reference",
                    "status",
                    "assigned_to",
                    "received_at",
                    "received_on",
                    "reply_expected_from",
                    "reply_due_on",
                    "first_response_at",
                    "closed_at",
                    "language",
                ]
            },
        ),
        (
            _("The person"),
            {
                "fields": [
                    "requester_type",
                    "eligibility_confirmed",
                    "name",
                    "email",
                    "phone",
                    "preferred_contact",
                    "call_window",
                    "organisation",
                    "industry",
                    "job_role",
                ]
            },
        ),
        (
            _("The consultation"),
            {
                "fields": [
                    "topic",
                    "conduct_type_list",
                    "channel",
                    "details",
                    "tried_so_far",
                ]
            },
        ),
        (_("Referral"), {"fields": ["referral"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [name for fieldset in self.fieldsets for name in fieldset[1]["fields"]]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        if search_term.strip().upper().startswith("C-"):
            search_term = normalize_reference(search_term)
        return super().get_search_results(request, queryset, search_term.strip())

    @admin.display(description=_("kinds of conduct"))
    def conduct_type_list(self, obj: Consultation) -> str:
        return ", ".join(obj.conduct_type_labels) or "-"

    @admin.display(description=_("deadline"), ordering="reply_due_on")
    def deadline(self, obj: Consultation) -> str:
        if obj.status not in {Status.RECEIVED, Status.IN_PROGRESS, Status.AWAITING_CALL}:
            return "-"
        today = timezone.localdate()
        if obj.reply_due_on < today:
            return format_html('<strong class="deadline-overdue">{}</strong>', _("Overdue"))
        if obj.reply_due_on == today:
            return format_html('<strong class="deadline-today">{}</strong>', _("Due today"))
        return ""

    @admin.action(description=_("Assign to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        done = 0
        for consultation in queryset:
            try:
                services.assign_consultation(consultation, to=request.user, by=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{consultation}: {error.messages[0]}", messages.ERROR)
        if done:
            self.message_user(request, _("Assigned to you: %(n)s") % {"n": done}, messages.SUCCESS)

    def get_urls(self):
        own = [
            path(
                "<int:pk>/do/<str:action>/",
                self.admin_site.admin_view(self.action_view),
                name="consultations_consultation_action",
            ),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None and self.has_change_permission(request, obj):
            extra_context["consultation_actions"] = [
                {
                    "label": label,
                    "url": reverse("admin:consultations_consultation_action", args=[obj.pk, name]),
                }
                for name, (label, _form, statuses) in ACTIONS.items()
                if obj.status in statuses
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def action_view(self, request, pk: int, action: str):
        consultation = get_object_or_404(Consultation, pk=pk)
        if action not in ACTIONS or not self.has_change_permission(request, consultation):
            raise PermissionDenied
        label, form_class, _statuses = ACTIONS[action]
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                message = perform(action, consultation, form.cleaned_data, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, message, messages.SUCCESS)
                return redirect("admin:consultations_consultation_change", consultation.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": consultation,
            "title": f"{consultation.reference}: {label}",
            "form": form,
            "action_label": label,
        }
        return TemplateResponse(request, "admin/consultations/consultation/action.html", context)
