from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The layer every app builds on: calendar, workflow, encryption, history, retention.

    Its label is the one the project package had as an app, so that its tables, migrations and
    permissions stay as they are.
    """

    name = "core"
    label = "harassment_portal"
    verbose_name = _("Office calendar")

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401  (registers the system checks)
            retention,
            signals,  # noqa: F401  (cache invalidation)
            template_i18n,
            template_urls,
        )

        template_i18n.install()
        template_urls.install()
        retention.autodiscover()  # each app's ``retention`` module registers its rule
