"""Back-office admin registrations of the libraries' models."""

from django.contrib import admin
from django.shortcuts import get_object_or_404
from django_otp.plugins.otp_totp import admin as otp_totp_admin  # registers its admin first
from django_otp.plugins.otp_totp.models import TOTPDevice


class TOTPDeviceAdmin(otp_totp_admin.TOTPDeviceAdmin):
    """django-otp's device admin: an unknown device is "not found", not a server error."""

    def config_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().qrcode_view(request, pk)


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, TOTPDeviceAdmin)
