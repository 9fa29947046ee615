"""gunicorn's settings for the portal (read from the project folder by default).

    gunicorn harassment_portal.wsgi --bind 127.0.0.1:8000 --workers 3

The access log is off unless ``GUNICORN_ACCESS_LOG`` names a file (or ``-`` for standard
output); when on, it leaves out personal links' tokens, admin queries and cookies
(``harassment_portal/backends/access_log.py``).
"""

import os

wsgi_app = "harassment_portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = 60
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
logger_class = "harassment_portal.backends.access_log.RedactingLogger"
# The proxy in front (TLS) is the only client: it is trusted to say the client's scheme.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
