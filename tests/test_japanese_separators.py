"""Japanese emails and pages use full-width separators around what the templates fill in
(受付番号：C-…, 期限：…、…, （…）, 〜); English keeps "Reference: C-…", ", ", "( )" and "to".
Every email the portal sends is rendered here in both languages (review of 3 December)."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from consultations.models import ConsultationReply
from consultations.tests.factories import TOKYO, make_consultation
from core.templatetags.portal import office_date
from dispatch import services
from dispatch.models import DispatchVisit
from dispatch.tests.factories import approved_application, make_application, make_expert
from mail.outbox import render_email
from seminars.tests.factories import make_seminar, register

pytestmark = pytest.mark.django_db

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
ASCII_SEPARATOR = re.compile(r"[:,] |[()]")  # what the templates used to put around Japanese
VISIT_START = dt.datetime(2026, 12, 4, 14, 30, tzinfo=TOKYO)


def lines(email) -> list[str]:
    """What a reader sees, line by line, in the subject and both bodies."""
    html = re.sub(r"(?s)<(head|style)\b.*?</\1>", "", email.body_html)
    html = re.sub(r"(?i)<br\s*/?>|</(p|li|tr|h\d|div|th|td)>", "\n", html)
    text = re.sub(r"<[^>]+>", "", html)
    return [email.subject, *email.body_text.splitlines(), *text.splitlines()]


def every_email(language: str) -> dict[str, object]:
    """Each email template rendered in ``language`` with the records it is sent about."""
    consultation = make_consultation(language=language)
    reply = ConsultationReply(consultation=consultation, body="回答本文です。")
    application = make_application(language=language)
    expert = make_expert()
    visit = DispatchVisit(
        application=application,
        starts_at=VISIT_START,
        ends_at=VISIT_START + dt.timedelta(hours=2),
        place="東京都新宿区西新宿2-8-1",
        expert=expert,
    )
    seminar = make_seminar()
    registration = register(seminar, language=language)
    seminar_context = {"registration": registration, "seminar": seminar, "manage_url": "/x/"}
    emails = {}

    def render(name, template, **context):
        emails[name] = render_email(template, context, to="a@example.jp", language=language)

    base = {"consultation": consultation}
    render("consultation confirmation", "consultations/emails/confirmation", **base)
    render("consultation reply", "consultations/emails/reply", reply=reply, **base)
    render("consultation referral", "consultations/emails/referral", **base)
    render(
        "due digest",
        "consultations/emails/due_digest",
        today=dt.date(2026, 12, 4),
        overdue=[consultation],
        due=[consultation],
        total=2,
    )
    applicant = {"application": application, "status_url": "https://example.jp/s/"}
    render("acknowledgement", "dispatch/emails/acknowledgement", **applicant)
    application.status, application.expert = "approved", expert
    render("approval", "dispatch/emails/decision", **applicant)
    application.status, application.decision_reason = "rejected", "対象外の業種のため"
    render("refusal", "dispatch/emails/decision", **applicant)
    for name in ["visit", "visit_cancelled", "visit_expert", "visit_cancelled_expert"]:
        render(name, f"dispatch/emails/{name}", visit=visit, **applicant)
    for stage in ["reminder", "escalation"]:
        for deadline in ["contact", "decision"]:
            render(
                f"deadline alert {stage} {deadline}",
                "dispatch/emails/deadline_alert",
                application=application,
                stage=stage,
                deadline=deadline,
                due_on=dt.date(2026, 12, 4),
            )
    for name in ["confirmation", "waiting", "promoted", "reminder", "archive"]:
        render(f"seminar {name}", f"seminars/emails/{name}", **seminar_context)
    render("seminar cancelled", "seminars/emails/cancelled", by_office=False, **seminar_context)
    items = [{"registration": registration, "seminar": seminar, "manage_url": "/x/"}]
    render("my registrations", "seminars/emails/my_registrations", items=items)
    render("test email", "emails/test_message")
    return emails


def test_no_ascii_separator_next_to_japanese_in_any_japanese_email():
    found = {
        name: [line for line in lines(email) if JAPANESE.search(line)]
        for name, email in every_email("ja").items()
    }
    found = {
        name: bad
        for name, japanese in found.items()
        if (bad := [line for line in japanese if ASCII_SEPARATOR.search(line)])
    }
    assert found == {}


def test_the_japanese_confirmation_email_reads_as_the_office_writes():
    with translation.override("ja"):
        email = every_email("ja")["consultation confirmation"]
    body = email.body_text
    assert re.search(r"^受付番号：C-\w+$", body, re.M)
    assert "受付日時：2026年12月1日（火）10:00" in body  # the email label, not the status 受付
    assert "受付日時" in email.body_html  # the table header too (msgctxt "email label")
    assert "回答予定：2026年12月2日（水）以降" in body
    assert "電話相談：0120-182-276" in body
    assert "電話（フリーダイヤル）：0120-182-276（平日9時〜17時）" in body


def test_japanese_emails_put_values_in_full_width_brackets_and_commas():
    emails = every_email("ja")
    assert "期限超過（1件）" in emails["due digest"].body_text
    assert re.search(r"期限：2026年12月\d+日（.）、.+、未割当て", emails["due digest"].body_text)
    assert "日時：2026年12月4日（金）14:30〜16:30" in emails["visit"].body_text
    assert "お問合せ先：事務局 連絡 花子（03-1234-5678）" in emails["visit_expert"].body_text
    assert "事務局からご連絡する期限：" in emails["acknowledgement"].body_text
    assert re.search(r"〜\d\d:\d\d（参加確定、S-", emails["my registrations"].body_text)
    assert "期限超過：申込団体への連絡" in emails["deadline alert escalation contact"].subject


def test_english_emails_keep_ascii_separators():
    emails = every_email("en")
    confirmation = emails["consultation confirmation"].body_text
    assert re.search(r"^Reference: C-\w+$", confirmation, re.M)
    assert "Received: Tuesday 1 December 2026, 10:00" in confirmation
    assert "Received</th>" in emails["consultation confirmation"].body_html
    assert "Reply expected: from Wednesday 2 December 2026" in confirmation
    assert "Phone (toll-free): 0120-182-276 (weekdays 9:00-17:00)" in confirmation
    assert "Overdue (1)" in emails["due digest"].body_text
    assert re.search(r" due \w+ \d+ \w+ 2026, .+, unassigned", emails["due digest"].body_text)
    visit = emails["visit"].body_text
    assert "Date and time: Friday 4 December 2026, 14:30 to 16:30 (Japan time)" in visit
    assert "We will contact you by: " in emails["acknowledgement"].body_text
    assert re.search(r" \(Registered, S-", emails["my registrations"].body_text)
    assert "Deadline missed: contact the applicant" in (
        emails["deadline alert escalation contact"].subject
    )


@pytest.mark.parametrize(
    "language, period, past",
    [
        (
            "ja",
            r"\d+年\d+月\d+日（.）〜\d+年\d+月\d+日（.）",
            r"第\d+回：カスハラの基礎</a>（.+（.）開催）",
        ),
        (
            "en",
            r"\w+day \d+ \w+ \d{4} to \w+day \d+ \w+ \d{4}",
            r"Session \d+: .+</a> \(\w+day .+\)",
        ),
    ],
)
def test_seminar_pages_show_the_application_period_and_past_sessions(
    client, language, period, past
):
    seminar = make_seminar()
    make_seminar(starts_in_days=-30, opens_days_ago=60, closes_days_before=3)
    detail = client.get(f"/{language}/seminars/{seminar.pk}/").content.decode()
    listing = client.get(f"/{language}/seminars/").content.decode()
    assert re.search(f"<dd>{period}</dd>", detail) and re.search(f"<dd>{period}</dd>", listing)
    assert " – " not in detail + listing
    assert re.search(past, listing)


@pytest.mark.parametrize(
    "language, steps, visits",
    [
        (
            "ja",
            [
                "お申込み受付：2026年5月1日（金）",
                r"面談日程調整のご連絡：\d+年\d+月\d+日（.）<",
                "事前面談：2026年5月18日（月）",
                r"派遣の可否の決定：\d+年\d+月\d+日（.）<",
            ],
            [
                "2026年6月2日（火）14:00〜16:00　東京都新宿区西新宿2-8-1（佐藤 一郎、実施済み）",
                "2026年6月9日（火）14:00〜16:00　東京都新宿区西新宿2-8-1（佐藤 一郎）",
            ],
        ),
        (
            "en",
            [
                "Application received: Friday 1 May 2026",
                r"Contact to arrange the interview: \w+day \d+ \w+ \d{4}<",
                "Preliminary interview: Monday 18 May 2026",
                r"Decision: \w+day \d+ \w+ \d{4}<",
            ],
            [
                "Tuesday 2 June 2026, 14:00 to 16:00 (Japan time), 東京都新宿区西新宿2-8-1 "
                "(佐藤 一郎, done)",
                "Tuesday 9 June 2026, 14:00 to 16:00 (Japan time), 東京都新宿区西新宿2-8-1 "
                "(佐藤 一郎)",
            ],
        ),
    ],
)
def test_the_dispatch_status_page_steps_and_visits(client, language, steps, visits):
    staff = User.objects.create_user("sato", password="x-0123456789", is_staff=True)
    application = approved_application(staff, language=language)
    place = "東京都新宿区西新宿2-8-1"
    planning = dt.datetime(2026, 5, 20, 9, tzinfo=TOKYO)  # (the visits planned before them)
    done = services.plan_visit(
        application,
        by=staff,
        starts_at=dt.datetime(2026, 6, 2, 14, tzinfo=TOKYO),
        place=place,
        now=planning,
    )
    services.record_visit(
        done, by=staff, report="報告", now=dt.datetime(2026, 6, 2, 16, tzinfo=TOKYO)
    )
    services.plan_visit(
        application,
        by=staff,
        starts_at=dt.datetime(2026, 6, 9, 14, tzinfo=TOKYO),
        place=place,
        now=planning,
    )
    html = client.get(f"/{language}/dispatch/status/{application.token}/").content.decode()
    for step in steps:
        assert re.search(step, html), step
    for visit in visits:
        assert visit in html
    if language == "ja":
        assert not re.search(r"[\u3040-\u30ff\u3400-\u9fff）][:,] ", html)


@pytest.mark.parametrize(
    "language, expected",
    [
        ("ja", "面談日程調整のご連絡：2026年5月13日（水）まで"),
        ("en", "Contact to arrange the interview: by Wednesday 13 May 2026"),
    ],
)
def test_the_dispatch_status_page_says_by_when_a_step_is_due(client, language, expected):
    application = make_application(language=language)
    html = client.get(f"/{language}/dispatch/status/{application.token}/").content.decode()
    assert expected in html


@pytest.mark.parametrize(
    "language, listed",
    [
        ("ja", "暴言・侮辱、長時間の拘束・居座り・長電話"),
        ("en", "Verbal abuse or insults, Long calls, staying on or refusing to leave"),
    ],
)
def test_several_kinds_of_conduct_are_listed_with_the_language_s_comma(
    client, no_fill_delay, language, listed
):
    from consultations.admin import ConsultationAdmin
    from consultations.models import Consultation
    from consultations.tests import test_views as consultation_views

    consultation_views.post_form(client, language)
    check = client.get(consultation_views.url("check", language)).content.decode()
    assert listed in check  # the check page before sending
    consultation = make_consultation(conduct_types=["verbal_abuse", "restraint"])
    with translation.override(language):  # the consultation's page in the admin
        assert ConsultationAdmin(Consultation, None).conduct_type_list(consultation) == listed


@pytest.mark.parametrize("language, separator", [("ja", "〜"), ("en", " to ")])
def test_the_seminar_admin_shows_the_application_period_as_a_range(language, separator):
    from seminars.admin import SeminarAdmin
    from seminars.models import Seminar

    seminar = make_seminar()
    with translation.override(language):
        shown = SeminarAdmin(Seminar, None).application_period(seminar)
    first, last = shown.split(separator)
    with translation.override(language):
        assert first == office_date(seminar.application_opens_on)
        assert last == office_date(seminar.application_closes_on)
