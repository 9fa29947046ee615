"""Back-office admin registrations of the libraries' models, in Japanese.

django-otp and django-axes name their models and records in English that no catalogue can
translate (plain strings, not gettext). Their admins are registered again here under the
project's own, translated names: the model's names (``RelabelledAdmin``), its columns, fields,
filters and sections, and each record's name. Nothing of the libraries is patched; the
libraries' own admin classes are subclassed and only the admin's presentation changes.
"""

from __future__ import annotations

from axes import admin as axes_admin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp import admin as otp_totp_admin  # registers its admin first
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import staff_admin  # noqa: F401  (staff accounts and roles, in Japanese)
from .relabel import RelabelledAdmin, titled, tokyo_time

# -- django-otp: the staff's authenticator apps -------------------------------------------------


class TOTPDeviceForm(forms.ModelForm):
    class Meta:
        model = TOTPDevice
        fields = [  # what the admin's sections show (get_fieldsets) picks from these
            "user",
            "name",
            "confirmed",
            "key",
            "step",
            "t0",
            "digits",
            "tolerance",
            "drift",
            "last_t",
            "throttling_failure_timestamp",
            "throttling_failure_count",
        ]
        labels = {
            "user": _("Staff member"),
            "name": _("Device name"),
            "confirmed": _("Ready for use"),
            "key": _("Secret key"),
            "step": _("Time step (seconds)"),
            "t0": _("Start of counting (Unix time)"),
            "digits": _("Digits of a code"),
            "tolerance": _("Tolerance (time steps)"),
            "drift": _("Clock drift (time steps)"),
            "last_t": _("Time step of the last code"),
            "throttling_failure_timestamp": _("Last wrong code at"),
            "throttling_failure_count": _("Wrong codes in a row"),
        }
        help_texts = {
            "user": _("The staff member who logs in with this device."),
            "name": _("A name to tell this device apart, e.g. the phone it is on."),
            "confirmed": _("Only a device ready for use is accepted at login."),
            "key": _("The secret shared with the authenticator app (up to 40 bytes, in hex)."),
            "step": _("How long each code is valid, in seconds."),
            "t0": _("The moment from which time steps are counted."),
            "digits": _("How many digits each code has."),
            "tolerance": _("How many time steps before or after now a code is still accepted."),
            "drift": _("How far the device's clock is known to be off, in time steps."),
            "last_t": _("A code must come from a later time step than this one."),
            "throttling_failure_timestamp": _("Empty when the last code entered was right."),
            "throttling_failure_count": _("Each wrong code makes the next attempt wait longer."),
        }


class TOTPDeviceAdmin(RelabelledAdmin, otp_totp_admin.TOTPDeviceAdmin):
    """django-otp's device admin in Japanese; an unknown device is "not found", not a server
    error."""

    verbose_name = _("authenticator device")
    verbose_name_plural = _("authenticator devices")
    form = TOTPDeviceForm
    list_display = ["staff_member", "device_name", "created", "last_used", "ready"]
    list_filter = [
        ("created_at", titled(admin.DateFieldListFilter, _("created"))),
        ("last_used_at", titled(admin.DateFieldListFilter, _("last used"))),
        ("confirmed", titled(admin.BooleanFieldListFilter, _("ready for use"))),
    ]
    search_help_text = _("Search by the staff member's username or email address.")
    readonly_fields = ["created", "last_used", "qrcode_link"]

    class Media:
        css = {"all": ["backoffice/admin-totp.css"]}  # dates, names and the link on one line

    def get_fieldsets(self, request, obj=None):
        titles = {
            "Identity": _("Device"),
            "Timestamps": _("Dates"),
            "Configuration": _("Settings"),
            "State": _("State"),
            "Throttling": _("Wrong codes"),
        }
        renamed = {"created_at": "created", "last_used_at": "last_used"}
        return [
            (
                titles.get(title, title),
                {**options, "fields": [renamed.get(name, name) for name in options["fields"]]},
            )
            for title, options in super().get_fieldsets(request, obj)
        ]

    @admin.display(description=_("Staff member"), ordering="user__username")
    def staff_member(self, device):
        return device.user

    @admin.display(description=_("Device name"), ordering="name")
    def device_name(self, device):
        return device.name

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, device):
        return tokyo_time(device.created_at)

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, device):
        return tokyo_time(device.last_used_at)

    @admin.display(description=_("Ready for use"), boolean=True, ordering="confirmed")
    def ready(self, device):
        return device.confirmed

    @admin.display(description=_("QR code"))
    def qrcode_link(self, device):
        if device.pk is None:
            return "-"
        href = reverse("admin:otp_totp_totpdevice_config", kwargs={"pk": device.pk})
        return format_html('<a href="{}">{}</a>', href, _("Show the QR code"))

    def config_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().qrcode_view(request, pk)


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, TOTPDeviceAdmin)


# -- django-axes: login lock-outs -----------------------------------------------------------------
# The models' names are translated by the library (the catalogue has them:
# library_strings.py); the records' names are not.


class LoginRecordLabel:
    """A record of django-axes named by its ``record_label`` ("... %(username)s (%(time)s)")."""

    record_label = ""

    def label(self, record) -> str:
        return str(self.record_label) % {
            "username": record.username or "-",
            "time": tokyo_time(record.attempt_time),
        }


class AccessAttemptAdmin(LoginRecordLabel, RelabelledAdmin, axes_admin.AccessAttemptAdmin):
    verbose_name = _("access attempt")
    verbose_name_plural = _("access attempts")
    record_label = _("Login attempts by %(username)s (%(time)s)")

    @admin.display(description=_("Status"))
    def status(self, obj):
        left = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if left > 0:
            return gettext("%(count)s attempts left") % {"count": left}
        return gettext("Locked Out")


class AccessLogAdmin(LoginRecordLabel, RelabelledAdmin, axes_admin.AccessLogAdmin):
    verbose_name = _("access log")
    verbose_name_plural = _("access logs")
    record_label = _("Login of %(username)s (%(time)s)")


class AccessFailureLogAdmin(LoginRecordLabel, RelabelledAdmin, axes_admin.AccessFailureLogAdmin):
    verbose_name = _("access failure")
    verbose_name_plural = _("access failures")
    record_label = _("Failed login of %(username)s (%(time)s)")


for model, model_admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
