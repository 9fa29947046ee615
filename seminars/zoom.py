"""A client for the Zoom Webinars REST API (API v2), authorised by Server-to-Server OAuth.

Followed (2026-12): Zoom's "Server-to-Server OAuth" guide (``POST /oauth/token`` with
``grant_type=account_credentials``, HTTP Basic client id and secret, a bearer token that lives
an hour and has no refresh token), "Using Zoom APIs" (the JSON error body ``{"code",
"message"}``), "Rate limits" (HTTP 429, ``Retry-After``), and the Meetings API's webinar
registrant endpoints: ``POST /webinars/{webinarId}/registrants`` (201: ``registrant_id``,
``join_url``) and ``DELETE /webinars/{webinarId}/registrants/{registrantId}`` (204).

Off unless ``ZOOM_ACCOUNT_ID``, ``ZOOM_CLIENT_ID`` and ``ZOOM_CLIENT_SECRET`` are all set:
``client()`` is then None and nothing calls out. The caller (``zoom_sync``) decides what to
retry: ``RateLimited`` and ``Unavailable`` are worth another try, ``ZoomError`` is not.
"""

from __future__ import annotations

import base64
import contextlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

TOKEN_CACHE_KEY = "zoom:access-token"  # noqa: S105 (a cache key)
TOKEN_MARGIN = 300  # seconds: a token is renewed this long before Zoom says it expires


class ZoomError(Exception):
    """Zoom refused the call for good (a bad request, no such webinar, bad credentials)."""

    def __init__(self, status: int, code: Any = None, message: str = ""):
        super().__init__(f"Zoom answered {status} (code {code}): {message}")
        self.status, self.code, self.message = status, code, message


class NotFound(ZoomError):
    """404: the webinar, or the registrant, does not exist (any more)."""


class RateLimited(ZoomError):
    """429: try again after ``retry_after`` seconds."""

    def __init__(self, status: int, code: Any = None, message: str = "", retry_after: int = 1):
        super().__init__(status, code, message)
        self.retry_after = retry_after


class Unavailable(ZoomError):
    """A 5xx, a time-out or no connection: try again later."""


@dataclass(frozen=True)
class Registrant:
    registrant_id: str
    join_url: str


@dataclass(frozen=True)
class ZoomClient:
    account_id: str
    client_id: str
    client_secret: str
    api_url: str = "https://api.zoom.us/v2"
    oauth_url: str = "https://zoom.us/oauth/token"
    timeout: float = 10.0

    # --- the registrant endpoints ---------------------------------------------------------

    def add_registrant(
        self, webinar_id: str, *, email: str, name: str, organisation: str = "", job: str = ""
    ) -> Registrant:
        """Register a person for a webinar; Zoom approves at once (the webinar's approval
        setting "automatic") and answers with the person's own join URL. The whole name goes
        in ``first_name``, so that Zoom shows a Japanese name in its own order."""
        body = {"email": email, "first_name": name[:64], "org": organisation, "job_title": job}
        answer = self._call("POST", f"/webinars/{_digits(webinar_id)}/registrants", body)
        return Registrant(str(answer["registrant_id"]), str(answer["join_url"]))

    def delete_registrant(self, webinar_id: str, registrant_id: str) -> None:
        """Remove a registrant; one already gone counts as removed."""
        path = f"/webinars/{_digits(webinar_id)}/registrants/{urllib.parse.quote(registrant_id)}"
        with contextlib.suppress(NotFound):
            self._call("DELETE", path)

    # --- transport -------------------------------------------------------------------------

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        """One API call with the cached token; a 401 (token revoked or expired early) gets one
        new token and one more try."""
        try:
            return self._send(method, path, body, token=self._token())
        except ZoomError as error:
            if error.status != 401:
                raise
        cache.delete(TOKEN_CACHE_KEY)
        return self._send(method, path, body, token=self._token())

    def _token(self) -> str:
        token = cache.get(TOKEN_CACHE_KEY)
        if token:
            return token
        query = urllib.parse.urlencode(
            {"grant_type": "account_credentials", "account_id": self.account_id}
        )
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 (the configured https URL)
            f"{self.oauth_url}?{query}",
            method="POST",
            headers={"Authorization": f"Basic {basic}", "Accept": "application/json"},
        )
        answer = self._open(request)
        lifetime = int(answer.get("expires_in", 3600))
        cache.set(TOKEN_CACHE_KEY, answer["access_token"], max(lifetime - TOKEN_MARGIN, 60))
        return answer["access_token"]

    def _send(self, method: str, path: str, body: dict | None, *, token: str) -> dict:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(  # noqa: S310 (the configured https URL)
            self.api_url.rstrip("/") + path, data=data, method=method, headers=headers
        )
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> dict:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise _error_of(error) from None
        except (OSError, TimeoutError) as error:  # refused, reset, DNS, time-out
            raise Unavailable(0, None, type(error).__name__) from None
        return json.loads(raw) if raw else {}


def _error_of(error: urllib.error.HTTPError) -> ZoomError:
    try:
        body = json.loads(error.read() or b"{}")
    except ValueError:
        body = {}
    code = body.get("code", body.get("error"))
    message = str(body.get("message", body.get("reason", "")))[:200]
    if error.code == 429:
        return RateLimited(429, code, message, retry_after=_seconds(error.headers))
    if error.code == 404:
        return NotFound(404, code, message)
    if error.code >= 500:
        return Unavailable(error.code, code, message)
    return ZoomError(error.code, code, message)


def _seconds(headers) -> int:
    """``Retry-After`` as seconds (a number, or an HTTP date), 1 when absent, at most an hour."""
    value = (headers.get("Retry-After") or "").strip()
    if value.isdigit():
        return min(max(int(value), 1), 3600)
    if value:
        from email.utils import parsedate_to_datetime

        try:
            wait = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return 1
        return min(max(int(wait), 1), 3600)
    return 1


def _digits(webinar_id: str) -> str:
    """A webinar ID as Zoom shows it (``812 3456 7890``) to the number its URLs take."""
    return "".join(ch for ch in str(webinar_id) if ch.isdigit())


def client() -> ZoomClient | None:
    """The configured client, or None when Zoom is off (the default)."""
    if not (settings.ZOOM_ACCOUNT_ID and settings.ZOOM_CLIENT_ID and settings.ZOOM_CLIENT_SECRET):
        return None
    return ZoomClient(
        account_id=settings.ZOOM_ACCOUNT_ID,
        client_id=settings.ZOOM_CLIENT_ID,
        client_secret=settings.ZOOM_CLIENT_SECRET,
        api_url=settings.ZOOM_API_URL,
        oauth_url=settings.ZOOM_OAUTH_URL,
        timeout=settings.ZOOM_TIMEOUT,
    )
