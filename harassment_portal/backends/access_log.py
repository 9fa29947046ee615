"""gunicorn's access log, with the secrets of a request left out (``gunicorn.conf.py``).

A personal link's token (a seminar registration, a dispatch status link) and the query of an
admin page (staff search and filter by email address) are replaced by ``[redacted]``, in the
request line, the path, the query and the referrer; cookies and credentials are never logged.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from core.redaction import redact

NEVER_LOGGED = ("{cookie}i", "{authorization}i", "{http_cookie}e", "{http_authorization}e")


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        admin_query = environ.get("PATH_INFO", "").startswith("/admin/") and environ.get(
            "QUERY_STRING"
        )
        for key, value in atoms.items():
            if isinstance(value, str):
                if admin_query:  # (in the query atom, the request line, the environ's copies)
                    value = value.replace(admin_query, "[redacted]")
                atoms[key] = redact(value)
        if atoms.get("q") and not admin_query:
            atoms["q"] = redact(f"?{atoms['q']}")[1:]
        for key in NEVER_LOGGED:
            if key in atoms:
                atoms[key] = "-"
        return atoms
