"""Public seminar pages: the list, a session with its form, and the personal link."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET

from core.public import language_switch, ratelimit
from core.public.page_cache import cached_page, no_store

from . import links, offers, services, tasks
from .forms import MyRegistrationsForm, RegistrationForm
from .models import RegistrationStatus, Seminar, SeminarStatus
from .signals import SEMINAR_LIST, session_key

FEW_SEATS = 20
JUST_REGISTERED = "seminar_registration"


def _describe(seminar: Seminar) -> dict:
    status = seminar.status(confirmed=seminar.seated)
    seats_left = seminar.seats_left(seated=seminar.seated)
    return {
        "seminar": seminar,
        "status": status,
        "status_label": SeminarStatus(status).label,
        "seats_left": seats_left
        if status == SeminarStatus.OPEN and seats_left <= FEW_SEATS
        else None,
    }


@require_GET
@cached_page(SEMINAR_LIST, timeout=60)  # statuses follow the clock: a minute at most
def seminar_list(request):
    seminars = Seminar.objects.filter(published=True).with_seats().order_by("starts_at")
    now = timezone.now()
    items = [_describe(seminar) for seminar in seminars]
    return render(
        request,
        "seminars/seminar_list.html",
        {
            "upcoming": [i for i in items if i["seminar"].ends_at >= now],
            "past": [i for i in items if i["seminar"].ends_at < now][::-1],
        },
    )


def published_session(pk: int) -> Seminar:
    """The published session with its seat count (``seated``), from the cache.

    A change to the session or to one of its registrations drops it (signals.py); the status is
    worked out from it on each request. A read that raced a registration's commit may put an
    older seat count back after the drop, so it expires after 15 s. Only what is shown comes
    from here: a registration reads and locks the session in the database.
    """
    key = session_key(pk)
    seminar = cache.get(key)
    if seminar is None:
        seminar = _published_with_seats(pk)
        cache.set(key, seminar, timeout=15)
    return seminar


def _published_with_seats(pk: int) -> Seminar:
    return get_object_or_404(Seminar.objects.with_seats(), pk=pk, published=True)


class SeminarDetailView(View):
    def get(self, request, pk: int):
        info = _describe(published_session(pk))
        typed = language_switch.kept(request, _typed_key(pk))
        form = RegistrationForm(
            initial=typed,
            full=info["status"] == SeminarStatus.FULL,
            stamp_for=ratelimit.visitor(request),
        )
        return self._render(request, info, form, private=bool(typed))

    def post(self, request, pk: int):
        info = self._info(pk)
        seminar = info["seminar"]
        full = info["status"] == SeminarStatus.FULL
        form = RegistrationForm(request.POST, full=full, stamp_for=ratelimit.visitor(request))
        if language_switch.asked(request):
            return language_switch.keep_and_show_again(request, form, _typed_key(pk))
        language_switch.forget(request, _typed_key(pk))
        if form.looks_like_a_bot():
            form.is_valid()
            form.add_error(None, _("Please check your answers and send the form again."))
            return self._render(request, info, form, status=400)
        if not form.is_valid():
            return self._render(request, info, form)
        if not ratelimit.within_public_limits(
            request,
            "registration",
            person=form.cleaned_data["email"],
            per_person=settings.REGISTRATION_RATE_LIMIT_PER_HOUR,
        ):
            form.add_error(
                None,
                _(
                    "Too many registrations have been sent from your connection or for this "
                    "email address. Please try again in an hour, or contact the office."
                ),
            )
            return self._render(request, info, form, status=429)
        try:
            registration = services.register_for_seminar(
                seminar,
                form.cleaned_data,
                language=get_language(),
                join_waiting_list=form.cleaned_data.get("join_waiting_list", False),
            )
        except services.RegistrationRefused as refusal:
            if refusal.code == "duplicate":
                # The answer a registration gets, never "already registered": the form must
                # not tell anyone who has registered. The address gets its confirmation again.
                registration = refusal.existing
                services.resend_status_email_to_person(registration)
            else:
                if refusal.code == "full":  # it filled up while the person was typing
                    info = self._info(pk)
                    data = form.data  # (with the new stamp the page shows)
                    form = RegistrationForm(data, full=True, stamp_for=ratelimit.visitor(request))
                    form.is_valid()
                else:
                    form.add_error(None, refusal.messages[0])
                return self._render(request, info, form, status=409)
        request.session[JUST_REGISTERED] = registration.pk
        return redirect("seminars:thanks", pk=seminar.pk)

    def _info(self, pk: int) -> dict:
        return _describe(_published_with_seats(pk))

    def _render(self, request, info, form, *, status: int = 200, private: bool = False):
        open_statuses = {SeminarStatus.OPEN, SeminarStatus.FULL}
        response = render(
            request,
            "seminars/seminar_detail.html",
            {
                **info,
                "form": form if info["status"] in open_statuses else None,
                "switch_form": language_switch.FORM_ID,
            },
            status=status,
        )
        return no_store(response) if form.is_bound or private else response


def _typed_key(pk: int) -> str:
    return f"seminar:{pk}"


@require_GET
def thanks(request, pk: int):
    seminar = get_object_or_404(Seminar, pk=pk)
    registration = seminar.registrations.filter(pk=request.session.get(JUST_REGISTERED)).first()
    if registration is None:
        return redirect("seminars:detail", pk=pk)
    return no_store(
        render(
            request,
            "seminars/registration_thanks.html",
            {"seminar": seminar, "registration": registration},
        )
    )


class ManageView(View):
    """The personal link: status, resend, cancel; accept or decline a seat offered."""

    def get(self, request, signed: str):
        registration = links.registration_for(signed)
        if registration is None:
            return render(request, "seminars/registration_link_invalid.html", status=404)
        if offers.expire_offer_if_lapsed(registration):  # opened after the deadline
            registration = links.registration_for(signed)
        return self._render(request, registration, confirm_cancel=request.GET.get("cancel") == "1")

    def post(self, request, signed: str):
        registration = links.registration_for(signed)
        if registration is None:
            return render(request, "seminars/registration_link_invalid.html", status=404)
        action = request.POST.get("action")
        if action == "accept":  # (accept_offer says itself when the offer has lapsed)
            self._accept(request, registration)
            return redirect(request.path)
        if offers.expire_offer_if_lapsed(registration):
            registration = links.registration_for(signed)
        if not services.changeable_by_person(registration):
            messages.error(
                request,
                _(
                    "This registration can no longer be changed here. "
                    "Please write to the administrative office."
                ),
            )
            return redirect(request.path)
        if action == "resend":
            if services.resend_status_email_to_person(registration):
                messages.success(request, _("We have sent your confirmation again."))
            else:
                messages.error(
                    request,
                    _(
                        "We have sent it several times already. Please "
                        "check your spam folder, or try again in an hour."
                    ),
                )
        elif action == "cancel":
            declined = registration.status == RegistrationStatus.OFFERED
            services.cancel_registration(registration)
            messages.success(
                request,
                _("You have declined the seat. Your registration is cancelled.")
                if declined
                else _("Your registration is cancelled."),
            )
        return redirect(request.path)

    def _accept(self, request, registration) -> None:
        try:
            offers.accept_offer(registration)
        except ValidationError as refusal:
            messages.error(request, refusal.messages[0])
        else:
            messages.success(
                request,
                _(
                    "Your seat is confirmed. We have emailed you the confirmation with a "
                    "calendar file."
                ),
            )

    def _render(self, request, registration, *, confirm_cancel: bool):
        can_change = services.changeable_by_person(registration)
        response = render(
            request,
            "seminars/registration_manage.html",
            {
                "registration": registration,
                "seminar": registration.seminar,
                "can_change": can_change,
                "confirm_cancel": confirm_cancel and can_change,
            },
        )
        # The link is a secret: not cached. (The site's "same-origin" referrer policy already
        # keeps it from other sites; "no-referrer" would make browsers send "Origin: null"
        # with this page's own forms, which CSRF protection rightly refuses.)
        response["Cache-Control"] = "private, no-store"
        return response


class MyRegistrationsView(View):
    TYPED = "my-registrations"  # what was typed, kept over a switch of language

    def get(self, request):
        typed = language_switch.kept(request, self.TYPED)
        response = self._render(request, MyRegistrationsForm(initial=typed))
        return no_store(response) if typed else response

    def post(self, request):
        form = MyRegistrationsForm(request.POST)
        if language_switch.asked(request):
            return language_switch.keep_and_show_again(request, form, self.TYPED)
        language_switch.forget(request, self.TYPED)
        if not form.is_valid():
            return no_store(self._render(request, form))
        email = services.normalize_email(form.cleaned_data["email"])
        if not ratelimit.within_public_limits(
            request, "my-registrations", person=email, per_person=settings.LINKS_RATE_LIMIT_PER_HOUR
        ):
            form.add_error(None, _("Too many requests. Please try again in an hour."))
            return self._render(request, form, status=429)
        tasks.queue_my_registrations(email)
        messages.success(
            request,
            _(
                "If there are registrations for that address, we have emailed it their links. "
                "The email can take a few minutes to arrive."
            ),
        )
        return redirect("seminars:my_registrations")

    def _render(self, request, form, *, status: int = 200):
        context = {"form": form, "switch_form": language_switch.FORM_ID}
        return render(request, "seminars/my_registrations.html", context, status=status)
