"""Production settings for the benchmark, on a database and Redis databases of its own.

Everything the benchmark needs is a default here, so ``make bench`` needs no configuration; the
process environment still wins. Three changes to the production behaviour, printed with the
results: the anti-bot fill time is 0 s and the per-address rate limit is out of reach, because
the load comes from one address and machine speed; and the admin timings skip two-factor login.
"""

import os

BENCH_DEFAULTS = {
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdefghijkl",
    # Bench-only keys (a fresh database each run): never use them for real data.
    "PORTAL_ENCRYPTION_KEYS": "T82IoUAo6f4l_4CBulCwKRlrXgOnC0LXXLccHWZ-OL8=",
    "PORTAL_SEARCH_KEYS": "bench-only-search-key",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback; TLS is the proxy's job
    "FORM_MIN_FILL_SECONDS": "0",
    "CONSULTATION_RATE_LIMIT_PER_HOUR": "1000000000",
    "DISPATCH_RATE_LIMIT_PER_HOUR": "1000000000",
    "REGISTRATION_RATE_LIMIT_PER_HOUR": "1000000000",
    "BROWSER_RATE_LIMIT_PER_HOUR": "1000000000",
    "ADDRESS_RATE_LIMIT_PER_HOUR": "1000000000",
    "FORM_STAMPS_SINGLE_USE": "0",  # the load sends one form's stamp again and again
    "EMAIL_URL": "smtp://127.0.0.1:2525",
    "SITE_URL": "https://portal.example.jp",
    "LOG_LEVEL": "WARNING",
    "TRUSTED_PROXY_COUNT": "0",  # the load generator connects directly
}
for _name, _value in BENCH_DEFAULTS.items():
    os.environ.setdefault(_name, _value)
# Never the project's own database or Redis, whatever DATABASE_URL/REDIS_URL say: these three
# change only through BENCH_DATABASE_URL, BENCH_REDIS_URL and BENCH_REDIS_CACHE_URL.
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench"
)
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
os.environ["REDIS_CACHE_URL"] = os.environ.get("BENCH_REDIS_CACHE_URL", "redis://127.0.0.1:6379/13")

from harassment_portal.settings.production import *  # noqa: E402, F403

ROOT_URLCONF = "bench.urls"
# The in-process admin timings log in with force_login (production has no switch for this).
PORTAL_STAFF_2FA_REQUIRED = False
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", "/tmp/portal-bench-static")  # noqa: S108
