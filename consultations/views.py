"""The public side of the consultation desk: overview, form, check your answers, thanks."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.public.flow import FlowCheckView, FlowFormView, FlowThanksView
from core.public.page_cache import cached_page

from . import services
from .forms import ConsultationForm
from .models import Consultation


class ConsultationFlow:
    form_class = ConsultationForm
    model = Consultation
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
    rate_limit_scope = "consultation"
    rate_limit_setting = "CONSULTATION_RATE_LIMIT_PER_HOUR"
    rate_limit_email_field = "email"
    submit_service = services.submit_consultation


class ThanksView(ConsultationFlow, FlowThanksView):
    template_name = "consultations/consultation_thanks.html"
    context_object_name = "consultation"
