from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp import apps as otp_totp_apps

# Only modules are imported here, not AppConfig classes: Django would take an imported class for
# a candidate default configuration of "backoffice".


class BackofficeConfig(AppConfig):
    default = True
    name = "backoffice"
    verbose_name = _("Back office")

    def ready(self) -> None:
        from .roles import sync_roles

        # After every migrate (and test flush): the staff groups match backoffice.roles.
        post_migrate.connect(sync_roles, dispatch_uid="backoffice.sync_roles")


class PortalAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with the portal's site as ``admin.site`` (Django's documented
    way to replace the default site): every ``@admin.register`` lands on it."""

    default = False  # not a candidate for "backoffice" itself; named in INSTALLED_APPS
    default_site = "backoffice.admin_site.PortalAdminSite"


class LockoutsConfig(axes_apps.AppConfig):
    """django-axes under a name staff can read (the library gives none)."""

    default = False
    verbose_name = _("Login lock-outs")


class AuthenticatorsConfig(otp_totp_apps.DefaultConfig):
    """django-otp's TOTP devices under a name staff can read (the library gives none)."""

    default = False
    verbose_name = _("Two-factor login")
