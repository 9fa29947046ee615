"""Form → "check your answers" → submit, the GOV.UK way, shared by the public services.

The answers live in the session between the steps, so "Change" and the back button lose
nothing, and the URLs carry no personal data. They are encrypted there like the stored records
(the session table is in the database), and the session ends two hours later at most.

Each form carries a submission key: sending the same form twice (double click, reload, back
and resubmit) finds what the first send stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from crispy_forms.layout import Fieldset
from django import forms
from django.conf import settings
from django.db import models
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from . import drafts, language_switch, ratelimit
from .page_cache import no_store

NOT_STORED = ("website", "form_started", "submission_key")
DRAFT_MAX_AGE = drafts.MAX_AGE
DRAFT_WARNING = 5 * 60  # seconds before the answers go: the page asks whether to keep them


class FlowMixin:
    """What the three views of one flow share; an app declares it once (``ConsultationFlow``)."""

    form_class: type[forms.Form]
    model: type[models.Model]  # what a submit stores, with a unique ``submission_key``
    draft_key: str  # session key of the answers being checked
    done_key: str  # session key of the last submitted record's pk
    url_namespace: str  # url names "<namespace>:form", ":check", ":thanks"

    def url(self, name: str) -> str:
        return f"{self.url_namespace}:{name}"

    def load_draft(self, request) -> dict | None:
        return read_draft(request.session, self.draft_key)

    def save_draft(self, request, draft: dict) -> None:
        drafts.store(request.session, self.draft_key, draft)


read_draft = drafts.load


class FlowFormView(FlowMixin, View):
    template_name: str

    def get(self, request):
        draft = self.load_draft(request) or {}
        initial = {
            **draft.get("data", {}),
            "submission_key": draft.get("key") or uuid.uuid4(),
            **language_switch.kept(request, self.draft_key),  # (typed since, in the other language)
        }
        return self.render_form(
            request, self.form_class(initial=initial, stamp_for=ratelimit.visitor(request))
        )

    def post(self, request):
        form = self.form_class(request.POST, stamp_for=ratelimit.visitor(request))
        if language_switch.asked(request):
            return language_switch.keep_and_show_again(request, form, self.draft_key)
        language_switch.forget(request, self.draft_key)
        if form.looks_like_a_bot():
            form.is_valid()
            form.add_error(None, _("Please check your answers and send the form again."))
            return self.render_form(request, form, status=400)
        if not form.is_valid():
            return self.render_form(request, form)
        data = {k: v for k, v in form.cleaned_data.items() if k not in NOT_STORED}
        self.save_draft(request, {"data": data, "key": str(form.cleaned_data["submission_key"])})
        drafts.keep_two_hours(request)
        return redirect(self.url("check"))

    def render_form(self, request, form, status: int = 200):
        context = {"form": form, "switch_form": language_switch.FORM_ID}
        return no_store(render(request, self.template_name, context, status=status))


class FlowCheckView(FlowMixin, View):
    """Shows the answers; the POST submits them once."""

    template_name: str
    rate_limit_scope: str
    rate_limit_setting: str  # the setting that holds the submits allowed per person and hour
    rate_limit_email_field: str  # the answer that says who the person is
    # The service that stores the answers, idempotently for a key:
    # ``service(data, submission_key=..., language=...) -> (record, created)``.
    submit_service: Callable[..., tuple[models.Model, bool]]

    @property
    def rate_limit_per_hour(self) -> int:
        return getattr(settings, self.rate_limit_setting)

    def within_limits(self, request, draft: dict) -> bool:
        email = str(draft["data"].get(self.rate_limit_email_field, ""))
        return ratelimit.within_public_limits(
            request, self.rate_limit_scope, person=email, per_person=self.rate_limit_per_hour
        )

    def submit(self, data: dict[str, Any], *, key: uuid.UUID, language: str) -> models.Model:
        """Store the answers (idempotently for ``key``); return the stored record."""
        record, _created = type(self).submit_service(data, submission_key=key, language=language)
        return record

    def find_submitted(self, key: uuid.UUID) -> int | None:
        """The pk of the record a send of this form's key stored before, if any (asked only
        when the rate limit refuses, so that a resend of a stored form is never refused)."""
        return self.model.objects.filter(submission_key=key).values_list("pk", flat=True).first()

    def get(self, request):
        draft = self.load_draft(request)
        if not draft:
            return redirect(self.url("form"))
        return self.render_check(request, draft)

    def post(self, request):
        draft = self.load_draft(request)
        if not draft:
            return redirect(self.url("thanks" if request.session.get(self.done_key) else "form"))
        key = uuid.UUID(draft["key"])
        # (over a limit, a resend still finds what the first send stored: see submit_once)
        if self.within_limits(request, draft):
            record_pk = self.submit(draft["data"], key=key, language=get_language()).pk
        else:
            record_pk = self.find_submitted(key)
        if record_pk is None:
            error = _(
                "Too many forms have been sent from your connection or for this email "
                "address. Please try again in an hour, or contact the office by phone."
            )
            return self.render_check(request, draft, error=error, status=429)
        request.session[self.done_key] = record_pk
        del request.session[self.draft_key]
        return redirect(self.url("thanks"))

    def render_check(self, request, draft, *, error: str = "", status: int = 200):
        # The two hours count from this page: its warning (includes/draft_timeout.html) says
        # when they end.
        keeps_two_hours = drafts.keep_two_hours(request)
        return no_store(
            render(
                request,
                self.template_name,
                {
                    "answers": summarise(self.form_class(), draft["data"]),
                    "error": error,
                    "form_url_name": self.url("form"),
                    "check_url_name": self.url("check"),
                    "draft_seconds": DRAFT_MAX_AGE if keeps_two_hours else None,
                    "draft_warning_seconds": DRAFT_WARNING,
                },
                status=status,
            )
        )


class FlowThanksView(FlowMixin, View):
    """The confirmation of the record this session submitted last; without one, the form."""

    template_name: str
    context_object_name: str

    def get(self, request):
        pk = request.session.get(self.done_key)
        record = self.model.objects.filter(pk=pk).first() if pk else None
        if record is None:
            return redirect(self.url("form"))
        return no_store(render(request, self.template_name, {self.context_object_name: record}))


@require_POST
def keep_answers(request):
    """The "keep my answers" of the warning before a draft goes: two hours more from now.

    Sent by the page's script (which asks for JSON and stays on the page) or, without it, as a
    form that comes back to ``next``. A session already gone stays gone: ``seconds`` is 0."""
    alive = not request.session.is_empty()
    if alive:
        drafts.keep_two_hours(request)  # (and saved, so the two hours start again)
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"seconds": DRAFT_MAX_AGE if alive else 0})
    else:
        back = request.POST.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        response = redirect(back if safe and back.startswith("/") else "/")
    return no_store(response)


def summarise(form: forms.Form, data: dict) -> list[dict]:
    """The answers for "check your answers", in the form's sections: each section its title and
    rows (label, value, and the anchor of the field for "Change").
    A section's declarations and consents are one row: they were all given, or the form would
    not have been accepted, and their long texts were read on the form."""
    sections = []
    for item in form.helper.layout.fields:
        if not isinstance(item, Fieldset):
            continue
        names = [n for n in item.fields if isinstance(n, str) and n in form.fields]
        ticked = [
            n
            for n in names
            if isinstance(form.fields[n], forms.BooleanField) and data.get(n) is True
        ]
        rows = [
            _row(form, name, data[name])
            for name in names
            if name not in ticked and _shown(form, name, data)
        ]
        if ticked:
            rows.append(
                {
                    "name": ticked[0],
                    "label": _("Confirmations"),
                    "value": ngettext("Confirmed", "All %(count)s confirmed", len(ticked))
                    % {"count": len(ticked)},
                    "anchor": f"id_{ticked[0]}",
                }
            )
        if rows:
            sections.append({"title": item.legend, "rows": rows})
    return sections


def _shown(form: forms.Form, name: str, data: dict) -> bool:
    return name not in NOT_STORED and name in data and not form.fields[name].widget.is_hidden


def _row(form: forms.Form, name: str, value) -> dict:
    field = form.fields[name]
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list):
        shown = pgettext("list separator", ", ").join(str(choices.get(v, v)) for v in value)
    elif isinstance(value, bool):
        shown = _("Yes") if value else _("No")
    elif choices and value not in ("", None):
        shown = str(choices.get(value, value))
    else:
        shown = "" if value is None else str(value)
    label = getattr(form, "plain_labels", {}).get(name, field.label)  # (without "optional")
    grouped = isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
    # The field itself, so that "Change" puts focus in it; its label stays in view through
    # the CSS ``scroll-margin-top`` of form controls.
    anchor = f"id_{name}_0" if grouped else f"id_{name}"
    return {"name": name, "label": label, "value": shown, "anchor": anchor}
