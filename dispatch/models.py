"""Expert-dispatch applications, the office's experts, and the visits."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import Industry
from core.constraints import ChoicesConstraint
from core.corporate_number import validate_corporate_number
from core.fields import (
    BlindIndexed,
    EncryptedCharField,
    EncryptedEmailField,
    EncryptedTextField,
    HashedTokenQuerySet,
)
from core.history import History
from core.models import StatusEvent
from core.workflow import Workflow

MAX_VISITS = 5  # per organisation and fiscal year
CONTACT_WITHIN = 5  # business days after receipt
DECIDE_WITHIN = 5  # business days after the interview


class LegalForm(models.TextChoices):
    SME_ORGANISATION = (
        "sme_organisation",
        _("SME organisation under the Act on the Organisation of SME Cooperatives"),
    )
    GENERAL_ASSOCIATION = (
        "general_association",
        _("General (or public-interest) incorporated association or foundation"),
    )
    OTHER_ENTITY = "other_entity", _("Other legal entity with SME members")


class ManualState(models.TextChoices):
    NONE = "none", _("No manual yet")
    DRAFTING = "drafting", _("A manual is being drafted")
    EXISTS = "exists", _("A manual exists and needs review")


class Support(models.TextChoices):
    MANUAL_DRAFTING = "manual_drafting", _("Drafting a manual")
    MANUAL_REVIEW = "manual_review", _("Reviewing an existing draft")
    SECTOR_ISSUES = "sector_issues", _("Issues specific to our sector")
    DESK_DESIGN = "desk_design", _("Designing a consultation desk for members")
    MENTAL_CARE = "mental_care", _("Mental care for staff")
    LEGAL = "legal", _("Legal questions")
    TRAINING = "training", _("Training for members")


class Completion(models.TextChoices):
    """How the support of an organisation ended (DOMAIN.md 1.3: "when the manual is delivered
    or 5 visits are used")."""

    VISITS_USED = "visits_used", _("The visits are used (five, or all those wanted)")
    MANUAL_DELIVERED = "manual_delivered", _("The manual is finished and delivered")


class Specialism(models.TextChoices):
    LABOUR = "labour", _("Labour management")
    MENTAL_HEALTH = "mental_health", _("Mental health care")
    CONSUMER = "consumer", _("Consumer protection")
    LAW = "law", _("Law")
    INDUSTRY = "industry", _("Industry knowledge")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    CONTACTED = "contacted", _("Contacted: interview being arranged")
    INTERVIEW_SCHEDULED = "interview_scheduled", _("Interview scheduled")
    INTERVIEW_HELD = "interview_held", _("Interview held")
    INFO_REQUESTED = "info_requested", _("More information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")
    SCHEDULING = "scheduling", _("Visits being scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# While the office screens an application it may ask the applicant for more information
# (documents, an answer): the application waits in INFO_REQUESTED, its deadline paused, and
# goes back to the status it came from (``paused_from``) when the applicant answers.
SCREENING = frozenset(
    {Status.SUBMITTED, Status.CONTACTED, Status.INTERVIEW_SCHEDULED, Status.INTERVIEW_HELD}
)
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset(
        {Status.CONTACTED, Status.INFO_REQUESTED, Status.REJECTED, Status.WITHDRAWN}
    ),
    Status.CONTACTED: frozenset(
        {Status.INTERVIEW_SCHEDULED, Status.INFO_REQUESTED, Status.REJECTED, Status.WITHDRAWN}
    ),
    Status.INTERVIEW_SCHEDULED: frozenset(
        {Status.INTERVIEW_HELD, Status.INFO_REQUESTED, Status.WITHDRAWN}
    ),
    Status.INTERVIEW_HELD: frozenset(
        {Status.APPROVED, Status.INFO_REQUESTED, Status.REJECTED, Status.WITHDRAWN}
    ),
    # Back only to the status it came from (the service checks ``paused_from``).
    Status.INFO_REQUESTED: SCREENING | {Status.REJECTED, Status.WITHDRAWN},
    Status.APPROVED: frozenset({Status.SCHEDULING, Status.WITHDRAWN}),
    Status.SCHEDULING: frozenset({Status.IN_PROGRESS, Status.COMPLETED, Status.WITHDRAWN}),
    Status.IN_PROGRESS: frozenset({Status.COMPLETED, Status.WITHDRAWN}),
    Status.REJECTED: frozenset(),
    Status.COMPLETED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
WORKFLOW = Workflow(Status, TRANSITIONS)

# What an applicant submits, in the sections of the form (and of "check your answers").
ORGANISATION_FIELDS = (
    "organisation_name",
    "organisation_kana",
    "corporate_number",
    "legal_form",
    "postal_code",
    "address",
    "industry",
    "member_count",
    "sme_share",
    "representative_name",
    "representative_title",
)
CONTACT_FIELDS = ("contact_department", "contact_name", "contact_phone", "contact_email")
NEEDS_FIELDS = (
    "current_measures",
    "manual_state",
    "support_wanted",
    "support_details",
    "preferred_periods",
    "visit_place",
    "visits_wanted",
)
SUBMITTED_FIELDS = (*ORGANISATION_FIELDS, *CONTACT_FIELDS, *NEEDS_FIELDS)
# The steps that carry a deadline, and the field that holds it.
DEADLINES = {
    "contact": (Status.SUBMITTED, "contact_due_on"),
    "decision": (Status.INTERVIEW_HELD, "decision_due_on"),
}
FINISHED_STATUSES = frozenset({Status.REJECTED, Status.COMPLETED, Status.WITHDRAWN})
ACTIVE_STATUSES = frozenset({Status.APPROVED, Status.SCHEDULING, Status.IN_PROGRESS})


class Expert(BlindIndexed, models.Model):
    blind_indexed = ("email",)

    name = models.CharField(_("name"), max_length=100)  # shown to the applicants
    # Contact details, encrypted at rest; the address is found again through ``email_index``.
    email = EncryptedEmailField(_("email address"))
    email_index = models.CharField(max_length=64, editable=False, default="")
    phone = EncryptedCharField(_("phone number"), max_length=20, blank=True)
    specialisms = models.JSONField(_("specialisms"), default=list)
    industries = models.JSONField(_("industries known"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    history = History()

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApplicationQuerySet(HashedTokenQuerySet):
    def overdue(self, *, on: dt.date) -> ApplicationQuerySet:
        return self.filter(
            Q(status=Status.SUBMITTED, contact_due_on__lt=on)
            | Q(status=Status.INTERVIEW_HELD, decision_due_on__lt=on)
        )

    def due_between(self, start: dt.date, end: dt.date) -> ApplicationQuerySet:
        return self.filter(
            Q(status=Status.SUBMITTED, contact_due_on__range=(start, end))
            | Q(status=Status.INTERVIEW_HELD, decision_due_on__range=(start, end))
        )


class DispatchApplication(BlindIndexed, models.Model):
    blind_indexed = ("contact_email",)
    hashed_tokens = ("token",)

    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    # The secret of the status link: kept encrypted, for the emails that carry the link, and
    # looked up by its hash.
    token = EncryptedCharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001 (unique: NULL once the link is gone)
    submission_key = models.UUIDField(_("submission key"), unique=True, editable=False)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted"))
    received_on = models.DateField(_("counts from (business day)"))
    contact_due_on = models.DateField(_("contact due"), db_index=True)
    contacted_at = models.DateTimeField(_("contacted"), null=True, blank=True)
    interview_at = models.DateTimeField(_("interview"), null=True, blank=True)
    interview_held_on = models.DateField(_("interview held"), null=True, blank=True)
    decision_due_on = models.DateField(_("decision due"), null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    completion = models.CharField(
        _("how the support ended"), max_length=20, choices=Completion.choices, blank=True
    )
    # A request for more information: what was asked, when, and the status (with its
    # deadline) that is paused until the applicant answers.
    information_request = EncryptedTextField(_("information requested"), blank=True)
    information_requested_at = models.DateTimeField(
        _("information requested at"), null=True, blank=True
    )
    paused_from = models.CharField(
        _("paused in status"), max_length=30, choices=Status.choices, blank=True
    )
    paused_on = models.DateField(_("deadline paused on"), null=True, blank=True)
    expert = models.ForeignKey(
        Expert,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("assigned expert"),
    )

    organisation_name = models.CharField(_("organisation name"), max_length=200)
    organisation_kana = models.CharField(_("organisation name (reading)"), max_length=200)
    # Who the organisation is, for the five-visit cap (the name is kept for show: "（一社）" and
    # "一般社団法人" are one organisation). Empty on applications made before it was asked.
    corporate_number = models.CharField(
        _("corporate number"), max_length=13, blank=True, validators=[validate_corporate_number]
    )
    legal_form = models.CharField(_("legal form"), max_length=30, choices=LegalForm.choices)
    postal_code = models.CharField(_("postal code"), max_length=8)
    address = models.CharField(_("main office address"), max_length=300)
    industry = models.CharField(_("industry"), max_length=30, choices=Industry.choices)
    member_count = models.PositiveIntegerField(_("number of member companies"))
    sme_share = models.PositiveSmallIntegerField(_("share of SME members (%)"))
    # The people's details and what the applicant wrote are encrypted at rest; the contact
    # address is found again through ``contact_email_index``. The organisation is not
    # personal data and stays searchable.
    representative_name = EncryptedCharField(_("representative's name"), max_length=100)
    representative_title = EncryptedCharField(_("representative's title"), max_length=100)
    contact_department = EncryptedCharField(_("contact person's department"), max_length=100)
    contact_name = EncryptedCharField(_("contact person's name"), max_length=100)
    contact_phone = EncryptedCharField(_("contact phone number"), max_length=20)
    contact_email = EncryptedEmailField(_("contact email address"))
    contact_email_index = models.CharField(max_length=64, editable=False, default="")
    current_measures = EncryptedTextField(_("current measures against customer harassment"))
    manual_state = models.CharField(_("manual"), max_length=20, choices=ManualState.choices)
    support_wanted = models.JSONField(_("support wanted"), default=list)
    support_details = EncryptedTextField(_("what you would like from the expert"), blank=True)
    preferred_periods = EncryptedTextField(_("preferred months, days and times"), blank=True)
    visit_place = models.CharField(_("place of the visits"), max_length=300, blank=True)
    visits_wanted = models.PositiveSmallIntegerField(_("number of visits wanted"))
    consented_at = models.DateTimeField(_("declarations and consent given"))
    anonymised_at = models.DateTimeField(_("personal data removed"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()
    history = History()

    class Meta:
        verbose_name = _("dispatch application")
        verbose_name_plural = _("dispatch applications")
        ordering = ["-submitted_at"]
        # The admin's list order (newest first, then by id): its page is read from the index.
        indexes = [
            models.Index(fields=["submitted_at", "id"], name="dispatch_submitted_idx"),
            # The five-visit cap finds the organisation's applications of the year by number.
            models.Index(fields=["fiscal_year", "corporate_number"], name="dispatch_corporate_idx"),
        ]
        constraints = [
            ChoicesConstraint(field="status", values=Status.values, name="dispatch_status_valid"),
            models.CheckConstraint(
                condition=Q(visits_wanted__gte=1, visits_wanted__lte=5),
                name="dispatch_visits_wanted_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.organisation_name}"

    @property
    def place_of_visits(self) -> str:
        return self.visit_place or self.address

    @property
    def is_open(self) -> bool:
        """Still being handled: documents may be added to it."""
        return self.status not in FINISHED_STATUSES and self.anonymised_at is None


# What each line of an application's history says, for the coordinators who read it.
EVENT_ACTIONS = {
    "submitted": _("Sent with the application form"),
    "contacted": _("Applicant contacted"),
    "interview_scheduled": _("Interview scheduled"),
    "interview_held": _("Interview held"),
    "approved": _("Approved, expert assigned"),
    "rejected": _("Not approved"),
    "withdrawn": _("Withdrawn by the applicant"),
    "completed": _("Completed"),
    "info_requested": _("More information requested"),
    "info_received": _("Information received from the applicant"),
    "documents_added": _("Documents added by the applicant"),
    "visit_planned": _("Visit planned"),
    "visit_done": _("Visit recorded"),
    "corporate_number_recorded": _("Corporate number recorded"),
}


class DispatchEvent(StatusEvent):
    application = models.ForeignKey(
        DispatchApplication,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("application"),
    )

    class Meta(StatusEvent.Meta):
        pass

    @property
    def action_label(self) -> str:
        return str(EVENT_ACTIONS.get(self.action, self.action))

    def __str__(self) -> str:
        return f"{self.application.reference} {self.action_label}"


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class DispatchVisit(models.Model):
    application = models.ForeignKey(
        DispatchApplication,
        on_delete=models.CASCADE,
        related_name="visits",
        verbose_name=_("application"),
    )
    starts_at = models.DateTimeField(_("date and time"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300)
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="visits", verbose_name=_("expert")
    )
    expert_change_reason = models.TextField(_("why another expert"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    report = models.TextField(_("report"), blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True, editable=False)
    calendar_sequence = models.PositiveIntegerField(
        _("calendar version"), default=0, editable=False
    )
    history = History()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.application.reference} {timezone.localdate(self.starts_at):%Y-%m-%d}"


class DeadlineAlert(models.Model):
    """A reminder or escalation sent for one deadline of one application: each goes once."""

    application = models.ForeignKey(
        DispatchApplication, on_delete=models.CASCADE, related_name="alerts"
    )
    deadline = models.CharField(max_length=20)  # "contact" or "decision"
    stage = models.CharField(max_length=20)  # "reminder" or "escalation"
    due_on = models.DateField()
    sent_on = models.DateField()

    class Meta:
        verbose_name = _("deadline alert")
        verbose_name_plural = _("deadline alerts")
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "deadline", "stage", "due_on"], name="deadline_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.deadline} {self.stage}"


class DocumentKind(models.TextChoices):
    ARTICLES = "articles", _("Articles of association")
    MEMBER_LIST = "member_list", _("List of members")
    TAX_CERTIFICATE = "tax_certificate", _("Tax payment certificate")
    OTHER = "other", _("Other document")


class DispatchDocument(models.Model):
    """A file the applicant uploaded from the status page (PDF, PNG or JPEG, checked by its
    content). The file is stored encrypted under a random name (``core.documents``); the name
    it was uploaded with is kept encrypted here, for the coordinators."""

    application = models.ForeignKey(
        DispatchApplication,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind of document"), max_length=20, choices=DocumentKind.choices)
    original_name = EncryptedCharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    stored_name = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["uploaded_at", "pk"]
        permissions = [("download_dispatchdocument", _("Can download an applicant's document"))]
        constraints = [
            ChoicesConstraint(
                field="kind", values=DocumentKind.values, name="dispatch_document_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.get_kind_display()}"
