"""``make run`` and local development: debug on, a throw-away secret key."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY", default="local-development-only-not-secret-0123456789abcdefghijklmnop"
)
# Development keys for the personal data in db.sqlite3 (production requires its own).
PORTAL_ENCRYPTION_KEYS = env.list(
    "PORTAL_ENCRYPTION_KEYS", default=["bG9jYWwtZGV2LW9ubHktbm90LWEtc2VjcmV0LWtleSE="]
)
PORTAL_SEARCH_KEYS = env.list("PORTAL_SEARCH_KEYS", default=["local-development-search-key"])
# Serve the files from static/ directly, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
