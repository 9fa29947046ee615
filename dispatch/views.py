"""Public expert-dispatch pages: overview, application (form, check, thanks), status link."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import business_days
from core.public.flow import FlowCheckView, FlowFormView, FlowThanksView
from core.public.page_cache import cached_page

from . import services
from .forms import ApplicationForm
from .models import CONTACT_WITHIN, DECIDE_WITHIN, DispatchApplication, Status, VisitStatus
from .signals import OVERVIEW_PAGE


class ApplicationFlow:
    form_class = ApplicationForm
    model = DispatchApplication
    draft_key = "dispatch_draft"
    done_key = "dispatch_submitted"
    url_namespace = "dispatch"


def _deadlines() -> tuple[dt.date, dt.date]:
    """The business day a form sent now counts from, and the contact deadline that follows."""
    received = business_days.received_on(timezone.now())
    return received, business_days.add_business_days(received, CONTACT_WITHIN)


def _receipt_window() -> str:
    # The dates depend on the Tokyo date, the hour (17:00) and the closures; the closures are
    # not read here (a cache round trip per request): a change to them drops the page
    # (dispatch/signals.py).
    return business_days.receipt_window(timezone.now())


@require_GET
@cached_page(OVERVIEW_PAGE, vary_on=_receipt_window)
def overview(request):
    received, contact_by = _deadlines()
    return render(
        request,
        "dispatch/overview.html",
        {
            "received_on": received,
            "contact_by": contact_by,
            "contact_within": CONTACT_WITHIN,
            "decide_within": DECIDE_WITHIN,
        },
    )


class FormView(ApplicationFlow, FlowFormView):
    template_name = "dispatch/application_form.html"


class CheckView(ApplicationFlow, FlowCheckView):
    template_name = "dispatch/application_check.html"
    rate_limit_scope = "dispatch"
    rate_limit_setting = "DISPATCH_RATE_LIMIT_PER_HOUR"
    rate_limit_email_field = "contact_email"
    submit_service = services.submit_application


class ThanksView(ApplicationFlow, FlowThanksView):
    template_name = "dispatch/application_thanks.html"
    context_object_name = "application"


STEPS = [
    Status.SUBMITTED,
    Status.CONTACTED,
    Status.INTERVIEW_SCHEDULED,
    Status.INTERVIEW_HELD,
    Status.APPROVED,
    Status.SCHEDULING,
    Status.IN_PROGRESS,
    Status.COMPLETED,
]


@require_GET
def status(request, token: str):
    application = get_object_or_404(
        DispatchApplication.objects.select_related("expert").with_token(token)
    )
    reached = STEPS.index(application.status) if application.status in STEPS else -1
    response = render(
        request,
        "dispatch/application_status.html",
        {
            "application": application,
            "visits": application.visits.exclude(status=VisitStatus.CANCELLED).select_related(
                "expert"
            ),
            "reached": reached,
            "steps": STEPS,
            "visits_used": services.visits_used(application),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response
