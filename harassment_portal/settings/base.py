"""Settings shared by every environment, read from the environment with django-environ.

Every value has an embedded default so that ``make run`` needs no configuration: SQLite in the
project folder, tasks run in-process, emails printed to the console. ``.env.example`` documents
each variable.
"""

import datetime as dt
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer's own ``.env`` (never committed) overrides the defaults; the process environment
# overrides both.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core ---------------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
# Encryption at rest of personal data, newest key first (see core/encryption.py).
PORTAL_ENCRYPTION_KEYS = env.list("PORTAL_ENCRYPTION_KEYS", default=[])
PORTAL_SEARCH_KEYS = env.list("PORTAL_SEARCH_KEYS", default=[])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The admin with the portal's own site (two-factor login for staff): backoffice/admin_site.py.
    "backoffice.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "backoffice.apps.LockoutsConfig",  # django-axes, named in Japanese
    "django_otp",
    "backoffice.apps.AuthenticatorsConfig",  # django-otp's TOTP devices, named in Japanese
    "simple_history",
    # The layers, from the bottom up: each imports only those listed before it
    # (import-linter checks it: pyproject.toml).
    "core.apps.CoreConfig",  # app label "harassment_portal": its tables and migrations stayed
    "mail",
    "faq",
    "consultations",
    "seminars",
    "dispatch",
    "backoffice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A body larger than any form sends: 413 before the CSRF check reads it.
    "harassment_portal.middleware.RefuseOversizedBodiesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A NUL byte or a control character in a path, a query or a form: a 400 page, not a 500.
    "harassment_portal.middleware.RefuseControlCharactersMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "harassment_portal.urls"
WSGI_APPLICATION = "harassment_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "harassment_portal.context_processors.office",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache --------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
# Bounded waits on Redis (cache and broker), in seconds: a Redis that hangs costs a request at
# most one such wait, after which ``core.breaker`` skips it for REDIS_BREAKER_SECONDS.
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=0.25)
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.5)
REDIS_BREAKER_SECONDS = env.float("REDIS_BREAKER_SECONDS", default=5.0)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "harassment_portal.backends.cache.ResilientRedisCache",
            "LOCATION": env("REDIS_CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": "portal",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without a broker, tasks run in-process at the moment they are queued (``make run``).
CELERY_BROKER_URL = REDIS_URL or "memory://"
if REDIS_URL:  # kombu's Redis transport, without a new client per command (see backends/broker.py)
    CELERY_BROKER_TRANSPORT = "harassment_portal.backends.broker:Transport"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a task whose worker dies is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection before and after every task unless this
# is set: each email then paid for a new PostgreSQL connection. The worker keeps it instead,
# recycled as between web requests (CONN_MAX_AGE, health checks; harassment_portal/celery.py).
CELERY_DB_REUSE_MAX = 10**9
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Tokyo"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "visibility_timeout": 3600,
}
# A web request must not hang on a broker outage: publishing gives up fast and the outbox
# sweeper (below) queues the email again once the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BEAT_SCHEDULE = {
    # Every minute: queue again the outbox rows whose send is due (broker was down, worker was
    # killed, or an SMTP failure's back-off has passed).
    "requeue-due-emails": {
        "task": "harassment_portal.tasks.requeue_due_emails",
        "schedule": 60.0,
    },
    # Business-day mornings at 8:30 Tokyo time: the office's digest of consultations due today
    # and overdue (the job itself skips closed days and never sends twice for a day).
    "consultations-due-digest": {
        "task": "consultations.tasks.send_due_digest",
        "schedule": crontab(hour=8, minute=30),
    },
    # Every morning at 9:00, and again at 13:00: reminders for the seminars before the next
    # business day (the job skips closed days, and each person is reminded once).
    "seminars-reminders": {
        "task": "seminars.tasks.send_reminders",
        # 13:00 catches anyone a failed batch of the morning run left out (nobody twice).
        "schedule": crontab(hour="9,13", minute=0),
    },
    # Every five minutes: queue again the Zoom webinar registrations still to add or remove
    # (the broker or Zoom was down); nothing to do while Zoom is off.
    "seminars-zoom-sync": {
        "task": "seminars.tasks.queue_unsynced_zoom_registrants",
        "schedule": 300.0,
    },
    # Every five minutes: seats offered from a seminar's waiting list and not accepted by their
    # deadline pass to the next person (each offer lapses once; opening the registration page
    # after the deadline does it too, so a late run only delays the next offer).
    "seminars-expire-offers": {
        "task": "seminars.tasks.expire_seat_offers",
        "schedule": 300.0,
    },
    # Every morning at 9:10: reminders of the expert visits on the next business day, to the
    # applicant and the expert (the job skips closed days; each visit is reminded once).
    "dispatch-visit-reminders": {
        "task": "dispatch.tasks.send_visit_reminders",
        "schedule": crontab(hour=9, minute=10),
    },
    # Business-day mornings at 8:40: expert-dispatch deadline reminders and escalations
    # (each alert once; none on closed days; none once the step is done).
    "dispatch-deadline-alerts": {
        "task": "dispatch.tasks.send_deadline_alerts",
        "schedule": crontab(hour=8, minute=40),
    },
    # Every hour: delete expired sessions (form drafts expire after two hours).
    "clear-expired-sessions": {
        "task": "harassment_portal.tasks.clear_expired_sessions",
        "schedule": crontab(minute=5),
    },
    # Nightly at 3:15: anonymise the personal data whose retention period has passed.
    "apply-retention": {
        "task": "harassment_portal.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=15),
    },
}

# --- Zoom Webinars (seminars/zoom.py) -----------------------------------------------------
# Off unless all three credentials of a Server-to-Server OAuth app are set: registrants are then
# added to (and removed from) each session's webinar, and each gets their own join URL.
ZOOM_ACCOUNT_ID = env("ZOOM_ACCOUNT_ID", default="")
ZOOM_CLIENT_ID = env("ZOOM_CLIENT_ID", default="")
ZOOM_CLIENT_SECRET = env("ZOOM_CLIENT_SECRET", default="")
ZOOM_API_URL = env("ZOOM_API_URL", default="https://api.zoom.us/v2")
ZOOM_OAUTH_URL = env("ZOOM_OAUTH_URL", default="https://zoom.us/oauth/token")
ZOOM_TIMEOUT = env.float("ZOOM_TIMEOUT", default=10.0)
# A 5xx or no answer is tried again after this many seconds, doubled each time (an hour at most).
ZOOM_RETRY_BASE_SECONDS = env.int("ZOOM_RETRY_BASE_SECONDS", default=30)

# --- Email --------------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
OFFICE_EMAIL = env("OFFICE_EMAIL", default="info@customer-harassment-taisaku.metro.tokyo.lg.jp")
# Expert dispatch: deadline reminders go to the coordinators, missed deadlines to the lead.
DISPATCH_COORDINATORS_EMAIL = env("DISPATCH_COORDINATORS_EMAIL", default=OFFICE_EMAIL)
# The short survey the completion notice of an expert dispatch links to (none when empty).
DISPATCH_SURVEY_URL = env("DISPATCH_SURVEY_URL", default="")
OFFICE_LEAD_EMAIL = env("OFFICE_LEAD_EMAIL", default=OFFICE_EMAIL)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default=f"東京都カスタマーハラスメント総合相談窓口 <{OFFICE_EMAIL}>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Outbox: how long a pending email may wait before /healthz reports it, and the retry back-off.
OUTBOX_MAX_PENDING_AGE = env.int("OUTBOX_MAX_PENDING_AGE", default=15 * 60)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=12)

# --- The office -----------------------------------------------------------------------------------
OFFICE_PHONE = env("OFFICE_PHONE", default="0120-182-276")
# Where "Exit this page" on the consultation pages goes: a neutral page (the weather forecast
# of the Japan Meteorological Agency), so that someone looking over a shoulder sees nothing.
QUICK_EXIT_URL = env("QUICK_EXIT_URL", default="https://www.jma.go.jp/bosai/forecast/")

