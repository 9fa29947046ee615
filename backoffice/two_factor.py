"""Two-factor login for staff: a password and the six-digit code of an authenticator app.

django-otp keeps the devices (``TOTPDevice``) and marks a session verified when a code was
checked at login; ``admin_site.PortalAdminSite`` lets in only verified staff while
``PORTAL_STAFF_2FA_REQUIRED`` is on. A wrong code counts as a failed login for django-axes (the
same five-failure lockout as a wrong password) on top of django-otp's own per-device delay.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice


def two_factor_required() -> bool:
    return settings.PORTAL_STAFF_2FA_REQUIRED


def enrol_totp(user, *, name: str = "Authenticator app") -> TOTPDevice:
    """Give ``user`` a new confirmed TOTP device, replacing any they had (a lost or new phone).

    Sessions verified by an old device stop being verified: its row is gone.
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


class TwoFactorLoginForm(OTPAdminAuthenticationForm):
    """The admin login with username, password and code on one page.

    django-otp's form makes a person pick a device on a second round trip; staff here have one
    authenticator app, so the newest confirmed TOTP device is used. A password that is wrong
    is handled as before (axes counts it); with the right password, a missing or wrong code is
    refused with its own message, and a wrong code is reported to axes as a failed login. The
    password is never echoed back into the page.
    """

    otp_token = forms.CharField(
        label=_("Six-digit code"),
        required=False,
        help_text=_("The code your authenticator app shows for this portal now."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 6}
        ),
    )

    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": _("Enter the six-digit code from your authenticator app."),
        "invalid_token": _(
            "That code is not right. Enter your username, password and the code your "
            "authenticator app shows now."
        ),
        "n_failed_attempts": _(
            "Too many wrong codes: wait a few seconds, then enter the code your authenticator "
            "app shows now."
        ),
        "no_device": _(
            "Two-factor login is not set up for your account yet. Ask an administrator to set "
            "up your authenticator app."
        ),
    }

    def clean_otp_token(self) -> str:
        return "".join(self.cleaned_data["otp_token"].split())  # "123 456" as the app shows it

    def clean_otp(self, user) -> None:
        try:
            super().clean_otp(user)
        except forms.ValidationError as error:
            if self.cleaned_data.get("otp_token") and error.code != "no_device":
                # A guessed code is a failed login: the axes lockout counts it.
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": self.cleaned_data.get("username")},
                    request=self.request,
                )
            raise

    def _chosen_device(self, user):
        device = super()._chosen_device(user)  # a device posted by hand, if it is theirs
        if device is None:
            device = (
                TOTPDevice.objects.devices_for_user(user, confirmed=True)
                .select_for_update()
                .order_by("-pk")
                .first()
            )
        if device is None:
            raise forms.ValidationError(self.otp_error_messages["no_device"], code="no_device")
        return device

    def _update_form(self, user) -> None:
        """django-otp fills the device list and echoes the password back; neither is wanted."""
