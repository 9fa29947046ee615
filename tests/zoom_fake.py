"""A local stand-in for Zoom's OAuth and Webinars API, for tests (Zoom cannot be reached here).

It implements what ``seminars/zoom.py`` uses, with Zoom's documented payloads and errors:
``POST /oauth/token?grant_type=account_credentials&account_id=…`` (HTTP Basic; 401
``invalid_client``), ``POST /v2/webinars/{id}/registrants`` (201 with ``registrant_id`` and a
personal ``join_url``), ``DELETE /v2/webinars/{id}/registrants/{registrant}`` (204), 401
``{"code": 124, "message": "Invalid access token."}``, 404 ``{"code": 3001, …}`` for an
unknown webinar, 429 with ``Retry-After``. ``fail_next`` scripts faults; ``calls`` keeps what
it was asked, ``registrants`` what it holds.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class FakeZoom:
    account_id: str = "acct-123"
    client_id: str = "client-abc"
    client_secret: str = "secret-xyz"
    webinars: set[str] = field(default_factory=lambda: {"81234567890"})
    registrants: dict[str, dict[str, dict]] = field(default_factory=dict)  # webinar -> id -> body
    calls: list[tuple[str, str]] = field(default_factory=list)  # (method, path) of API calls
    tokens_issued: int = 0
    faults: list[tuple[int, dict, dict]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    valid_tokens: set[str] = field(default_factory=set)
    port: int = 0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v2"

    @property
    def oauth_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/oauth/token"

    def fail_next(self, status: int, *, retry_after: int | None = None, times: int = 1) -> None:
        """The next ``times`` API calls answer ``status`` (429 with ``Retry-After``, 5xx)."""
        body = {
            429: {"code": 429, "message": "You have exceeded the daily rate limit of (100)."},
            500: {"code": 500, "message": "Internal server error"},
            503: {"code": 503, "message": "Service unavailable"},
        }.get(status, {"code": status, "message": "error"})
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        with self.lock:
            self.faults.extend([(status, body, headers)] * times)

    def revoke_tokens(self) -> None:
        with self.lock:
            self.valid_tokens.clear()

    def adds(self) -> list[str]:
        return [path for method, path in self.calls if method == "POST"]

    def deletes(self) -> list[str]:
        return [path for method, path in self.calls if method == "DELETE"]


def _handler(zoom: FakeZoom):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _answer(self, status: int, body: dict | None = None, headers: dict | None = None):
            raw = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if body is not None:
                self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _body(self) -> dict:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"{}")

        def do_POST(self):
            url = urllib.parse.urlsplit(self.path)
            if url.path == "/oauth/token":
                return self._token(urllib.parse.parse_qs(url.query))
            return self._api("POST", url.path)

        def do_DELETE(self):
            return self._api("DELETE", urllib.parse.urlsplit(self.path).path)

        def _token(self, query):
            expected = base64.b64encode(f"{zoom.client_id}:{zoom.client_secret}".encode()).decode()
            if (
                self.headers.get("Authorization") != f"Basic {expected}"
                or query.get("grant_type") != ["account_credentials"]
                or query.get("account_id") != [zoom.account_id]
            ):
                return self._answer(
                    401, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
                )
            token = secrets.token_urlsafe(24)
            with zoom.lock:
                zoom.valid_tokens.add(token)
                zoom.tokens_issued += 1
            return self._answer(
                200,
                {
                    "access_token": token,
                    "token_type": "bearer",
                    "expires_in": 3600,
                    "scope": "webinar:write:admin webinar:read:admin",
                    "api_url": "https://api.zoom.us",
                },
            )

        def _api(self, method: str, path: str):
            body = self._body() if method == "POST" else {}
            token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
            with zoom.lock:
                zoom.calls.append((method, path))
                if token not in zoom.valid_tokens:
                    fault = (401, {"code": 124, "message": "Invalid access token."}, {})
                elif zoom.faults:
                    fault = zoom.faults.pop(0)
                else:
                    fault = None
            if fault:
                return self._answer(*fault)
            match = re.fullmatch(r"/v2/webinars/(\d+)/registrants(?:/([^/]+))?", path)
            if not match:
                return self._answer(404, {"code": 404, "message": "Not found"})
            webinar, registrant = match.groups()
            if webinar not in zoom.webinars:
                return self._answer(
                    404, {"code": 3001, "message": f"Webinar does not exist: {webinar}."}
                )
            with zoom.lock:
                held = zoom.registrants.setdefault(webinar, {})
                if method == "POST" and registrant is None:
                    if not body.get("email") or not body.get("first_name"):
                        return self._answer(400, {"code": 300, "message": "Validation Failed."})
                    new_id = secrets.token_urlsafe(16)
                    held[new_id] = body
                    return self._answer(
                        201,
                        {
                            "id": int(webinar),
                            "join_url": f"https://zoom.us/w/{webinar}?tk={new_id}",
                            "registrant_id": new_id,
                            "start_time": "2026-12-10T05:00:00Z",
                            "topic": "Webinar",
                            "occurrences": [],
                        },
                    )
                if method == "DELETE" and registrant is not None:
                    if held.pop(registrant, None) is None:
                        return self._answer(404, {"code": 3001, "message": "Registrant not found."})
                    return self._answer(204)
            return self._answer(405, {"code": 405, "message": "Method not allowed"})

    return Handler


class running:
    """``with running(FakeZoom()) as zoom:`` serves it on a free loopback port."""

    def __init__(self, zoom: FakeZoom):
        self.zoom = zoom
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(zoom))
        zoom.port = self.server.server_address[1]

    def __enter__(self) -> FakeZoom:
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self.zoom

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
