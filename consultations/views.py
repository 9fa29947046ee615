"""The public side of the consultation desk: overview, form, check your answers, thanks."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET

from core.public import language_switch, ratelimit
from core.public.flow import FlowCheckView, FlowFormView, FlowThanksView
from core.public.page_cache import cached_page, no_store

from . import conversation, services
from .forms import CaseMessageForm, ConsultationForm
from .models import DISCARDED, WAITING_STATUSES, Consultation


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


class CaseView(View):
    """The person's case page, opened by the link in their emails: the status, when a reply
    can be expected, the conversation, and a message to the desk."""

    def get(self, request, token: str):
        consultation = self._consultation(token)
        if consultation is None:
            return self._gone(request)
        typed = language_switch.kept(request, self._typed_key(consultation))
        return self._render(request, consultation, CaseMessageForm(initial=typed))

    def post(self, request, token: str):
        consultation = self._consultation(token)
        if consultation is None:
            return self._gone(request)
        form = CaseMessageForm(request.POST)
        typed_key = self._typed_key(consultation)
        if language_switch.asked(request):
            return language_switch.keep_and_show_again(request, form, typed_key)
        language_switch.forget(request, typed_key)
        if not form.is_valid():
            return self._render(request, consultation, form)
        if not ratelimit.within_public_limits(
            request,
            "case-message",
            person=consultation.reference,
            per_person=settings.CONSULTATION_MESSAGES_PER_HOUR,
        ):
            form.add_error(None, _("Too many messages. Please try again in an hour."))
            return self._render(request, consultation, form, status=429)
        try:
            sent = conversation.add_message(consultation, form.cleaned_data["message"])
        except ValidationError as error:
            form.add_error("message", error)
            return self._render(request, consultation, form)
        if sent.new_consultation:
            text = _(
                "Your message has started a new consultation, %(reference)s, because the "
                "earlier one was answered some time ago. We have emailed you its link."
            ) % {"reference": sent.new_consultation.reference}
        else:
            text = _("Your message has been sent to the desk.")
        messages.success(request, text)
        return redirect(request.path)

    @staticmethod
    def _consultation(token: str) -> Consultation | None:
        return (
            Consultation.objects.with_token(token)
            .filter(anonymised_at__isnull=True)
            .exclude(status__in=DISCARDED)
            .first()
        )

    @staticmethod
    def _typed_key(consultation: Consultation) -> str:
        return f"case-message-{consultation.pk}"

    @staticmethod
    def _gone(request):
        return no_store(render(request, "consultations/case_link_invalid.html", status=404))

    @staticmethod
    def _render(request, consultation, form, *, status: int = 200):
        context = {
            "consultation": consultation,
            "waiting": consultation.status in WAITING_STATUSES,
            "entries": conversation.conversation(consultation),
            "form": form,
            "switch_form": language_switch.FORM_ID,
        }
        return no_store(render(request, "consultations/case.html", context, status=status))
