"""The admin under load: each changelist from 16 connections (wrk) with a logged-in staff
session, on the scale data (100,000 consultations). A superuser and a consultant (who sees the
unassigned consultations and their own) each have a session of their own.
"""

from __future__ import annotations

import urllib.request

from . import cpu, wrk
from .loadgen import median
from .pages import CONNECTIONS
from .report import Row, ms

P99_LIMIT = 0.500


def staff_cookie(username: str, *, role: str | None = None) -> dict[str, str]:
    """A session of a staff member (two-factor login is off in bench.settings)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"is_staff": True, "is_superuser": role is None}
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


def check_logged_in(port: int, path: str, cookies: dict[str, str]) -> None:
    """wrk counts a redirect to the login page as a success: make sure it is the page."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())},
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with opener.open(request, timeout=30) as response:
        if response.status != 200 or b'id="changelist"' not in response.read():
            raise SystemExit(f"{path}: not the changelist (status {response.status})")


def measure(port: int, profile, *, changelists: dict[str, str], gunicorn_pid: int) -> list[Row]:
    from .__main__ import say

    people = {
        "superuser": staff_cookie("bench-admin"),
        "consultant": staff_cookie("bench-consultant", role="Consultants"),
    }
    figures = {
        f"{name} (superuser)": (url, people["superuser"]) for name, url in changelists.items()
    }
    figures["consultations (consultant)"] = (changelists["consultations"], people["consultant"])
    for url, cookies in figures.values():
        check_logged_in(port, url, cookies)
        wrk.run(wrk.Request(path=url, cookies=cookies), ports=[port], connections=4, duration=1)
    runs: dict[str, list] = {name: [] for name in figures}
    used: dict[str, dict[str, float]] = {name: {} for name in figures}
    for number in range(1, profile.rounds + 1):
        say(f"Admin under load: round {number}/{profile.rounds}, {CONNECTIONS} connections")
        for name, (url, cookies) in figures.items():
            meter = cpu.Meter(web=gunicorn_pid)
            meter.start()
            runs[name].append(
                wrk.run(
                    wrk.Request(path=url, cookies=cookies),
                    ports=[port],
                    connections=CONNECTIONS,
                    duration=profile.seconds,
                )
            )
            for process, seconds in meter.stop().items():
                used[name][process] = used[name].get(process, 0.0) + seconds
    rows = []
    for name, stats in runs.items():
        p99 = median([s.percentile(99) for s in stats])
        failures = sum(s.server_errors + s.errors for s in stats)
        rows.append(
            Row(
                f"admin changelist under load: {name}",
                ms(p99),
                f"p99 < {ms(P99_LIMIT)}",
                f"{p99 / P99_LIMIT:.2f} x limit",
                p99 < P99_LIMIT and failures == 0,
                f"{median([s.rate for s in stats]):.0f} req/s, "
                f"p50 {ms(median([s.percentile(50) for s in stats]))}; {failures} failures; "
                + cpu.per_request(used[name], sum(s.count for s in stats)),
            )
        )
    return rows
