"""Consultations sent with the online form, and what the office does with them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import Industry
from core.constraints import ChoicesConstraint
from core.encryption import token_hash
from core.fields import (
    BlindIndexed,
    EncryptedCharField,
    EncryptedEmailField,
    EncryptedTextField,
)
from core.history import History
from core.models import StatusEvent
from core.workflow import Workflow


class RequesterType(models.TextChoices):
    BUSINESS = "business", _("Business operator in Tokyo")
    WORKER = "worker", _("Person working in Tokyo")
    CUSTOMER = "customer", _("Customer of a business in Tokyo")


class Topic(models.TextChoices):
    POLICY_MANUAL = "policy_manual", _("Policies and manuals")
    DESK_SETUP = "desk_setup", _("Setting up a consultation or reporting channel")
    INCIDENT_RESPONSE = "incident_response", _("How to respond to an incident")
    COMPLAINT_OR_HARASSMENT = (
        "complaint_or_harassment",
        _("Where a complaint ends and harassment begins"),
    )
    BUSINESS_PARTNER = "business_partner", _("Harassment by a business partner")
    CUSTOMER_SELF_CHECK = "customer_self_check", _("Checking my own conduct as a customer")
    MENTAL_CARE = "mental_care", _("Mental care after an incident")
    OTHER = "other", _("Other")


class ConductType(models.TextChoices):
    VIOLENCE = "violence", _("Violence")
    THREATS = "threats", _("Threats or intimidation")
    VERBAL_ABUSE = "verbal_abuse", _("Verbal abuse or insults")
    EXCESSIVE_DEMANDS = "excessive_demands", _("Excessive or unjustified demands")
    RESTRAINT = "restraint", _("Long calls, staying on or refusing to leave")
    PERSISTENT = "persistent", _("Repeated or persistent contact")
    KNEELING_APOLOGY = "kneeling_apology", _("Demanding a kneeling apology")
    SEXUAL_DISCRIMINATORY = "sexual_discriminatory", _("Sexual or discriminatory conduct")
    ONLINE = "online", _("Posts on social media or online")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email or letter")
    ONLINE = "online", _("Online or social media")


class Intake(models.TextChoices):
    """How the consultation reached the desk: the web form, or recorded by staff."""

    WEB = "web", _("Web form")
    PHONE = "phone", pgettext_lazy("intake", "Phone")
    WALK_IN = "walk_in", _("Walk-in")
    LETTER = "letter", _("Letter or fax")
    EMAIL = "email", pgettext_lazy("intake", "Email")


STAFF_INTAKES = tuple(choice for choice in Intake if choice != Intake.WEB)


class ContactMethod(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")


class CallWindow(models.TextChoices):
    ANY = "any", _("Any time (weekdays 9:00-17:00)")
    MORNING = "morning", _("Morning (9:00-12:00)")
    AFTERNOON = "afternoon", _("Afternoon (13:00-17:00)")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_CALL = "awaiting_call", _("Awaiting a call")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope (referred)")
    SPAM = "spam", _("Spam")
    DUPLICATE = "duplicate", _("Duplicate")


# Not a consultation after all: out of the figures, and anonymised by the next retention run.
DISCARDED = frozenset({Status.SPAM, Status.DUPLICATE})

# The moves the office may make; a service refuses every other one.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.IN_PROGRESS, Status.OUT_OF_SCOPE, *DISCARDED}),
    Status.IN_PROGRESS: frozenset(
        {Status.AWAITING_CALL, Status.ANSWERED, Status.OUT_OF_SCOPE, *DISCARDED}
    ),
    Status.AWAITING_CALL: frozenset(
        {Status.IN_PROGRESS, Status.ANSWERED, Status.OUT_OF_SCOPE, *DISCARDED}
    ),
    Status.ANSWERED: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    Status.OUT_OF_SCOPE: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    # A message from the person within CONSULTATION_REOPEN_DAYS reopens it (conversation.py).
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
    Status.SPAM: frozenset(),
    Status.DUPLICATE: frozenset(),
}
WORKFLOW = Workflow(Status, TRANSITIONS)
# Statuses in which the person is still waiting for the office's first answer.
WAITING_STATUSES = frozenset({Status.RECEIVED, Status.IN_PROGRESS, Status.AWAITING_CALL})
OPEN_STATUSES = frozenset(Status) - {Status.CLOSED} - DISCARDED


# What the person answers on the form, in the form's order: the form, the service and the
# "check your answers" page all use this list.
SUBMITTED_FIELDS = (
    "requester_type",
    "eligibility_confirmed",
    "name",
    "organisation",
    "industry",
    "job_role",
    "email",
    "phone",
    "preferred_contact",
    "call_window",
    "topic",
    "conduct_types",
    "channel",
    "details",
    "tried_so_far",
)


class ConsultationQuerySet(models.QuerySet):
    def waiting(self) -> ConsultationQuerySet:
        return self.filter(status__in=WAITING_STATUSES)

    def overdue(self, *, on: dt.date) -> ConsultationQuerySet:
        return self.waiting().filter(reply_due_on__lt=on)

    def due(self, *, on: dt.date) -> ConsultationQuerySet:
        return self.waiting().filter(reply_due_on=on)

    def open(self) -> ConsultationQuerySet:
        """Not closed (``status IN``, so that the status index can serve it)."""
        return self.filter(status__in=OPEN_STATUSES)

    def unassigned(self) -> ConsultationQuerySet:
        return self.open().filter(assigned_to__isnull=True)

    def with_token(self, token: str) -> ConsultationQuerySet:
        """The consultation whose case page ``token`` opens (none for a blank one)."""
        return self.filter(token_hash=token_hash(token)) if token else self.none()

    def counted(self) -> ConsultationQuerySet:
        """What the figures count: not spam, not a duplicate."""
        return self.exclude(status__in=DISCARDED)


class Consultation(BlindIndexed, models.Model):
    blind_indexed = ("email",)
    hashed_tokens = ("token",)

    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    # The secret of the person's case page: kept encrypted, for the emails that carry the
    # link, and looked up by its hash; blanked (the link dead) when the case is anonymised.
    token = EncryptedCharField(max_length=64, blank=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001 (unique: NULL once the link is gone)
    # The key of the form that produced this row: a repeated submit finds it instead of
    # creating a second consultation.
    submission_key = models.UUIDField(unique=True, editable=False)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    received_at = models.DateTimeField(_("received"), db_index=True)
    received_on = models.DateField(_("counts from (business day)"))
    reply_expected_from = models.DateField(_("reply expected from"))
    reply_due_on = models.DateField(_("reply due"), db_index=True)

    requester_type = models.CharField(_("I am a"), max_length=20, choices=RequesterType.choices)
    eligibility_confirmed = models.BooleanField(_("eligibility confirmed"), default=False)
    # The person's own words and contact details are encrypted at rest (``fields``); the
    # address is found again through ``email_index``.
    name = EncryptedCharField(_("name"), max_length=100, blank=True)
    # Required on the web form; a consultation by phone or letter may come without one.
    email = EncryptedEmailField(_("email address"), blank=True)
    email_index = models.CharField(max_length=64, db_index=True, editable=False, default="")
    phone = EncryptedCharField(_("phone number"), max_length=20, blank=True)
    preferred_contact = models.CharField(
        _("preferred contact"),
        max_length=10,
        choices=ContactMethod.choices,
        default=ContactMethod.EMAIL,
    )
    call_window = models.CharField(
        _("when we may call"), max_length=10, choices=CallWindow.choices, blank=True
    )
    organisation = EncryptedCharField(_("organisation"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=30, choices=Industry.choices, blank=True)
    job_role = EncryptedCharField(_("job or role"), max_length=100, blank=True)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    conduct_types = models.JSONField(_("kinds of conduct"), default=list, blank=True)
    channel = models.CharField(
        _("how it happened"), max_length=20, choices=Channel.choices, blank=True
    )
    details = EncryptedTextField(_("what happened and what you would like to ask"))
    tried_so_far = EncryptedTextField(_("what has been tried so far"), blank=True)
    consented_at = models.DateTimeField(_("privacy notice accepted"))
    intake = models.CharField(
        _("received by"), max_length=10, choices=Intake.choices, default=Intake.WEB
    )
    call_minutes = models.PositiveSmallIntegerField(
        _("length of the call or visit (minutes)"), null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_consultations",
        verbose_name=_("consultant"),
    )
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    referral = EncryptedTextField(_("referral"), blank=True)
    follow_up_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("follow-up of"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    anonymised_at = models.DateTimeField(_("personal data removed"), null=True, blank=True)

    objects = ConsultationQuerySet.as_manager()
    history = History()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["reply_due_on", "received_at"]
        # Need to know (consultations/access.py): without these, a consultant reads the
        # unassigned consultations and their own, and assigns only to themselves.
        permissions = [
            ("see_all_consultations", _("Can read every consultation")),
            ("assign_any_consultation", _("Can assign a consultation to anyone")),
            ("approve_reply", _("Can approve a reply drafted by a consultant")),
        ]
        indexes = [models.Index(fields=["status", "reply_due_on"], name="consultation_due_idx")]
        constraints = [
            ChoicesConstraint(
                field="status", values=Status.values, name="consultation_status_valid"
            ),
            ChoicesConstraint(
                field="requester_type",
                values=RequesterType.values,
                name="consultation_requester_type_valid",
            ),
            ChoicesConstraint(field="topic", values=Topic.values, name="consultation_topic_valid"),
            ChoicesConstraint(
                field="intake", values=Intake.values, name="consultation_intake_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def conduct_type_labels(self) -> list[str]:
        labels = dict(ConductType.choices)
        return [str(labels.get(code, code)) for code in self.conduct_types]


# What each line of a consultation's history says, for the staff who read it.
EVENT_ACTIONS = {
    "submitted": _("Sent with the web form"),
    "recorded": _("Recorded by staff"),
    "assigned": _("Assigned"),
    "replied": _("Reply sent"),
    "call_planned": _("Call planned"),
    "call_unanswered": _("Called, no answer"),
    "call_answered": _("Answered by phone"),
    "out_of_scope": _("Referred elsewhere"),
    "closed": _("Closed"),
    "contact_corrected": _("Contact details corrected"),
    "marked_spam": _("Marked as spam"),
    "marked_duplicate": _("Marked as a duplicate"),
    "message_received": _("Message from the person"),
    "reopened": _("Reopened by the person's message"),
    "reply_drafted": _("Reply drafted, waiting for approval"),
    "reply_approved": _("Reply approved and sent"),
    "reply_returned": _("Reply sent back"),
}


class ConsultationEvent(StatusEvent):
    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("consultation"),
    )

    class Meta(StatusEvent.Meta):
        pass

    @property
    def action_label(self) -> str:
        return str(EVENT_ACTIONS.get(self.action, self.action))

    def __str__(self) -> str:
        when = timezone.localtime(self.at)
        return f"{self.consultation} {self.action_label} {when:%Y-%m-%d %H:%M}"


class ConsultationRecord(models.Model):
    """What the office adds to a consultation: who added it and when."""

    consultation: models.ForeignKey  # declared by each subclass, with its related name
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.consultation} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class ConsultationNote(ConsultationRecord):
    """An internal note: staff only, never shown or sent to the person."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="notes", verbose_name=_("consultation")
    )
    text = EncryptedTextField(_("note"))

    class Meta(ConsultationRecord.Meta):
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")


