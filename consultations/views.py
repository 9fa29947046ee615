"""The public side of the consultation desk: overview, form, check your answers, thanks.

The answers live in the session between the form and the final submit (nothing typed is lost
when going back); the URLs carry no personal data.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET

from harassment_portal import ratelimit

from . import services
from .forms import ConsultationForm
from .models import ConductType, Consultation

DRAFT = "consultation_draft"
SUBMITTED = "consultation_submitted"


@require_GET
def overview(request):
    return render(request, "consultations/overview.html")


class FormView(View):
    def get(self, request):
        draft = request.session.get(DRAFT, {})
        initial = {**draft.get("data", {}), "submission_key": draft.get("key") or uuid.uuid4()}
        return self._render(request, ConsultationForm(initial=initial))

    def post(self, request):
        form = ConsultationForm(request.POST)
        if form.looks_like_a_bot():
            form.is_valid()
            form.add_error(None, _("Please check your answers and send the form again."))
            return self._render(request, form, status=400)
        if not form.is_valid():
            return self._render(request, form)
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in ("website", "form_started", "submission_key")
        }
        request.session[DRAFT] = {"data": data, "key": str(form.cleaned_data["submission_key"])}
        return redirect("consultations:check")

    def _render(self, request, form, status=200):
        return render(
            request, "consultations/consultation_form.html", {"form": form}, status=status
        )


class CheckView(View):
    def get(self, request):
        draft = request.session.get(DRAFT)
        if not draft:
            return redirect("consultations:form")
        return self._render(request, draft)

    def post(self, request):
        draft = request.session.get(DRAFT)
        if not draft:
            done = request.session.get(SUBMITTED)
            return redirect("consultations:thanks" if done else "consultations:form")
        key = uuid.UUID(draft["key"])
        already = Consultation.objects.filter(submission_key=key).exists()
        if not already and not ratelimit.hit(
            "consultation",
            ratelimit.client_address(request),
            limit=settings.CONSULTATION_RATE_LIMIT_PER_HOUR,
            window=3600,
        ):
            error = _(
                "Too many consultations have been sent from your connection. Please try "
                "again in an hour, or phone the desk."
            )
            return self._render(request, draft, error=error, status=429)
        consultation, _created = services.submit_consultation(
            draft["data"], submission_key=key, language=get_language()
        )
        request.session[SUBMITTED] = consultation.pk
        del request.session[DRAFT]
        return redirect("consultations:thanks")

    def _render(self, request, draft, *, error: str = "", status: int = 200):
        return render(
            request,
            "consultations/consultation_check.html",
            {"answers": summarise(draft["data"]), "error": error},
            status=status,
        )


@require_GET
def thanks(request):
    pk = request.session.get(SUBMITTED)
    consultation = Consultation.objects.filter(pk=pk).first() if pk else None
    if consultation is None:
        return redirect("consultations:form")
    return render(request, "consultations/consultation_thanks.html", {"consultation": consultation})


def summarise(data: dict) -> list[dict]:
    """The answers as label/value rows for "check your answers", each with its field anchor."""
    form = ConsultationForm()
    rows = []
    for name in form.Meta.fields:
        field = form.fields[name]
        value = data.get(name)
        if name == "conduct_types":
            labels = dict(ConductType.choices)
            shown = ", ".join(str(labels.get(v, v)) for v in value or [])
        elif isinstance(value, bool):
            shown = _("Yes") if value else _("No")
        elif hasattr(field, "choices") and value:
            shown = str(dict(field.choices).get(value, value))
        else:
            shown = value or ""
        anchor = f"id_{name}_0" if name in RADIO_AND_CHECKBOX_GROUPS else f"id_{name}"
        rows.append({"name": name, "label": field.label, "value": shown, "anchor": anchor})
    return rows


RADIO_AND_CHECKBOX_GROUPS = {
    "requester_type",
    "preferred_contact",
    "call_window",
    "channel",
    "conduct_types",
}
