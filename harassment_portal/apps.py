from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "harassment_portal"
    verbose_name = _("Portal: calendar and outbox")

    def ready(self) -> None:
        from . import (
            signals,  # noqa: F401  (cache invalidation)
            template_i18n,
        )
        from .roles import sync_roles

        template_i18n.install()
        # After every migrate (and test flush): the staff groups match harassment_portal.roles.
        post_migrate.connect(sync_roles, dispatch_uid="harassment_portal.sync_roles")


class PortalAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with the portal's site as ``admin.site`` (Django's documented
    way to replace the default site): every ``@admin.register`` lands on it."""

    default = False  # not a candidate for "harassment_portal" itself; named in INSTALLED_APPS
    default_site = "harassment_portal.admin_site.PortalAdminSite"
