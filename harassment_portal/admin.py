"""Back office for the calendar and the outbox."""

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import business_days, mail
from .models import OfficeClosure, OutboxEmail


def mask_email(address: str) -> str:
    """``taro@example.jp`` -> ``t***@example.jp``: enough to tell rows apart in a list."""
    local, _sep, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


@admin.register(OfficeClosure)
class OfficeClosureAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "reason"]
    search_fields = ["reason"]
    date_hierarchy = "date"
    ordering = ["-date"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj: OfficeClosure) -> str:
        return obj.date.strftime("%a")

    def get_changeform_initial_data(self, request):
        return {"reason": ""}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if business_days.national_holiday_name(obj.date):
            self.message_user(request, _("That day is a national holiday already."), messages.INFO)


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
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
    list_filter = ["status", "template", "language"]
    search_fields = ["=id", "=to_email", "=message_id"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    actions = ["retry_selected", "resend_selected"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields] + ["about"]
    exclude = ["body_html", "attachments"]

    @admin.display(description=_("recipient"))
    def recipient(self, obj: OutboxEmail) -> str:
        return mask_email(obj.to_email)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request) -> bool:
        return request.user.has_perm("harassment_portal.resend_outboxemail")

    @admin.action(description=_("Retry now (unsent emails only)"), permissions=["resend"])
    def retry_selected(self, request, queryset):
        unsent = queryset.exclude(status=OutboxEmail.Status.SENT)
        for email in unsent:
            mail.retry_now(email)
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
            mail.resend(email)
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
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False