class ReplyState(models.TextChoices):
    SENT = "sent", _("Sent")
    PENDING = "pending", _("Waiting for approval")
    RETURNED = "returned", _("Sent back")


class ReplyQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=ReplyState.PENDING)


class ConsultationReply(ConsultationRecord):
    """A reply the office sent to the person by email (kept on the record), or, with the second
    look on (``CONSULTATION_REPLY_APPROVAL``), one drafted and waiting for a lead's approval."""

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("consultation"),
    )
    body = EncryptedTextField(_("reply"))
    state = models.CharField(
        _("state"), max_length=10, choices=ReplyState.choices, default=ReplyState.SENT
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or sent back by"),
    )
    decided_at = models.DateTimeField(_("approved or sent back"), null=True, blank=True)
    return_note = EncryptedTextField(_("why it was sent back"), blank=True)

    objects = ReplyQuerySet.as_manager()

    class Meta(ConsultationRecord.Meta):
        verbose_name = _("reply")
        verbose_name_plural = _("replies")


class ReplyTemplate(models.Model):
    """Approved wording the desk starts a reply from; ``{name}`` and ``{reference}`` are
    filled in for the person."""

    title = models.CharField(_("title"), max_length=100)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    body = models.TextField(
        _("text"),
        help_text=_("{name} and {reference} are replaced by the person's name and the reference."),
    )
    active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["language", "title"]

    def __str__(self) -> str:
        return self.title

    # What stands for a name the person did not give: "ご相談者様", "Dear Sir or Madam".
    NO_NAME = {"ja": "ご相談者", "en": "Sir or Madam"}

    def fill(self, consultation: Consultation) -> str:
        """The text for ``consultation``'s person."""
        name = consultation.name or self.NO_NAME.get(self.language, "")
        values = {"name": name, "reference": consultation.reference}
        text = self.body
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        return text


