from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "harassment_portal"
    verbose_name = _("Portal: calendar and outbox")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (cache invalidation)
        from .roles import sync_roles

        # After every migrate (and test flush): the staff groups match harassment_portal.roles.
        post_migrate.connect(sync_roles, dispatch_uid="harassment_portal.sync_roles")
