"""Cross-cutting views: the home page, the postal-code areas and the health check."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from django.db.models import Min
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from core import postal
from core.public.page_cache import cached_page
from mail.models import OutboxEmail


@require_GET
@cached_page("home")
def home(request):
    return render(request, "home.html")


@require_safe
def postal_area(request, prefix: str):
    """Every postal code of a three-digit area, for the address forms' script
    (static/js/postal-code.js). Only the area is in the URL, never a whole code."""
    response = JsonResponse(
        postal.area(prefix), json_dumps_params={"ensure_ascii": False, "separators": (",", ":")}
    )
    response["Cache-Control"] = "public, max-age=86400"  # (Japan Post's data changes monthly)
    return response


@never_cache
@require_GET
def healthz(request):
    """Database, broker and outbox state as JSON; 503 when something needs a person."""
    checks: dict[str, dict] = {}
    healthy = True

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True}
    except Exception as exc:
        checks["database"] = {"ok": False, "error": type(exc).__name__}
        healthy = False

    if settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = {"ok": True, "mode": "in-process"}
    else:
        try:
            client = redis.Redis.from_url(
                settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
            )
            client.ping()
            checks["broker"] = {"ok": True, "mode": "redis"}
        except Exception as exc:
            checks["broker"] = {"ok": False, "mode": "redis", "error": type(exc).__name__}
            healthy = False

    if checks["database"]["ok"]:
        pending = OutboxEmail.objects.pending().aggregate(oldest=Min("created_at"))["oldest"]
        age = int((timezone.now() - pending).total_seconds()) if pending else 0
        failed = OutboxEmail.objects.filter(status=OutboxEmail.Status.FAILED).count()
        stale = age > settings.OUTBOX_MAX_PENDING_AGE
        checks["outbox"] = {
            "ok": not stale,
            "oldest_pending_age_seconds": age,
            "max_pending_age_seconds": settings.OUTBOX_MAX_PENDING_AGE,
            "failed": failed,
        }
        healthy = healthy and not stale

    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )
