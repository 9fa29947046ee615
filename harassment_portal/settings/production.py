"""Production: refuses to start without a secret key; passes ``manage.py check --deploy``."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY: production refuses to start without it.")
if not (PORTAL_ENCRYPTION_KEYS and PORTAL_SEARCH_KEYS):  # noqa: F405
    raise ImproperlyConfigured(
        "Set PORTAL_ENCRYPTION_KEYS and PORTAL_SEARCH_KEYS: production refuses to store "
        "personal data unencrypted."
    )

# TLS terminates at the proxy in front of the app, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probed over plain HTTP from inside the host
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# No default here: behind the proxy, 0 would make every visitor one address (five
# consultations an hour for all of Tokyo, one staff lockout for everyone). ``check --deploy``
# fails until it is set: the proxies that append to X-Forwarded-For, 0 if none.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=None)

# Every staff login needs the six-digit code from the person's authenticator app: no switch.
PORTAL_STAFF_2FA_REQUIRED = True

TEMPLATES[0]["APP_DIRS"] = False  # noqa: F405
TEMPLATES[0]["OPTIONS"]["loaders"] = [  # noqa: F405
    (
        "django.template.loaders.cached.Loader",
        [
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ],
    )
]
