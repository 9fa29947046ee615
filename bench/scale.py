"""Scale: bulk data of a few years' use, then the admin changelists and the nightly/morning jobs
timed in-process. Runs inside ``python -m bench`` (Django set up on bench.settings).

The data is shaped like the real thing: almost everything old is closed or finished, and what
was already anonymised on earlier nights is blank, so each job sees one ordinary day's work
(and the retention job one night's, including a whole session's registrants).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import statistics
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from consultations.models import Consultation
from consultations.models import Status as CStatus
from core import business_days, encryption, retention
from core.choices import Industry
from core.models import JobRun
from core.references import new_reference
from dispatch.models import DeadlineAlert, DispatchApplication, LegalForm, ManualState
from dispatch.models import Status as DStatus
from seminars.models import Level, Registration, RegistrationStatus, Seminar

CHANGELISTS = {
    "consultations": "/admin/consultations/consultation/",
    "dispatch applications": "/admin/dispatch/dispatchapplication/",
    "registrations": "/admin/seminars/registration/",
    "outbox": "/admin/mail/outboxemail/",
}
# Not changelists, timed for information against the same limit: the staff's home page.
ADMIN_PAGES = {"admin home (dashboard and charts)": "/admin/"}
DETAILS = (
    "取引先の担当者から長時間の電話が続き、要求に応じないと取引を打ち切ると言われています。" * 4
)
BATCH = 2000


@dataclass
class Timing:
    name: str
    seconds: list[float]
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def _day(now: dt.datetime, days_ago: float) -> dt.datetime:
    return now - dt.timedelta(days=days_ago)


def create_consultations(count: int, *, now: dt.datetime, rng: random.Random) -> None:
    span = settings.RETENTION_CONSULTATION_DAYS + 30  # a little more than the retention period
    cutoff = _day(now, settings.RETENTION_CONSULTATION_DAYS)
    industries = Industry.values
    rows = []
    for index in range(count):
        received = _day(now, span * index / count + rng.random() / 24)
        age = (now - received).days
        if age <= 1:
            status = CStatus.RECEIVED
        elif age <= 6:
            status = rng.choice([CStatus.IN_PROGRESS, CStatus.AWAITING_CALL, CStatus.ANSWERED])
        elif rng.random() < 0.002:  # the odd forgotten one: overdue for the digest
            status = CStatus.IN_PROGRESS
        else:
            status = rng.choice([CStatus.CLOSED] * 9 + [CStatus.OUT_OF_SCOPE])
        closed_at = received + dt.timedelta(days=7) if status == CStatus.CLOSED else None
        # Anonymised on an earlier night: everything closed before yesterday's cutoff.
        done = closed_at is not None and closed_at < cutoff - dt.timedelta(days=1)
        email = "" if done else f"c{index}@example.jp"
        received_on = received.date()
        rows.append(
            Consultation(
                reference=new_reference("C"),
                submission_key=uuid.uuid4(),
                language="ja",
                received_at=received,
                received_on=received_on,
                reply_expected_from=received_on + dt.timedelta(days=1),
                reply_due_on=received_on + dt.timedelta(days=5),
                requester_type=rng.choice(["business", "worker", "customer"]),
                eligibility_confirmed=True,
                name="" if done else f"相談者 {index}",
                email=email,
                email_index=encryption.blind_index(email) if email else "",
                phone="" if done else "03-1234-5678",
                organisation="" if done else "株式会社サンプル",
                industry=rng.choice(industries),
                job_role="" if done else "店長",
                topic=rng.choice(["incident_response", "policy_manual", "business_partner"]),
                conduct_types=["verbal_abuse", "persistent"],
                channel="phone",
                details="" if done else DETAILS,
                tried_so_far="",
                consented_at=received,
                status=status,
                first_response_at=received + dt.timedelta(days=1) if age > 6 else None,
                closed_at=closed_at,
                anonymised_at=closed_at + dt.timedelta(days=1096) if done else None,
            )
        )
        if len(rows) == BATCH:
            Consultation.objects.bulk_create(rows)
            rows = []
    Consultation.objects.bulk_create(rows)


def create_applications(count: int, *, now: dt.datetime, rng: random.Random) -> None:
    span = settings.RETENTION_DISPATCH_DAYS + 30
    cutoff = _day(now, settings.RETENTION_DISPATCH_DAYS)
    rows = []
    for index in range(count):
        submitted = _day(now, span * index / count + rng.random() / 24)
        age = (now - submitted).days
        received_on = submitted.date()
        decision_due_on = None
        if age <= 7:
            status = DStatus.SUBMITTED
        elif age <= 20:
            status = DStatus.INTERVIEW_HELD
            decision_due_on = (now + dt.timedelta(days=rng.randint(-1, 6))).date()
        elif age <= 120:
            status = rng.choice([DStatus.APPROVED, DStatus.SCHEDULING, DStatus.IN_PROGRESS])
        else:
            status = rng.choice([DStatus.COMPLETED] * 3 + [DStatus.REJECTED, DStatus.WITHDRAWN])
        done = status in (DStatus.COMPLETED, DStatus.REJECTED, DStatus.WITHDRAWN) and (
            submitted < cutoff - dt.timedelta(days=1)
        )
        rows.append(
            DispatchApplication(
                reference=new_reference("D"),
                token=secrets.token_urlsafe(32),
                submission_key=uuid.uuid4(),
                language="ja",
                fiscal_year=(submitted - dt.timedelta(days=90)).year,
                status=status,
                submitted_at=submitted,
                received_on=received_on,
                contact_due_on=received_on + dt.timedelta(days=7),
                decision_due_on=decision_due_on,
                organisation_name=f"東京都ベンチ業協同組合 {index}",
                organisation_kana="トウキョウトベンチギョウキョウドウクミアイ",
                legal_form=LegalForm.values[0],
                postal_code="163-8001",
                address="東京都新宿区西新宿2-8-1",
                industry=rng.choice(Industry.values),
                member_count=rng.randint(10, 500),
                sme_share=80,
                representative_name="" if done else "代表 太郎",
                representative_title="" if done else "理事長",
                contact_department="" if done else "事務局",
                contact_name="" if done else "担当 花子",
                contact_phone="" if done else "03-1234-5678",
                contact_email="" if done else f"d{index}@example.jp",
                current_measures="" if done else "会員向けの研修を年に一度行っています。",
                manual_state=ManualState.values[0],
                support_wanted=["manual_drafting", "training"],
                visits_wanted=3,
                consented_at=submitted,
                anonymised_at=now - dt.timedelta(days=2) if done else None,
            )
        )
        if not done:
            rows[-1].fill_blind_indexes()  # (bulk_create does not call save())
        if len(rows) == BATCH:
            DispatchApplication.objects.bulk_create(rows)
            rows = []
    DispatchApplication.objects.bulk_create(rows)


def create_session(
    number: int,
    *,
    fiscal_year: int,
    starts_at: dt.datetime,
    opens_on: dt.date,
    closes_on: dt.date,
    capacity: int,
) -> Seminar:
    """A published two-hour session of the bench (the scale data, the rushes)."""
    return Seminar.objects.create(
        number=number,
        fiscal_year=fiscal_year,
        level=Level.BASIC,
        title_ja=f"ベンチ第{number}回",
        title_en=f"Bench session {number}",
        overview_ja="概要",
        overview_en="Overview",
        agenda_ja="議題",
        agenda_en="Agenda",
        speaker_ja="講師",
        speaker_en="Speaker",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        application_opens_on=opens_on,
        application_closes_on=closes_on,
        capacity=capacity,
        published=True,
    )


def create_registrations(
    count: int, *, per_session: int, now: dt.datetime, reminder_day: dt.date
) -> None:
    """Monthly sessions back to the retention period's end, each full; one starting on the
    reminder job's next business day, and one that ended exactly a retention period ago."""
    sessions = max(count // per_session, 2)
    retention_end = _day(now, settings.RETENTION_REGISTRATION_DAYS)
    starts = [
        timezone.make_aware(
            dt.datetime.combine(business_days.next_business_day(reminder_day), dt.time(14))
        )
    ]
    starts.append(retention_end - dt.timedelta(hours=3))  # due for anonymising tonight
    starts += [retention_end + dt.timedelta(days=30 * k) for k in range(1, sessions - 1)]
    for number, starts_at in enumerate(starts, start=100):
        seminar = create_session(
            number,
            fiscal_year=2000 + number,
            starts_at=starts_at,
            opens_on=(starts_at - dt.timedelta(days=40)).date(),
            closes_on=(starts_at - dt.timedelta(days=1)).date(),
            capacity=per_session,
        )
        # Sessions anonymised on earlier nights; the one that ended today a period ago is due.
        past = starts_at + dt.timedelta(hours=2) < retention_end - dt.timedelta(days=1)
        registrations = [
            Registration(
                seminar=seminar,
                reference=new_reference("S"),
                token=secrets.token_urlsafe(32),
                language="ja",
                status=RegistrationStatus.CONFIRMED,
                registered_at=starts_at - dt.timedelta(days=20),
                name="" if past else f"参加者 {i}",
                name_kana="" if past else "サンカシャ",
                email=f"anonymised-{number}-{i}@example.invalid" if past else f"r{i}@example.jp",
                organisation="" if past else "株式会社サンプル",
                attendee_type="hr_staff",
                industry="retail",
                location="tokyo",
                consented_at=starts_at - dt.timedelta(days=20),
                anonymised_at=now - dt.timedelta(days=1) if past else None,
            )
            for i in range(per_session)
        ]
        for registration in registrations:  # (bulk_create does not call save())
            if not past:
                registration.fill_blind_indexes()
        Registration.objects.bulk_create(registrations)


def timed(name: str, function, *, runs: int, reset=None, note: str = "") -> Timing:
    seconds = []
    for _run in range(runs):
        if reset:
            reset()
        started = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - started)
    return Timing(name, seconds, note)


