"""The public side of the consultation desk: overview, form, check your answers, thanks."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from harassment_portal.flows import FlowCheckView, FlowFormView
from harassment_portal.page_cache import cached_page

from . import services
from .forms import ConsultationForm
from .models import Consultation


class ConsultationFlow:
    form_class = ConsultationForm
    draft_key = "consultation_draft"
    done_key = "consultation_submitted"
    url_namespace = "consultations"


@require_GET
@cached_page("consultations-overview")
def overview(request):
    return render(request, "consultations/overview.html")


class FormView(ConsultationFlow, FlowFormView):
    template_name = "consultations/consultation_form.html"


class CheckView(ConsultationFlow, FlowCheckView):
    template_name = "consultations/consultation_check.html"
    model = Consultation
    rate_limit_scope = "consultation"

    @property
    def rate_limit_per_hour(self) -> int:
        return settings.CONSULTATION_RATE_LIMIT_PER_HOUR

    def submit(self, data, *, key, language):
        consultation, _created = services.submit_consultation(
            data, submission_key=key, language=language
        )
        return consultation


@require_GET
def thanks(request):
    pk = request.session.get(ConsultationFlow.done_key)
    consultation = Consultation.objects.filter(pk=pk).first() if pk else None
    if consultation is None:
        return redirect("consultations:form")
    return render(request, "consultations/consultation_thanks.html", {"consultation": consultation})
