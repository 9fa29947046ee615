"""The office's triage screens for consultations."""

from __future__ import annotations

import uuid

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.admin import (
    HistoryAdmin,
    LargeListAdmin,
    ReadOnlyTabularInline,
    ServiceAction,
    ServiceActionsMixin,
    StatusEventInline,
    search_by_address,
    service_call,
)
from core.references import normalize_reference
from core.templatetags.portal import office_short_date, office_short_datetime
from mail.admin import OutboxEmailInline

from . import access, conversation, emails, services
from .admin_forms import (
    AssignForm,
    CallForm,
    CorrectContactForm,
    DecideReplyForm,
    DuplicateForm,
    IntakeForm,
    NoteForm,
    OptionalNoteForm,
    OutOfScopeForm,
    ReasonForm,
    ReplyForm,
)
from .models import (
    DISCARDED,
    WAITING_STATUSES,
    Consultation,
    ConsultationCall,
    ConsultationEvent,
    ConsultationMessage,
    ConsultationNote,
    ConsultationOpening,
    ConsultationReply,
    ReplyState,
    ReplyTemplate,
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
            ("approval", _("Reply waiting for approval")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.overdue(on=today)
        if self.value() == "today":
            return queryset.due(on=today)
        if self.value() == "waiting":
            return queryset.waiting()
        if self.value() == "approval":
            return queryset.filter(
                pk__in=ConsultationReply.objects.pending().values("consultation")
            )
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


class ReplyInline(ReadOnlyTabularInline):
    model = ConsultationReply
    fields = readonly_fields = ["at", "by", "body"]


class MessageInline(ReadOnlyTabularInline):
    """What the person wrote on their case page after sending the consultation."""

    model = ConsultationMessage
    fields = readonly_fields = ["at", "body"]


class CallInline(ReadOnlyTabularInline):
    model = ConsultationCall
    fields = readonly_fields = ["at", "by", "reached", "summary"]


class NoteInline(ReadOnlyTabularInline):
    model = ConsultationNote
    fields = readonly_fields = ["at", "by", "text"]


class EventInline(StatusEventInline):
    model = ConsultationEvent
    statuses = Status


ACTIONS = {
    "assign": ServiceAction(
        _("Assign"),
        AssignForm,
        set(Status.values) - {Status.CLOSED},
        service_call(
            _("Assigned."),
            lambda c, d, u: services.assign_consultation(c, to=d["consultant"], by=u),
        ),
        form_kwargs=lambda c, user: {"user": user},
    ),
    # The button and its statuses; the page itself is ConsultationAdmin.reply_view (the
    # workspace), which calls services.send_reply.
    "reply": ServiceAction(
        _("Write the reply"),
        ReplyForm,
        {Status.IN_PROGRESS, Status.AWAITING_CALL, Status.ANSWERED},
        perform=None,
    ),
    "decide_reply": ServiceAction(
        _("Approve or send back the reply"),
        DecideReplyForm,
        {Status.IN_PROGRESS, Status.AWAITING_CALL, Status.ANSWERED},
        service_call(
            _("Done: the reply was approved and will be emailed, or sent back."),
            lambda c, d, u: services.decide_reply(c, by=u, approve=d["decision"], note=d["note"]),
        ),
        context=lambda c: {"draft": services.pending_reply(c)},
        when=lambda c, user: (
            user.has_perm(services.APPROVE_REPLY) and services.pending_reply(c) is not None
        ),
    ),
    "plan_call": ServiceAction(
        _("Plan a phone call"),
        OptionalNoteForm,
        {Status.IN_PROGRESS},
        service_call(
            _("Marked as awaiting a call."),
            lambda c, d, u: services.request_call(c, by=u, note=d["note"]),
        ),
    ),
    "call": ServiceAction(
        _("Record a phone call"),
        CallForm,
        {Status.IN_PROGRESS, Status.AWAITING_CALL, Status.ANSWERED},
        service_call(
            _("The call was recorded."),
            lambda c, d, u: services.record_call(
                c, by=u, reached=d["reached"], summary=d["summary"]
            ),
        ),
    ),
    "out_of_scope": ServiceAction(
        _("Out of scope: refer"),
        OutOfScopeForm,
        WAITING_STATUSES,
        service_call(
            _("Marked out of scope; the referral will be emailed to the person."),
            lambda c, d, u: services.mark_out_of_scope(c, by=u, referral=d["referral"]),
        ),
    ),
    "note": ServiceAction(
        _("Add an internal note"),
        NoteForm,
        set(Status.values),
        service_call(_("Note added."), lambda c, d, u: services.add_note(c, by=u, text=d["text"])),
    ),
    "correct": ServiceAction(
        _("Correct the contact details"),
        CorrectContactForm,
        set(Status.values) - DISCARDED,
        service_call(
            _("The contact details were corrected."),
            lambda c, d, u: services.correct_contact(
                c, by=u, email=d["email"], phone=d["phone"], reason=d["reason"]
            ),
        ),
        form_kwargs=lambda c, user: {"consultation": c},
    ),
    "spam": ServiceAction(
        _("Mark as spam"),
        ReasonForm,
        WAITING_STATUSES,
        service_call(
            _("Marked as spam: left out of the figures; its data goes at the next clean-up."),
            lambda c, d, u: services.mark_spam(c, by=u, reason=d["reason"]),
        ),
    ),
    "duplicate": ServiceAction(
        _("Mark as a duplicate"),
        DuplicateForm,
        WAITING_STATUSES,
        service_call(
            _("Marked as a duplicate: left out of the figures."),
            lambda c, d, u: services.mark_duplicate(c, of=d["original"], by=u),
        ),
        form_kwargs=lambda c, user: {"consultation": c, "user": user},
    ),
    "close": ServiceAction(
        # (a context of its own: Django's read-only pages have a "Close" button, 閉じる)
        pgettext_lazy("consultation step", "Close"),
        OptionalNoteForm,
        {Status.ANSWERED, Status.OUT_OF_SCOPE},
        service_call(
            _("Closed."), lambda c, d, u: services.close_consultation(c, by=u, note=d["note"])
        ),
    ),
}


def _uuid_or_new(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        return uuid.uuid4()


@admin.register(Consultation)
class ConsultationAdmin(ServiceActionsMixin, HistoryAdmin):
    # What a triage morning needs, without scrolling at 1280 px with the menu open.
    list_display = ["reference", "received", "status", "assigned_to", "reply_due", "topic"]
    # "received_at" as a filter (today, past 7 days ...): no query, unlike a date hierarchy,
    # which scans the whole table for its dates.
    list_filter = [
        "status",
        DueFilter,
        AssignmentFilter,
        "intake",
        "requester_type",
        "topic",
        "received_at",
    ]
    list_select_related = ["assigned_to"]
    search_fields = ["=reference"]
    search_help_text = _("A reference (C-...) or an email address, exactly.")
    ordering = ["reply_due_on", "received_at"]
    list_per_page = 50
    actions = ["assign_to_me"]
    inlines = [
        MessageInline,
        ReplyInline,
        CallInline,
        NoteInline,
        EventInline,
        OutboxEmailInline,
    ]
    change_form_template = "admin/service_change_form.html"
    service_actions = ACTIONS
    fieldsets = [
        (
            _("Status and deadlines"),
            {
                "fields": [
                    "reference",
                    "status",
                    "assigned_to",
                    "intake",
                    "recorded_by",
                    "call_minutes",
                    "received_at",
                    "received_on",
                    "reply_expected_from",
                    "reply_due_on",
                    "first_response_at",
                    "closed_at",
                    "anonymised_at",
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
        (_("Referral"), {"fields": ["referral", "follow_up_of", "duplicate_of"]}),
    ]

    def get_queryset(self, request):
        return access.readable(super().get_queryset(request), request.user)

    def get_fieldsets(self, request, obj=None):
        if not request.user.has_perm("consultations.view_consultationopening"):
            return self.fieldsets
        return [*self.fieldsets, (_("Need to know"), {"fields": ["opened"]})]

    def get_readonly_fields(self, request, obj=None):
        return [
            name for fieldset in self.get_fieldsets(request, obj) for name in fieldset[1]["fields"]
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and request.method == "GET":
            services.record_opening(obj, by=request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("opened by staff"))
    def opened(self, obj: Consultation) -> str:
        url = reverse("admin:consultations_consultationopening_changelist")
        count = obj.openings.count()
        return format_html(
            '<a href="{}?consultation__id__exact={}">{}</a>',
            url,
            obj.pk,
            ngettext("Opened %(n)s time: who and when", "Opened %(n)s times: who and when", count)
            % {"n": count},
        )

    def has_add_permission(self, request):
        # "Add" is the staff intake below, through the service, not the model form.
        return request.user.has_perm("consultations.add_consultation")

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = IntakeForm(
            request.POST or None,
            initial={
                "received_at": timezone.localtime().replace(second=0, microsecond=0),
                "language": get_language() or "ja",
            },
        )
        # One key per page shown: a second click or a reload finds the first record.
        key = _uuid_or_new(request.POST.get("submission_key", ""))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                consultation, _created = services.record_intake(
                    data,
                    intake=data["intake"],
                    received_at=data["received_at"],
                    minutes=data["call_minutes"],
                    language=data["language"],
                    by=request.user,
                    submission_key=key,
                    send_confirmation=data["send_confirmation"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("Recorded as %(reference)s.") % {"reference": consultation.reference},
                    messages.SUCCESS,
                )
                return redirect("admin:consultations_consultation_change", consultation.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "submission_key": key,
            "title": _("Record a consultation by phone, in person, by letter or by email"),
        }
        return TemplateResponse(request, "admin/consultations/intake.html", context)

    def get_urls(self):
        own = [
            path(
                "next-due/",
                self.admin_site.admin_view(self.next_due_view),
                name="consultations_consultation_next_due",
            )
        ]
        return own + super().get_urls()

    def next_due_view(self, request):
        """The waiting consultation with the earliest reply deadline that this user may read
        (after ``after``, the one on screen), or the list when there is none."""
        waiting = self.get_queryset(request).waiting().order_by("reply_due_on", "received_at")
        after = request.GET.get("after", "")
        if after.isdigit():
            waiting = waiting.exclude(pk=int(after))
        found = waiting.values_list("pk", flat=True).first()
        if found is None:
            self.message_user(request, _("No other consultation is waiting."), messages.INFO)
            return redirect("admin:consultations_consultation_changelist")
        return redirect("admin:consultations_consultation_change", found)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "next_due_url": reverse("admin:consultations_consultation_next_due")
            + f"?after={object_id}",
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def action_view(self, request, pk: int, action: str):
        if action == "reply":
            return self.reply_view(request, pk)
        return super().action_view(request, pk, action)

    def reply_view(self, request, pk: int):
        """The triage workspace: the person's account and the conversation beside the reply
        box, the desk's templates, and a preview of the email as it will be sent."""
        consultation = self.get_object(request, str(pk))
        if consultation is None:
            raise Http404
        if not self.has_change_permission(request, consultation):
            raise PermissionDenied
        change = reverse("admin:consultations_consultation_change", args=[consultation.pk])
        if consultation.status not in ACTIONS["reply"].statuses:
            self.message_user(
                request, _("This step is not available in the current status."), messages.WARNING
            )
            return redirect(change)
        templates = ReplyTemplate.objects.filter(active=True, language=consultation.language)
        returned = consultation.replies.filter(state=ReplyState.RETURNED).order_by("-pk").first()
        initial = {}
        chosen = request.GET.get("template", "")
        if chosen.isdigit() and (template := templates.filter(pk=int(chosen)).first()):
            initial["body"] = template.fill(consultation)
        elif returned:
            initial["body"] = returned.body
        form = ReplyForm(request.POST or None, initial=initial)
        preview = None
        if request.method == "POST" and form.is_valid():
            body = form.cleaned_data["body"]
            if "preview" in request.POST:
                preview = emails.preview_reply(consultation, body)
            else:
                try:
                    reply = services.send_reply(consultation, by=request.user, body=body)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    if reply.state == ReplyState.PENDING:
                        text = _("The reply waits for a desk lead's approval; nothing is sent yet.")
                    else:
                        text = _("The reply will be emailed to the person.")
                    self.message_user(request, text, messages.SUCCESS)
                    return redirect(change)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": consultation,
            "title": f"{consultation}: {ACTIONS['reply'].label}",
            "form": form,
            "entries": conversation.conversation(consultation),
            "notes": consultation.notes.select_related("by"),
            "templates": templates,
            "preview": preview,
            "returned": returned if returned and not services.pending_reply(consultation) else None,
            "second_look": services.needs_second_look(request.user),
            "change_url": change,
        }
        return TemplateResponse(request, "admin/consultations/reply.html", context)

    def get_search_results(self, request, queryset, search_term):
        if "@" in search_term:
            return search_by_address(queryset, "email_index", search_term), False
        if search_term.strip().upper().startswith("C-"):
            search_term = normalize_reference(search_term)
        return super().get_search_results(request, queryset, search_term.strip())

    @admin.display(description=_("kinds of conduct"))
    def conduct_type_list(self, obj: Consultation) -> str:
        return pgettext("list separator", ", ").join(obj.conduct_type_labels) or "-"

    @admin.display(description=_("received"), ordering="received_at")
    def received(self, obj: Consultation) -> str:
        return office_short_datetime(obj.received_at)

    @admin.display(description=_("reply due"), ordering="reply_due_on")
    def reply_due(self, obj: Consultation) -> str:
        """The date, and whether it has passed or is today while the person still waits."""
        day = office_short_date(obj.reply_due_on)
        if obj.status not in WAITING_STATUSES:
            return day
        today = timezone.localdate()
        if obj.reply_due_on < today:
            marker = format_html('<strong class="deadline-overdue">{}</strong>', _("Overdue"))
        elif obj.reply_due_on == today:
            marker = format_html('<strong class="deadline-today">{}</strong>', _("Due today"))
        else:
            return day
        return format_html("{} {}", day, marker)

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


@admin.register(ConsultationOpening)
class ConsultationOpeningAdmin(LargeListAdmin, admin.ModelAdmin):
    """Who opened which consultation, and when: read-only, for the supervisors."""

    list_display = ["at", "by", "consultation_link"]
    list_filter = ["by", "at"]
    list_select_related = ["by", "consultation"]
    search_fields = ["=consultation__reference"]
    search_help_text = _("A reference (C-...), exactly.")
    list_per_page = 100

    def get_search_results(self, request, queryset, search_term):
        if search_term.strip().upper().startswith("C-"):
            search_term = normalize_reference(search_term)
        return super().get_search_results(request, queryset, search_term.strip())

    @admin.display(description=_("consultation"), ordering="consultation__reference")
    def consultation_link(self, obj: ConsultationOpening) -> str:
        url = reverse("admin:consultations_consultation_change", args=[obj.consultation_id])
        return format_html('<a href="{}">{}</a>', url, obj.consultation)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    """The desk's approved wording, in Japanese and English, kept by the desk leads."""

    list_display = ["title", "language", "active", "updated_at"]
    list_filter = ["language", "active"]
    search_fields = ["title"]