# --- Services ------------------------------------------------------------------------------------
# The office's own target for replying to a consultation form, in business days after receipt
# (the public is told "the next business day or later").
CONSULTATION_REPLY_TARGET_DAYS = env.int("CONSULTATION_REPLY_TARGET_DAYS", default=3)
# The person's case page (consultations/case.py): a message within this many days of the
# answer (or the closing) reopens the consultation; later, it starts a new one linked to it.
CONSULTATION_REOPEN_DAYS = env.int("CONSULTATION_REOPEN_DAYS", default=30)
CONSULTATION_MESSAGE_MAX = env.int("CONSULTATION_MESSAGE_MAX", default=2000)  # characters
CONSULTATION_MESSAGES_PER_HOUR = env.int("CONSULTATION_MESSAGES_PER_HOUR", default=5)
# Whether the reply email carries the reply's text (as the office does today), or only says
# that there is a reply and links to the case page.
CONSULTATION_REPLY_TEXT_IN_EMAIL = env.bool("CONSULTATION_REPLY_TEXT_IN_EMAIL", default=True)
# A second look: a reply by a consultant waits for a desk lead's approval before it is sent.
CONSULTATION_REPLY_APPROVAL = env.bool("CONSULTATION_REPLY_APPROVAL", default=False)
# Retention, in days: then the personal data is anonymised (core/retention.py) -
# after a consultation is closed, after the seminar session, after an application is finished.
RETENTION_CONSULTATION_DAYS = env.int("RETENTION_CONSULTATION_DAYS", default=3 * 365)
RETENTION_REGISTRATION_DAYS = env.int("RETENTION_REGISTRATION_DAYS", default=365)
RETENTION_DISPATCH_DAYS = env.int("RETENTION_DISPATCH_DAYS", default=3 * 365)
# Expert dispatch: the documents applicants upload (PDF, PNG, JPEG). Kept encrypted outside
# the web root (never under STATIC_ROOT or a media URL) and served to coordinators only.
DOCUMENTS_ROOT = Path(env("DOCUMENTS_ROOT", default=str(BASE_DIR / "var" / "documents")))
DISPATCH_DOCUMENT_MAX_BYTES = env.int("DISPATCH_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
DISPATCH_DOCUMENTS_PER_UPLOAD = env.int("DISPATCH_DOCUMENTS_PER_UPLOAD", default=5)
# The largest request body accepted (harassment_portal.middleware): the documents of one
# upload and 1 MB for the rest of the form. Larger is answered with 413 before it is read.
MAX_REQUEST_BODY_BYTES = DISPATCH_DOCUMENTS_PER_UPLOAD * DISPATCH_DOCUMENT_MAX_BYTES + 1024 * 1024
DISPATCH_UPLOADS_PER_HOUR = env.int("DISPATCH_UPLOADS_PER_HOUR", default=10)  # per application
# Anti-spam: a form sent faster than this after it was shown is treated as a bot.
FORM_MIN_FILL_SECONDS = env.int("FORM_MIN_FILL_SECONDS", default=3)
# Each form's stamp is good for one send (the benchmark's load replays one form).
FORM_STAMPS_SINGLE_USE = env.bool("FORM_STAMPS_SINGLE_USE", default=True)
# Public POSTs accepted per hour: per person (email address) and per browser, with a higher
# ceiling per client address, so that an office or a mobile carrier sharing one address does
# not refuse honest people while one client flooding a form is cut off.
CONSULTATION_RATE_LIMIT_PER_HOUR = env.int("CONSULTATION_RATE_LIMIT_PER_HOUR", default=5)
DISPATCH_RATE_LIMIT_PER_HOUR = env.int("DISPATCH_RATE_LIMIT_PER_HOUR", default=5)
REGISTRATION_RATE_LIMIT_PER_HOUR = env.int("REGISTRATION_RATE_LIMIT_PER_HOUR", default=10)
LINKS_RATE_LIMIT_PER_HOUR = env.int("LINKS_RATE_LIMIT_PER_HOUR", default=3)  # "send my links"
BROWSER_RATE_LIMIT_PER_HOUR = env.int("BROWSER_RATE_LIMIT_PER_HOUR", default=20)
ADDRESS_RATE_LIMIT_PER_HOUR = env.int("ADDRESS_RATE_LIMIT_PER_HOUR", default=60)
# How many proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Authentication -------------------------------------------------------------------------------
# Argon2 for new and changed passwords; older hashes are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Staff login lockout (django-axes): five wrong passwords for one username from one address
# lock that pair for 15 minutes. Locking the pair, never the address alone, means one person's
# typos (or an attacker) cannot lock out the whole office behind a shared address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.public.ratelimit.client_address"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# The codes typed at a failed login are not kept in the failure records.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]

# Two-factor login for staff (django-otp, TOTP authenticator apps): with this on, the admin asks
# for a six-digit code after the password and lets in only staff verified by their device.
# Administrators enrol staff in the admin or with ``manage.py enrol_totp <username>``. On by
# default in production; off here so that ``make run`` needs no authenticator app.
PORTAL_STAFF_2FA_REQUIRED = env.bool("PORTAL_STAFF_2FA_REQUIRED", default=False)
OTP_TOTP_ISSUER = "Customer harassment portal"  # the name shown in the authenticator app
# A wrong code blocks the device for 1, 2, 4, 8 ... seconds (django-otp), and counts as a failed
# login for the lockout above.
OTP_TOTP_THROTTLE_FACTOR = 1

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
# Input formats staff type (2026/12/09, 2026年12月9日); display formats stay Django's.
FORMAT_MODULE_PATH = ["core.formats"]
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Forms ----------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security (production tightens these further) -----------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "harassment_portal.backends.sessions"  # Django's database sessions, leaner
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy on every response (django-csp): nothing inline, nothing from other
# sites, never framed. (Bootstrap draws checkboxes and select arrows with data: SVG images.)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    }
}

# Change history (django-simple-history) is a record, never a way around the services.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Logging: ids and event names only, never personal data ----------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact": {"()": "harassment_portal.log_filters.RedactSecretLinks"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Request lines (404s, 500s, runserver) go through the redacting handler too.
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
