"""The back office's admin site: Django's, plus the second factor when it is required.

``PortalAdminConfig`` (apps.py) makes this the default site, so ``admin.site`` and
``@admin.register`` everywhere use it. With ``PORTAL_STAFF_2FA_REQUIRED`` off it is Django's
site unchanged; with it on, the login page asks for the code of the person's authenticator app
and only staff whose session was verified by it get in (as django-otp's ``OTPAdminSite``).
"""

from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .two_factor import TwoFactorLoginForm, two_factor_required


class PortalAdminSite(admin.AdminSite):
    site_header = _("Customer harassment portal: office")
    site_title = _("Customer harassment portal")
    index_title = _("Back office")

    # Read at each request, so that override_settings (and a restart) switch the login page.
    @property
    def login_form(self):
        return TwoFactorLoginForm if two_factor_required() else None

    @property
    def login_template(self):
        return "admin/login_two_factor.html" if two_factor_required() else None

    def get_app_list(self, request, app_label=None):
        """Django's list of apps, each model under the name its admin gives it (a library's
        model may be shown under a translated name: backoffice/relabel.py)."""
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            for entry in app["models"]:
                entry["name"] = capfirst(
                    self.get_model_admin(entry["model"]).opts.verbose_name_plural
                )
        return app_list

    def has_permission(self, request) -> bool:
        if not super().has_permission(request):
            return False
        if not two_factor_required():
            return True
        is_verified = getattr(request.user, "is_verified", None)  # set by OTPMiddleware
        return bool(is_verified and is_verified())
