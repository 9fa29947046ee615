from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "harassment_portal"
    verbose_name = _("Portal: calendar and outbox")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (cache invalidation)
