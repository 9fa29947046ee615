"""pytest: the same stack as configured (``DATABASE_URL``, ``REDIS_URL``), made fast and quiet.

Tasks run in-process by default even when ``REDIS_URL`` is set, so that an ordinary test never
leaves work in a shared queue; the integration tests start their own broker and worker.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PORTAL_ENCRYPTION_KEYS = env.list(
    "PORTAL_ENCRYPTION_KEYS", default=["dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTAxMjM0NTY="]
)
PORTAL_SEARCH_KEYS = env.list("PORTAL_SEARCH_KEYS", default=["test-only-search-key"])
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Off whatever the environment says; the two-factor tests turn it on with override_settings.
PORTAL_STAFF_2FA_REQUIRED = False
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
if CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = "portal-test"  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
