"""Consultations the desk takes by phone, in person, by letter or by email, recorded by staff
(issue 16): the same reference, deadlines and history as the web form's, assigned to whoever
took it, counted by how they came in."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from backoffice import statistics
from consultations import services
from consultations.models import Consultation, Intake, Status

from .factories import make_consultation, submitted_data

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
ADD = reverse("admin:consultations_consultation_add")
FRIDAY_EVENING = dt.datetime(2026, 11, 27, 18, 30, tzinfo=TOKYO)  # after hours: counts Monday


@pytest.fixture
def consultant():
    user = User.objects.create_user("suzuki", password="pw-0123456789", is_staff=True)
    user.groups.add(Group.objects.get(name="Consultants"))
    return User.objects.get(pk=user.pk)


def record(by, **changes):
    values = {
        "intake": Intake.PHONE,
        "received_at": FRIDAY_EVENING,
        "minutes": 25,
        "language": "ja",
        "submission_key": uuid.uuid4(),
        **changes,
    }
    data = values.pop("data", submitted_data())
    return services.record_intake(data, by=by, **values)


def test_a_phone_consultation_gets_the_web_form_s_reference_deadlines_and_history(consultant):
    consultation, created = record(consultant)
    web = make_consultation(at=FRIDAY_EVENING)
    assert created and consultation.reference.startswith("C-")
    assert (consultation.intake, consultation.call_minutes) == (Intake.PHONE, 25)
    assert consultation.recorded_by == consultant
    deadlines = ("received_on", "reply_expected_from", "reply_due_on")
    assert [getattr(consultation, name) for name in deadlines] == [
        getattr(web, name) for name in deadlines
    ]
    assert consultation.received_on == dt.date(2026, 11, 30)  # the Monday
    assert consultation.status == Status.IN_PROGRESS and consultation.assigned_to == consultant
    assert list(consultation.events.values_list("action", "by")) == [
        ("recorded", consultant.pk),
        ("assigned", consultant.pk),
    ]
    assert web.intake == Intake.WEB


def test_an_anonymous_walk_in_needs_no_name_or_address(consultant, mailoutbox):
    data = submitted_data(name="", email="", phone="", preferred_contact="email")
    consultation, _ = record(consultant, data=data, intake=Intake.WALK_IN)
    consultation.refresh_from_db()
    assert (consultation.name, consultation.email, consultation.phone) == ("", "", "")
    assert mailoutbox == []


def test_a_confirmation_goes_out_only_when_asked(
    consultant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record(consultant)
        consultation, _ = record(consultant, send_confirmation=True, intake=Intake.LETTER)
    assert [m.to for m in mailoutbox] == [["hanako@example.jp"]]
    assert mailoutbox[0].subject.startswith(f"[{consultation.reference}]")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"intake": Intake.WEB}, "intake"),
        ({"received_at": timezone.now() + dt.timedelta(hours=1)}, "future"),
        ({"send_confirmation": True, "data": submitted_data(email="")}, "no_email"),
    ],
)
def test_refused_intakes_leave_nothing_behind(consultant, changes, code):
    with pytest.raises(ValidationError) as refused:
        record(consultant, **changes)
    error = refused.value
    found = (
        [e for errors in error.error_dict.values() for e in errors]
        if hasattr(error, "error_dict")
        else [error]
    )
    assert [e.code for e in found] == [code]
    assert not Consultation.objects.exists()


def test_the_same_page_sent_twice_records_one_consultation(consultant):
    key = uuid.uuid4()
    first, created = record(consultant, submission_key=key)
    again, created_again = record(consultant, submission_key=key)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Consultation.objects.count() == 1


def test_the_statistics_count_consultations_by_how_they_came_in(consultant):
    make_consultation(at=FRIDAY_EVENING)
    record(consultant)
    record(consultant)
    record(consultant, intake=Intake.LETTER, minutes=None)
    with translation.override("en"):
        section = statistics.consultation_section(
            dt.date(2026, 11, 1), dt.date(2026, 11, 30), today=dt.date(2026, 12, 3)
        )
        (intake,) = [table for table in section.tables if table.key == "intake"]
        rows = dict(intake.rows)
    assert rows == {
        "Web form": 1,
        "Phone": 2,
        "Walk-in": 0,
        "Letter or fax": 1,
        "Email": 0,
        "Total": 4,
    }


# --- In the admin ---------------------------------------------------------------------------


def form_data(**changes):
    data = {
        "intake": "phone",
        "received_at": "2026-11-27T18:30",
        "call_minutes": "25",
        "language": "ja",
        "requester_type": "business",
        "eligibility_confirmed": "on",
        "name": "",
        "email": "",
        "phone": "090-1234-5678",
        "preferred_contact": "phone",
        "topic": "incident_response",
        "conduct_types": ["verbal_abuse"],
        "details": "店頭で1時間怒鳴られたとの電話相談。",
        "privacy_explained": "on",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


def test_a_consultant_records_a_phone_consultation_in_the_admin(client, consultant):
    client.force_login(consultant)
    page = client.get(ADD)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="datetime-local"' in html and 'name="submission_key"' in html
    assert 'value="web"' not in html  # the web form is not something staff record

    response = client.post(ADD, form_data())
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response.url == reverse(
        "admin:consultations_consultation_change", args=[consultation.pk]
    )
    assert consultation.received_at == FRIDAY_EVENING
    assert consultation.phone == "090-1234-5678" and consultation.assigned_to == consultant
    assert consultation.details == "店頭で1時間怒鳴られたとの電話相談。"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"call_minutes": ""}, "call_minutes"),
        ({"privacy_explained": ""}, "privacy_explained"),
        ({"details": ""}, "details"),
        ({"preferred_contact": "email"}, "email"),
        ({"received_at": "2099-01-01T09:00"}, "received_at"),
        ({"received_at": "yesterday"}, "received_at"),
        ({"send_confirmation": "on"}, "email"),
    ],
)
def test_a_mistake_in_the_intake_form_is_named_beside_its_field(client, consultant, changes, field):
    client.force_login(consultant)
    response = client.post(ADD, form_data(**changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field], response.context["form"].errors
    assert "店頭で1時間" in response.content.decode() or field == "details"  # kept
    assert not Consultation.objects.exists()


def test_the_intake_form_s_messages_name_their_field(client, consultant):
    client.force_login(consultant)
    with translation.override("ja"):
        response = client.post(ADD, form_data(topic="", received_at="昨日"))
    errors = response.context["form"].errors
    assert errors["topic"] == ["「ご相談のテーマ」を選択してください。"], errors["topic"]
    assert "受付日時" in errors["received_at"][0]


def test_a_tampered_page_key_does_not_fail(client, consultant):
    client.force_login(consultant)
    response = client.post(ADD, form_data(submission_key="not-a-key"))
    assert response.status_code == 302 and Consultation.objects.count() == 1


def test_only_the_desk_records_consultations(client):
    supervisor = User.objects.create_user("kimura", password="pw-0123456789", is_staff=True)
    supervisor.groups.add(Group.objects.get(name="Supervisors"))
    client.force_login(supervisor)
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, form_data()).status_code == 403
    assert not Consultation.objects.exists()


def test_every_field_of_the_intake_form_is_in_one_section_of_the_page():
    from consultations.admin_forms import IntakeForm

    form = IntakeForm()
    placed = [field.name for _title, fields in form.sections() for field in fields]
    assert sorted(placed) == sorted(form.fields) and len(placed) == len(set(placed))


def test_no_email_is_queued_for_a_consultation_without_an_address(
    consultant, mailoutbox, django_capture_on_commit_callbacks
):
    data = submitted_data(email="", phone="090-1234-5678", preferred_contact="phone")
    consultation, _ = record(consultant, data=data)
    with pytest.raises(ValidationError) as refused:
        services.send_reply(consultation, by=consultant, body="回答")
    assert refused.value.code == "no_email" and not consultation.replies.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_out_of_scope(consultation, by=consultant, referral="労働相談センターへ")
    consultation.refresh_from_db()
    assert consultation.status == Status.OUT_OF_SCOPE and mailoutbox == []
