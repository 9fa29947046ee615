from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "dispatch"
    verbose_name = _("Expert dispatch")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (cache invalidation)
