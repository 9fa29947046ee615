from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
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
