"""The "more information needed" step, and the documents an applicant uploads.

While the office screens an application (submitted, contacted, interview arranged or held) a
coordinator may ask the applicant for more: ``request_information`` moves the application to
"more information requested" and pauses the deadline that was running; the applicant answers on
the status page (``receive_information``) and the application goes back to where it was. An
applicant may also add documents at any time while the application is open (``add_documents``).

Documents are PDF, PNG or JPEG, told by their content (``core.sniffing``), and kept encrypted
outside the web root (``core.documents``).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core import business_days, documents, sniffing
from core.public.forms import clean_text

from . import date_rules as rules
from . import emails
from .models import (
    DEADLINES,
    SCREENING,
    WORKFLOW,
    DispatchApplication,
    DispatchDocument,
    DispatchEvent,
    DocumentKind,
    Status,
)

DOCUMENTS_LABEL = gettext_lazy("Documents")


def deadline_field(status: str) -> str | None:
    """The deadline that runs in ``status`` (``contact_due_on`` while submitted,
    ``decision_due_on`` once the interview was held), or None."""
    return next((field for waiting, field in DEADLINES.values() if waiting == status), None)


def paused_business_days(
    paused_on: dt.date, answered_on: dt.date, *, closures: frozenset[dt.date] | None = None
) -> int:
    """The business days after ``paused_on`` up to and including ``answered_on``: the days the
    clock stood still while the office waited for the applicant."""
    count, day = 0, paused_on
    while day < answered_on:
        day += dt.timedelta(days=1)
        count += business_days.is_business_day(day, closures=closures)
    return count


@transaction.atomic
def request_information(
    application: DispatchApplication,
    *,
    by: AbstractBaseUser,
    what: str,
    now: dt.datetime | None = None,
) -> DispatchApplication:
    """Ask the applicant for more information (``what``: said in the history, the email and on
    the status page) and pause the deadline that was running until they answer."""
    what = what.strip()
    if not what:
        raise rules.refusal("what", _("Say what the applicant should send or answer."), "required")
    now = now or timezone.now()
    locked = DispatchApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != Status.INFO_REQUESTED and locked.status not in SCREENING:
        raise ValidationError(
            _("More information can be asked for only while the application is being screened."),
            code="invalid_transition",
        )
    moved = WORKFLOW.move(
        locked,
        Status.INFO_REQUESTED,
        by=by,
        action="info_requested",
        note=what,
        information_request=what,
        information_requested_at=now,
        paused_from=locked.status,
        paused_on=timezone.localdate(now),
    )
    emails.queue_information_request(moved)
    return moved


def receive_information(
    application: DispatchApplication,
    *,
    text: str,
    documents: Sequence[UploadedFile] = (),
    kind: str = DocumentKind.OTHER,
    now: dt.datetime | None = None,
) -> DispatchApplication:
    """The applicant's answer (and any documents): the application goes back to the status it
    came from, and the paused deadline moves on by the business days it was paused.

    Why moved on, not recomputed from the answer: the clock stops while the office waits and
    starts again where it stopped, so the office keeps exactly the time it had left (as the
    standard processing period of the Administrative Procedure Act leaves out the time an
    applicant takes to complete an application). Recomputing a full five days from the answer
    would let a request for information buy the office time, and an answer to a question asked
    on the last day would restart the whole period. The paused days are the business days after
    the day of the request up to the day the answer counts from (``received_on``: an answer
    after office hours or on a closed day counts from the next business day).

    Worked example: sent Mon 7 Dec 2026, contact due Mon 14 Dec; asked Wed 9 Dec; answered Fri
    11 Dec at 10:00 -> Thu 10 and Fri 11 were paused (2) -> contact due Wed 16 Dec (three
    business days were left on 9 Dec, and three are left after 11 Dec: 14, 15, 16).
    """
    text = text.strip()
    now = now or timezone.now()
    if not text:
        raise rules.refusal("answer", _("Write your answer to the office's question."), "required")
    check_uploads(documents)
    with _files_removed_on_error() as written, transaction.atomic():
        return _receive(
            application, text=text, files=documents, kind=kind, now=now, written=written
        )


def _receive(application, *, text, files, kind, now, written) -> DispatchApplication:
    locked = DispatchApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != Status.INFO_REQUESTED or locked.paused_from not in SCREENING:
        raise ValidationError(
            _("The office is not waiting for information on this application."),
            code="invalid_transition",
        )
    changes: dict = {"paused_from": "", "paused_on": None}
    field = deadline_field(locked.paused_from)
    if field and getattr(locked, field) and locked.paused_on:
        closures = business_days.office_closures()
        answered_on = business_days.received_on(now, closures=closures)
        paused = paused_business_days(locked.paused_on, answered_on, closures=closures)
        changes[field] = business_days.add_business_days(
            getattr(locked, field), paused, closures=closures
        )
    stored = _store(locked, files, kind=kind, now=now, written=written)
    moved = WORKFLOW.move(
        locked,
        locked.paused_from,
        by=None,
        action="info_received",
        note=_join(text, stored),
        **changes,
    )
    emails.queue_information_received(moved, answered=True, documents=len(stored))
    return moved


def add_documents(
    application: DispatchApplication,
    *,
    documents: Sequence[UploadedFile],
    kind: str = DocumentKind.OTHER,
    now: dt.datetime | None = None,
) -> list[DispatchDocument]:
    """Documents the applicant adds from the status page while the application is open."""
    if not documents:
        raise rules.refusal("documents", required_message(), "required")
    check_uploads(documents)
    with _files_removed_on_error() as written, transaction.atomic():
        return _add(application, files=documents, kind=kind, now=now, written=written)


def _add(application, *, files, kind, now, written) -> list[DispatchDocument]:
    locked = DispatchApplication.objects.select_for_update().get(pk=application.pk)
    if not locked.is_open:
        raise ValidationError(
            _("This application is closed: documents can no longer be added."),
            code="invalid_transition",
        )
    stored = _store(locked, files, kind=kind, now=now or timezone.now(), written=written)
    DispatchEvent.objects.create(
        application=locked,
        action="documents_added",
        from_status=locked.status,
        to_status=locked.status,
        note=_join("", stored),
    )
    emails.queue_information_received(locked, answered=False, documents=len(stored))
    return stored


def _join(text: str, stored: list[DispatchDocument]) -> str:
    names = [
        _("%(kind)s: %(name)s") % {"kind": d.get_kind_display(), "name": d.original_name}
        for d in stored
    ]
    return "\n".join(part for part in [text, *names] if part)


def _store(
    application, files, *, kind: str, now: dt.datetime, written: list[str]
) -> list[DispatchDocument]:
    """Encrypt and write each file (its name added to ``written``), then its row."""
    if kind not in DocumentKind.values:
        raise rules.refusal("kind", _("Select the kind of document."), "invalid_choice")
    stored = []
    for upload in files:
        upload.seek(0)
        content = upload.read()
        name = documents.store(content)
        written.append(name)
        stored.append(
            DispatchDocument.objects.create(
                application=application,
                kind=kind,
                original_name=safe_name(upload.name),
                content_type=sniffing.sniff(content[: sniffing.MAGIC_LENGTH]).content_type,
                size=len(content),
                uploaded_at=now,
                stored_name=name,
            )
        )
    return stored


@contextmanager
def _files_removed_on_error():
    """The names of the files written inside; they are removed again if the block fails (its
    transaction is rolled back, so no row names them)."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for name in written:
            documents.delete(name)
        raise


