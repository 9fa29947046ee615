"""The outbox in the back office: each record's emails, and the outbox list for retries."""

import json

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin import IndexedValuesListFilter, LargeListAdmin, mask_email, search_by_address
from core.redaction import redact

from . import outbox
from .models import OutboxEmail


def hidden() -> str:
    """What a staff screen shows in place of a personal link's secret."""
    return gettext("[hidden]")


def outbox_visible_to(user, queryset=None):
    """Superusers see every email; other staff only emails about records they may see."""
    queryset = OutboxEmail.objects.all() if queryset is None else queryset
    if user.is_superuser:
        return queryset
    # From the user's permissions and the (cached) content types: no scan of the outbox.
    viewable = [
        model
        for model in apps.get_models()
        if user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    ]
    visible = [
        content_type.pk for content_type in ContentType.objects.get_for_models(*viewable).values()
    ]
    return queryset.filter(content_type__in=visible)


class DeliveryFilter(admin.SimpleListFilter):
    """Pending emails that failed at least once (``status`` lists those given up)."""

    title = _("delivery")
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [("retrying", _("Failed, being retried"))]

    def queryset(self, request, queryset):
        if self.value() == "retrying":
            return queryset.pending().filter(attempts__gt=0)
        return queryset


@admin.register(OutboxEmail)
class OutboxEmailAdmin(LargeListAdmin, admin.ModelAdmin):
    list_display = [
        "id",
        "created_at",
        "template",
        "recipient",
        "language",
        "status",
        "attempts",
        "sent_at",
    ]
    # (the templates through outbox_template_idx, not a scan of the whole outbox)
    list_filter = [
        "status",
        DeliveryFilter,
        ("template", IndexedValuesListFilter),
        "created_at",
    ]
    search_fields = ["=id", "=message_id"]
    search_help_text = _("An email address, an outbox number or a Message-ID, exactly.")
    list_decrypted = ("to_email",)  # shown masked (``recipient``); not the bodies
    ordering = ["-created_at"]
    actions = ["retry_selected", "resend_selected"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields if f.editable] + ["about_record"]
    exclude = ["body_html", "attachments"]

    @admin.display(description=_("about"))
    def about_record(self, obj: OutboxEmail) -> str:
        return str(obj.about) if obj.about is not None else "—"

    @admin.display(description=_("recipient"))
    def recipient(self, obj: OutboxEmail) -> str:
        return mask_email(obj.to_email)

    def get_search_results(self, request, queryset, search_term):
        if "@" in search_term:
            return search_by_address(queryset, "to_email_index", search_term), False
        return super().get_search_results(request, queryset, search_term)

    def get_queryset(self, request):
        return outbox_visible_to(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def may_see_personal_links(self, request) -> bool:
        return request.user.has_perm("mail.see_personal_links")

    # What an email holds that may carry a personal link, and how it is shown without them.
    WITHOUT_LINKS = {
        "body_text": "body_text_without_links",
        "body_html": "body_html_without_links",
        "attachments": "attachments_without_links",
    }

    def get_exclude(self, request, obj=None):
        exclude = [*super().get_exclude(request, obj)]
        if self.may_see_personal_links(request):
            return exclude
        return [*exclude, *self.WITHOUT_LINKS]

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj)]
        if self.may_see_personal_links(request):
            return fields
        return [self.WITHOUT_LINKS.get(name, name) for name in fields]

    # Each personal link's secret shown as ``[redacted]``: following it would act as the
    # person (a supervisor could cancel a registration).
    @admin.display(description=_("text body"))
    def body_text_without_links(self, obj: OutboxEmail) -> str:
        return redact(obj.body_text, placeholder=hidden())

    @admin.display(description=_("HTML body"))
    def body_html_without_links(self, obj: OutboxEmail) -> str:
        return redact(obj.body_html, placeholder=hidden())

    @admin.display(description=_("attachments"))
    def attachments_without_links(self, obj: OutboxEmail) -> str:
        return redact(json.dumps(obj.attachments, ensure_ascii=False), placeholder=hidden())

    def has_resend_permission(self, request) -> bool:
        return request.user.has_perm("mail.resend_outboxemail")

    @admin.action(description=_("Retry now (unsent emails only)"), permissions=["resend"])
    def retry_selected(self, request, queryset):
        unsent = queryset.exclude(status=OutboxEmail.Status.SENT)
        for email in unsent:
            outbox.retry_now(email)
        count = len(unsent)
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Send again as a new email"), permissions=["resend"])
    def resend_selected(self, request, queryset):
        for email in queryset:
            outbox.resend(email)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "%(count)d email will be sent again.", "%(count)d emails will be sent again.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )


class OutboxEmailInline(GenericTabularInline):
    """The emails sent about a record, for the record's own admin page."""

    model = OutboxEmail
    fields = ["created_at", "template", "status", "attempts", "sent_at", "last_error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        """Whoever may see the record sees the emails about it (and only those)."""
        opts = self.parent_model._meta
        return request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
