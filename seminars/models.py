"""Seminar sessions and the registrations for them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from core import encryption
from core.choices import Industry
from core.constraints import ChoicesConstraint
from core.fields import (
    BlindIndexed,
    EncryptedCharField,
    EncryptedEmailField,
    EncryptedTextField,
    HashedTokenQuerySet,
)
from core.history import History
from core.queries import count_of


class Level(models.TextChoices):
    BASIC = "basic", _("Basic")
    INTERMEDIATE = "intermediate", _("Intermediate")
    PRACTICAL = "practical", _("Practical")


class SeminarStatus(models.TextChoices):
    """Follows from the dates, the registrations and the archive; never stored."""

    DRAFT = "draft", _("Not published")
    CANCELLED = "cancelled", _("Session cancelled")
    NOT_YET_OPEN = "not_yet_open", _("Registration not yet open")
    OPEN = "open", _("Registration open")
    FULL = "full", _("Full: waiting list open")
    CLOSED = "closed", _("Registration closed")
    HELD = "held", _("Held")
    ARCHIVED = "archived", _("Archive video available")


class SeminarQuerySet(models.QuerySet):
    def in_week_of(self, day: dt.date) -> SeminarQuerySet:
        """Sessions starting in the Monday-to-Sunday week (Tokyo dates) that holds ``day``."""
        monday = day - dt.timedelta(days=day.weekday())
        return self.filter(starts_at__date__range=(monday, monday + dt.timedelta(days=6)))

    def with_seats(self) -> SeminarQuerySet:
        """Each session with ``seated``: its seats taken, counted in the same query.

        A subquery per session rather than a join: it reads the seated rows from their own
        index, where a join and a filtered count read every registration of the session,
        the waiting list too (a popular session's page got slower as its queue grew).
        """
        seated = Registration.objects.filter(
            seminar=models.OuterRef("pk"), status__in=SEAT_STATUSES
        )
        return self.annotate(seated=count_of(seated))


class Seminar(models.Model):
    number = models.PositiveSmallIntegerField(_("session number"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    title_ja = models.CharField(_("title (Japanese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    overview_ja = models.TextField(_("overview (Japanese)"))
    overview_en = models.TextField(_("overview (English)"))
    agenda_ja = models.TextField(_("agenda (Japanese)"), help_text=_("One item per line."))
    agenda_en = models.TextField(_("agenda (English)"), help_text=_("One item per line."))
    speaker_ja = models.CharField(_("speaker (Japanese)"), max_length=200)
    speaker_en = models.CharField(_("speaker (English)"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    application_opens_on = models.DateField(_("registration opens"))
    application_closes_on = models.DateField(_("registration closes"), help_text=_("Inclusive."))
    capacity = models.PositiveIntegerField(_("capacity"), help_text=_("Zoom Webinar seats."))
    offer_hours = models.PositiveSmallIntegerField(
        _("hours to accept a freed seat"),
        default=0,
        help_text=_(
            "0: a freed seat goes at once to the first person on the waiting list. More than "
            "0: the seat is offered to them by email, and passes to the next person if they "
            "do not accept it within this many hours (at the latest 3 hours before the "
            "session starts, and by the end of the registration period)."
        ),
    )
    webinar_url = models.URLField(_("webinar link"), blank=True)
    archive_url = models.URLField(_("archive video link"), blank=True)
    archive_published_at = models.DateTimeField(_("archive published"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=False)
    zoom_webinar_id = models.CharField(
        _("Zoom webinar ID"),
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                r"^[0-9]{3}[0-9 ]{6,14}[0-9]$",
                _("Enter the webinar ID as Zoom shows it: 9 to 13 digits, spaces allowed."),
            )
        ],
        help_text=_(
            "With Zoom connected, registrants are added to this webinar and each gets their "
            "own join link. For example 812 3456 7890."
        ),
    )
    cancelled_at = models.DateTimeField(_("session cancelled"), null=True, blank=True)
    cancellation_reason = models.TextField(_("why the session was cancelled"), blank=True)
    # The SEQUENCE of the calendar files: raised on each change of the date, the time or the
    # link, and on the session's cancellation (RFC 5545 3.8.7.4).
    calendar_sequence = models.PositiveIntegerField(
        _("calendar version"), default=0, editable=False
    )

    objects = SeminarQuerySet.as_manager()

    class Meta:
        verbose_name = _("seminar session")
        verbose_name_plural = _("seminar sessions")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "number"], name="seminar_number_unique"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="seminar_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(application_closes_on__gte=models.F("application_opens_on")),
                name="seminar_period_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_label} {self.title}"

    @property
    def session_label(self) -> str:
        """``2026年度 第1回`` / ``FY2026 session 1``."""
        return gettext("FY%(year)s session %(number)s") % {
            "year": self.fiscal_year,
            "number": self.number,
        }

    def _text(self, name: str) -> str:
        return getattr(self, f"{name}_{'en' if get_language() == 'en' else 'ja'}")

    @property
    def title(self) -> str:
        return self._text("title")

    @property
    def overview(self) -> str:
        return self._text("overview")

    @property
    def speaker(self) -> str:
        return self._text("speaker")

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self._text("agenda").splitlines() if line.strip()]

    def has_ended(self, *, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.ends_at

    def seats_left(self, *, seated: int) -> int:
        return max(self.capacity - seated, 0)

    def status(self, *, confirmed: int, now: dt.datetime | None = None) -> str:
        """The status people see, from the dates, the seats taken and the archive."""
        now = now or timezone.now()
        today = timezone.localdate(now)
        if self.cancelled_at:
            return SeminarStatus.CANCELLED
        if not self.published:
            return SeminarStatus.DRAFT
        if self.archive_url and self.archive_published_at:
            return SeminarStatus.ARCHIVED
        if now >= self.starts_at:
            return SeminarStatus.HELD
        if today < self.application_opens_on:
            return SeminarStatus.NOT_YET_OPEN
        if today > self.application_closes_on:
            return SeminarStatus.CLOSED
        if confirmed >= self.capacity:
            return SeminarStatus.FULL
        return SeminarStatus.OPEN


class AttendeeType(models.TextChoices):
    INDUSTRY_ORGANISATION = "industry_organisation", _("Industry organisation")
    BUSINESS_OWNER = "business_owner", _("Business owner")
    HR_STAFF = "hr_staff", _("Human resources or labour-management staff")
    OTHER = "other", _("Other")


class Location(models.TextChoices):
    TOKYO = "tokyo", _("In Tokyo")
    OUTSIDE = "outside", _("Outside Tokyo")


class CompanySize(models.TextChoices):
    UP_TO_9 = "1-9", _("1 to 9 employees")
    UP_TO_49 = "10-49", _("10 to 49 employees")
    UP_TO_299 = "50-299", _("50 to 299 employees")
    LARGE = "300+", _("300 employees or more")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    OFFERED = "offered", _("Seat offered")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")


class ZoomState(models.TextChoices):
    """Where a registration stands with the session's Zoom webinar."""

    NONE = "", _("Not in Zoom")
    TO_ADD = "to_add", _("To be added")
    ADDED = "added", _("Added")
    TO_REMOVE = "to_remove", _("To be removed")
    FAILED = "failed", _("Refused by Zoom")


class Audience(models.TextChoices):
    """Who receives a message the office writes from a session's admin page."""

    REGISTERED = "registered", _("Everyone with a seat")
    WAITING = "waiting", _("Everyone on the waiting list")


# A person holds at most one of these per session (a seat, a seat offered, a place in the
# queue, or attended).
ACTIVE_STATUSES = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITING,
    RegistrationStatus.OFFERED,
    RegistrationStatus.ATTENDED,
)
# The statuses that hold a seat, counted against the capacity: a seat offered from the waiting
# list is held for the person until they accept it or the offer lapses (seminars/offers.py).
SEAT_STATUSES = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.OFFERED,
    RegistrationStatus.ATTENDED,
)


