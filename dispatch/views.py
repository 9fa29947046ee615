"""Public expert-dispatch pages: overview, application (form, check, thanks), status link."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET

from core import business_days
from core.public import ratelimit
from core.public.flow import FlowCheckView, FlowFormView, FlowThanksView
from core.public.page_cache import cached_page, no_store

from . import information, services
from .forms import ApplicationForm, StatusUploadForm
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


class StatusView(View):
    """The applicant's status page, opened by the personal link: where the application stands,
    what the office asked for, and (while it is open) a form to answer and upload documents.
    Documents go one way: this page never serves them back."""

    def get(self, request, token: str):
        application = self._application(token)
        return self._render(request, application, self._form(application))

    def post(self, request, token: str):
        application = self._application(token)
        form = self._form(application, request.POST, request.FILES)
        if form is None:
            messages.error(request, _("This application is closed: nothing more can be sent."))
            return redirect(request.path)
        if "answer" in request.POST and not form.answering:
            # The page asked a question that has been answered since: a second click, or a
            # second tab. Its documents came with the first answer; nothing is stored twice.
            messages.info(
                request,
                _(
                    "Your answer had already reached the office, so this second send was not "
                    "stored. To send more documents, add them below."
                ),
            )
            return redirect(request.path)
        if not form.is_valid():
            return self._render(request, application, form)
        if not ratelimit.within_public_limits(
            request,
            "dispatch-upload",
            person=application.reference,
            per_person=settings.DISPATCH_UPLOADS_PER_HOUR,
        ):
            form.add_error(None, _("Too many uploads. Please try again in an hour."))
            return self._render(request, application, form, status=429)
        data = form.cleaned_data
        try:
            if form.answering:
                information.receive_information(
                    application, text=data["answer"], documents=data["documents"], kind=data["kind"]
                )
                text = _("Thank you. Your answer has been sent to the office.")
            else:
                information.add_documents(
                    application, documents=data["documents"], kind=data["kind"]
                )
                text = _("Thank you. Your documents have been sent to the office.")
        except ValidationError as error:
            form.add_error(None, error)
            return self._render(request, application, form)
        messages.success(request, text)
        return redirect(request.path)

    @staticmethod
    def _application(token: str) -> DispatchApplication:
        return get_object_or_404(
            DispatchApplication.objects.select_related("expert").with_token(token)
        )

    @staticmethod
    def _form(application, *args) -> StatusUploadForm | None:
        if not application.is_open:
            return None
        answering = application.status == Status.INFO_REQUESTED
        return StatusUploadForm(*args, answering=answering)

    @staticmethod
    def _render(request, application, form, *, status: int = 200):
        # While information is asked for, the steps show where the application was.
        current = application.paused_from or application.status
        reached = STEPS.index(current) if current in STEPS else -1
        context = {
            "application": application,
            "visits": application.visits.exclude(status=VisitStatus.CANCELLED).select_related(
                "expert"
            ),
            "documents": application.documents.all(),
            "reached": reached,
            "steps": STEPS,
            "visits_used": services.visits_used(application),
            "form": form,
        }
        return no_store(render(request, "dispatch/application_status.html", context, status=status))