def safe_name(name: str) -> str:
    """The name the file had on the applicant's computer, for show: no folders, no control
    characters, at most 200 characters (keeping the ending)."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = clean_text(base, multiline=False) or "document"
    stem, ending = os.path.splitext(base)
    return stem[: 200 - len(ending[:20])] + ending[:20]


def required_message() -> str:
    return _("Choose at least one file for “%(label)s”.") % {"label": DOCUMENTS_LABEL}


def upload_problems(files: Sequence[UploadedFile], *, label=DOCUMENTS_LABEL) -> list[str]:
    """What is wrong with these files, each message naming the field and the file and saying
    how to put it right: too many, too large, not a PDF/PNG/JPEG by content, or a name that
    says another kind than the content is."""
    max_bytes, per_upload = (
        settings.DISPATCH_DOCUMENT_MAX_BYTES,
        settings.DISPATCH_DOCUMENTS_PER_UPLOAD,
    )
    if len(files) > per_upload:
        return [
            _(
                "Choose at most %(max)s files in “%(label)s” at a time (you chose %(count)s). "
                "Send the others in a second upload."
            )
            % {"max": per_upload, "label": label, "count": len(files)}
        ]
    problems = []
    allowed = pgettext("list separator", ", ").join(
        str(kind.label) for kind in sniffing.DOCUMENT_KINDS
    )
    for upload in files:
        name = safe_name(upload.name)
        named = {"name": name, "label": label}
        if upload.size > max_bytes:
            problems.append(
                _(
                    "“%(name)s” in “%(label)s” is %(size)s; each file may be at most %(max)s. "
                    "Make it smaller (for example, scan at a lower resolution) or split it, and "
                    "choose it again."
                )
                % {
                    **named,
                    "size": filesizeformat(upload.size),
                    "max": filesizeformat(max_bytes),
                }
            )
            continue
        upload.seek(0)
        actual = sniffing.sniff(upload.read(sniffing.MAGIC_LENGTH))
        upload.seek(0)
        claimed = sniffing.kind_of_name(name)
        if actual is None:
            problems.append(
                _(
                    "“%(name)s” in “%(label)s” is not a PDF, PNG or JPEG file (by its content). "
                    "Save or scan it as %(allowed)s and choose it again."
                )
                % {**named, "allowed": allowed}
            )
        elif claimed is not actual:
            suggested = os.path.splitext(name)[0] + actual.extensions[0]
            problems.append(
                _(
                    "“%(name)s” in “%(label)s” is %(actual)s, but its name does not say so. "
                    "Rename it to “%(suggested)s” (or choose the file you meant) and choose it "
                    "again."
                )
                % {**named, "actual": actual.label, "suggested": suggested}
            )
    return problems


def check_uploads(files: Sequence[UploadedFile]) -> None:
    problems = upload_problems(files)
    if problems:
        raise ValidationError(
            {"documents": [ValidationError(p, code="invalid_document") for p in problems]}
        )


def delete_documents_of(pks) -> int:
    """Remove the documents of these applications: their rows now, their files once the
    transaction commits (retention; dispatch/retention.py)."""
    rows = DispatchDocument.objects.filter(application__in=pks)
    names = list(rows.values_list("stored_name", flat=True))
    count, _by_model = rows.delete()
    transaction.on_commit(lambda: [documents.delete(name) for name in names])
    return count