def measure(*, runs: int, reminder_day: dt.date, now: dt.datetime) -> list[Timing]:
    user, _created = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    timings = []
    pages = {f"admin changelist: {name}": url for name, url in CHANGELISTS.items()}
    for name, url in {**pages, **ADMIN_PAGES}.items():

        def get(url=url):
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")

        get()  # warm: templates, permissions
        timings.append(timed(name, get, runs=runs))

    digest_day = reminder_day
    consultations_due = Consultation.objects.overdue(on=digest_day).count()
    consultations_due += Consultation.objects.due(on=digest_day).count()

    def digest():
        from consultations.services import send_due_digest

        send_due_digest(today=digest_day)

    timings.append(
        timed(
            "job: consultations due digest",
            digest,
            runs=runs,
            reset=lambda: JobRun.objects.all().delete(),
            note=f"{consultations_due} listed",
        )
    )

    def alerts():
        from dispatch.services import send_deadline_alerts

        send_deadline_alerts(today=digest_day)

    timings.append(
        timed(
            "job: dispatch deadline alerts",
            alerts,
            runs=runs,
            reset=lambda: DeadlineAlert.objects.all().delete(),
            note=f"{_count_alerts(digest_day)} alerts",
        )
    )

    reminded = Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        seminar__starts_at__date=business_days.next_business_day(reminder_day),
    )

    def reminders():
        from seminars.tasks import queue_reminders

        queue_reminders(today=reminder_day)

    def reminders_with_their_batches():
        from unittest import mock

        from seminars import tasks

        # The batches the job hands to workers, run here one after another instead.
        with mock.patch("seminars.tasks.send_reminder_batch.delay", tasks.send_reminder_batch):
            tasks.queue_reminders(today=reminder_day)

    count = reminded.count()
    for label, job, note in [
        ("(finds, hands batches to tasks)", reminders, f"{count} due, in batches of 100"),
        ("with its batches run in-process", reminders_with_their_batches, f"{count} emails stored"),
    ]:
        timings.append(
            timed(
                f"job: seminar reminders {label}",
                job,
                runs=runs,
                reset=lambda: reminded.update(reminded_at=None),
                note=note,
            )
        )

    due = {
        rule.label: list(retention._due(rule, now).values_list("pk", flat=True))
        for rule in retention.rules()
    }

    def reset_retention():
        for rule in retention.rules():
            model = rule.due(now).model
            model.objects.filter(pk__in=due[rule.label]).update(anonymised_at=None)

    def anonymise():
        retention.anonymise_due(now=now)

    note = ", ".join(f"{len(pks)} {label}" for label, pks in due.items())
    timings.append(
        timed(
            "job: retention (anonymise_due)", anonymise, runs=runs, reset=reset_retention, note=note
        )
    )
    return timings


def _count_alerts(today: dt.date) -> int:
    tomorrow = business_days.next_business_day(today)
    waiting = DispatchApplication.objects
    return (
        waiting.filter(status=DStatus.SUBMITTED, contact_due_on__lte=tomorrow).count()
        + waiting.filter(status=DStatus.INTERVIEW_HELD, decision_due_on__lte=tomorrow).count()
    )


def a_business_day(now: dt.datetime) -> dt.date:
    today = timezone.localdate(now)
    return today if business_days.is_business_day(today) else business_days.next_business_day(today)
