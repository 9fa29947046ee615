"""WSGI entry point (gunicorn ``harassment_portal.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harassment_portal.settings.production")

application = get_wsgi_application()

from harassment_portal.startup import warm_up  # noqa: E402  (after Django is set up)

warm_up()
