"""The Celery application: configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harassment_portal.settings.local")

app = Celery("harassment_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def recycle_database_connections(task=None, **kwargs) -> None:
    """Treat each task as Django treats a request: keep the connection while it is usable and
    younger than ``CONN_MAX_AGE``. (Celery's own fixup would close it around every task; with
    ``CELERY_DB_REUSE_MAX`` set it leaves that to this.) A task run in-process (eager, inside
    a request or a test's transaction) leaves the connection alone."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