class RegistrationQuerySet(HashedTokenQuerySet):
    def active(self) -> RegistrationQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)

    def seated(self) -> RegistrationQuerySet:
        return self.filter(status__in=SEAT_STATUSES)

    def with_email(self, address: str) -> RegistrationQuerySet:
        """The registrations of ``address`` (the column is encrypted: through its blind index)."""
        return self.filter(email_index__in=encryption.blind_indexes(address))

    def waiting(self) -> RegistrationQuerySet:
        return self.filter(status=RegistrationStatus.WAITING).order_by("registered_at", "pk")


class Registration(BlindIndexed, models.Model):
    blind_indexed = ("email",)
    hashed_tokens = ("token",)

    seminar = models.ForeignKey(
        Seminar,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("seminar session"),
    )
    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    # Secret behind the personal link (the link carries it signed, with a time stamp): kept
    # encrypted, for the emails that carry the link later, and looked up by its hash.
    token = EncryptedCharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001 (unique: NULL once the link is gone)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved up from the waiting list"), null=True, blank=True)
    offered_at = models.DateTimeField(_("seat offered"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer open until"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    archive_notified_at = models.DateTimeField(_("archive notice sent"), null=True, blank=True)

    # The person's details are encrypted at rest (``core.fields``); the address is found
    # again through ``email_index``.
    name = EncryptedCharField(_("name"), max_length=100)
    name_kana = EncryptedCharField(_("name (reading)"), max_length=100)
    email = EncryptedEmailField(_("email address"))
    email_index = models.CharField(max_length=64, editable=False, default="")
    organisation = EncryptedCharField(_("organisation"), max_length=200)
    department = EncryptedCharField(_("department or title"), max_length=200, blank=True)
    attendee_type = models.CharField(_("I attend as"), max_length=30, choices=AttendeeType.choices)
    industry = models.CharField(_("industry"), max_length=30, choices=Industry.choices)
    location = models.CharField(_("business location"), max_length=10, choices=Location.choices)
    phone = EncryptedCharField(_("phone number"), max_length=20, blank=True)
    company_size = models.CharField(
        _("number of employees"), max_length=10, choices=CompanySize.choices, blank=True
    )
    question = EncryptedTextField(_("question for the speaker"), blank=True)
    consented_at = models.DateTimeField(_("privacy notice and no-recording rule accepted"))
    anonymised_at = models.DateTimeField(_("personal data removed"), null=True, blank=True)
    # Zoom Webinars (seminars/zoom_sync.py): what is still to be done there, and the person's
    # own registrant id and join link once added. The link is theirs alone: encrypted.
    zoom_state = models.CharField(
        _("Zoom"), max_length=12, choices=ZoomState.choices, default=ZoomState.NONE, blank=True
    )
    zoom_queued_at = models.DateTimeField(
        _("handed to Zoom"), null=True, blank=True, editable=False
    )
    zoom_registrant_id = models.CharField(
        _("Zoom registrant ID"), max_length=64, blank=True, editable=False
    )
    zoom_join_url = EncryptedCharField(
        _("personal Zoom join link"), max_length=500, blank=True, editable=False
    )

    objects = RegistrationQuerySet.as_manager()
    # Zoom's bookkeeping is no change of the registration; the join link is the person's own.
    history = History(
        excluded_fields=["zoom_state", "zoom_queued_at", "zoom_registrant_id", "zoom_join_url"]
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["seminar", "registered_at", "pk"]
        indexes = [
            models.Index(fields=["seminar", "status"], name="registration_status_idx"),
            # The offers to expire, found by the beat job (seminars/offers.py).
            models.Index(
                fields=["offer_expires_at"],
                condition=Q(status="offered"),
                name="registration_offer_due_idx",
            ),
            # The seats taken, counted under the session's lock at every registration: only
            # the seated rows, so that the count does not grow with the waiting list.
            models.Index(
                fields=["seminar"],
                condition=Q(status__in=SEAT_STATUSES),
                name="registration_seated_idx",
            ),
            # The admin's list of registrations, newest first.
            models.Index(fields=["registered_at", "id"], name="registration_newest_idx"),
        ]
        constraints = [
            # (by the blind index of the address; an anonymised registration has none)
            models.UniqueConstraint(
                fields=["seminar", "email_index"],
                condition=Q(status__in=ACTIVE_STATUSES) & ~Q(email_index=""),
                name="one_active_registration_per_email",
            ),
            ChoicesConstraint(
                field="status", values=RegistrationStatus.values, name="registration_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="registration_offer_has_deadline",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def lapsed_offer(self) -> bool:
        """Cancelled because the seat offered was not accepted in time (seminars/offers.py)."""
        return bool(
            self.status == RegistrationStatus.CANCELLED
            and self.offer_expires_at
            and self.cancelled_at
            and self.cancelled_at >= self.offer_expires_at
        )

    @property
    def join_url(self) -> str:
        """The person's own Zoom link once Zoom has one for them, else the session's."""
        return self.zoom_join_url or self.seminar.webinar_url