class ConsultationCall(ConsultationRecord):
    """A phone call the office made to the person."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="calls", verbose_name=_("consultation")
    )
    reached = models.BooleanField(_("reached the person"))
    summary = EncryptedTextField(_("summary"))

    class Meta(ConsultationRecord.Meta):
        verbose_name = _("phone call")
        verbose_name_plural = _("phone calls")


class ConsultationOpening(models.Model):
    """Someone on the staff opened the consultation's page: who and when (DOMAIN.md 5.1).

    Kept when the consultation is anonymised (it holds nothing of the person); read by
    supervisors."""

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="openings",
        verbose_name=_("consultation"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,  # an account that read records is deactivated, not deleted
        related_name="+",
        verbose_name=_("opened by"),
    )

    class Meta:
        verbose_name = _("opening of a consultation")
        verbose_name_plural = _("openings of consultations")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["consultation", "-at"], name="consultation_opened_idx")]

    def __str__(self) -> str:
        return f"{self.consultation} {self.by}"


class ConsultationMessage(ConsultationRecord):
    """What the person wrote on their case page after sending the consultation (``by`` is
    empty: it is the person's)."""

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("consultation"),
    )
    body = EncryptedTextField(_("message"))

    class Meta(ConsultationRecord.Meta):
        verbose_name = _("message from the person")
        verbose_name_plural = _("messages from the person")
