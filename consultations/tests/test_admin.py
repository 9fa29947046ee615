"""The office's triage screens: list, filters, search, buttons and who may see them."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse
from django.utils import timezone

from conftest import log_in_staff
from consultations.models import Consultation, Status

from .factories import TOKYO, make_consultation

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:consultations_consultation_changelist")


@pytest.fixture
def consultant(client):
    return log_in_staff(client, "Consultants", "suzuki")


def action_url(consultation, action):
    return reverse("admin:consultations_consultation_action", args=[consultation.pk, action])


def test_changelist_fits_a_triage_morning(client, consultant, monkeypatch):
    today = dt.date(2026, 12, 4)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today)
    overdue = make_consultation(at=dt.datetime(2026, 11, 30, 10, tzinfo=TOKYO))
    due_today = make_consultation(at=dt.datetime(2026, 12, 1, 10, tzinfo=TOKYO))
    later = make_consultation(at=dt.datetime(2026, 12, 3, 10, tzinfo=TOKYO))
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert rows == [overdue, due_today, later]  # sorted by reply deadline
    html = response.content.decode()
    assert "deadline-overdue" in html and "deadline-today" in html
    assert "hanako@example.jp" not in html  # no contact details in the list

    def filtered(**params):
        return list(client.get(CHANGELIST, params).context["cl"].result_list)

    assert filtered(due="overdue") == [overdue]
    assert filtered(due="today") == [due_today]
    assert filtered(assigned="none") == [overdue, due_today, later]
    assert filtered(q=overdue.reference.lower()) == [overdue]
    assert filtered(q="hanako@example.jp") == [overdue, due_today, later]


def test_changelist_query_count_does_not_grow_with_rows(
    client, consultant, django_assert_max_num_queries
):
    for _ in range(3):
        make_consultation()
    with django_assert_max_num_queries(12) as few:
        client.get(CHANGELIST)
    for _ in range(30):
        make_consultation()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(CHANGELIST)


def test_assign_reply_and_close_through_the_buttons(
    client, consultant, mailoutbox, django_capture_on_commit_callbacks
):
    consultation = make_consultation(language="en")
    page = client.get(reverse("admin:consultations_consultation_change", args=[consultation.pk]))
    assert action_url(consultation, "assign") in page.content.decode()
    client.post(action_url(consultation, "assign"), {"consultant": consultant.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(consultation, "reply"), {"body": "Our advice."})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == Status.ANSWERED and consultation.assigned_to == consultant
    assert "Our advice." in mailoutbox[-1].body
    client.post(action_url(consultation, "close"), {"note": ""})
    consultation.refresh_from_db()
    assert consultation.status == Status.CLOSED
    history = [(e.action, e.by) for e in consultation.events.all()]
    assert history == [
        ("submitted", None),
        ("assigned", consultant),
        ("replied", consultant),
        ("closed", consultant),
    ]


def test_a_refused_step_is_explained_not_applied(client, consultant):
    consultation = make_consultation(phone="")
    client.post(action_url(consultation, "assign"), {"consultant": consultant.pk})
    response = client.post(action_url(consultation, "plan_call"), {"note": ""})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["相談者は電話番号を入力していません。"]
    consultation.refresh_from_db()
    assert consultation.status == Status.IN_PROGRESS


def test_a_step_not_offered_in_the_status_is_not_performed(client, consultant):
    consultation = make_consultation()
    response = client.post(action_url(consultation, "close"), {"note": ""})
    assert response.status_code == 302  # back to the record, with a warning
    consultation.refresh_from_db()
    assert consultation.status == Status.RECEIVED


def test_assign_to_me_action(client, consultant):
    first, second = make_consultation(), make_consultation()
    client.post(CHANGELIST, {"action": "assign_to_me", "_selected_action": [first.pk, second.pk]})
    assert set(Consultation.objects.values_list("assigned_to", flat=True)) == {consultant.pk}


def test_status_and_answers_cannot_be_edited_directly(client, consultant):
    consultation = make_consultation()
    url = reverse("admin:consultations_consultation_change", args=[consultation.pk])
    client.post(url, {"status": "closed", "details": "rewritten"})
    consultation.refresh_from_db()
    assert consultation.status == Status.RECEIVED and consultation.details != "rewritten"


def test_the_outbox_shows_staff_only_emails_about_records_they_may_see(client, consultant):
    from mail.models import OutboxEmail

    consultation = make_consultation()
    seminar_side = User.objects.create_user(
        "outbox-reader", password="pw-0123456789", is_staff=True
    )
    seminar_side.user_permissions.add(Permission.objects.get(codename="view_outboxemail"))
    client.force_login(seminar_side)
    outbox = reverse("admin:mail_outboxemail_changelist")
    assert client.get(outbox).context["cl"].result_count == 0
    email = OutboxEmail.objects.about(consultation).get()
    change = reverse("admin:mail_outboxemail_change", args=[email.pk])
    assert client.get(change).status_code in (302, 404)  # not found for this user
    # A consultant with outbox access sees the emails of consultations.
    consultant.user_permissions.add(Permission.objects.get(codename="view_outboxemail"))
    client.force_login(consultant)
    assert client.get(outbox).context["cl"].result_count == 1


def test_only_the_consultation_group_can_see_consultations(client):
    consultation = make_consultation()
    other = User.objects.create_user("seminar-staff", password="pw-0123456789", is_staff=True)
    other.user_permissions.add(Permission.objects.get(codename="view_outboxemail"))
    client.force_login(other)
    assert client.get(CHANGELIST).status_code == 403
    change = reverse("admin:consultations_consultation_change", args=[consultation.pk])
    assert client.get(change).status_code == 403
    assert client.get(action_url(consultation, "reply")).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert "consultations/consultation" not in index


def test_every_change_is_in_the_history_with_who_made_it(client, consultant):
    consultation = make_consultation()
    client.post(action_url(consultation, "assign"), {"consultant": consultant.pk})
    records = consultation.history.order_by("history_date")
    assert [r.status for r in records] == [Status.RECEIVED, Status.IN_PROGRESS]
    assert records.last().history_user == consultant
    # Supervisors read the history page; nobody can revert through it.
    supervisor = User.objects.create_user("kimura", password="pw-0123456789", is_staff=True)
    supervisor.groups.add(Group.objects.get(name="Supervisors"))
    client.force_login(supervisor)
    history = reverse("admin:consultations_consultation_history", args=[consultation.pk])
    response = client.get(history)
    assert response.status_code == 200
    assert "suzuki" in response.content.decode()
    revert = f"{history}{records.first().history_id}/"
    assert client.post(revert, {"status": "closed"}).status_code in (302, 403, 404)
    consultation.refresh_from_db()
    assert consultation.status == Status.IN_PROGRESS


def test_a_step_s_page_names_the_status_and_language_in_japanese(client, consultant):
    consultation = make_consultation(conduct_types=["verbal_abuse", "restraint"])
    html = client.get(action_url(consultation, "assign")).content.decode()
    assert re.search(r"<p>状態：受付　言語：\S+</p>", html)
    page = client.get(reverse("admin:consultations_consultation_change", args=[consultation.pk]))
    assert "暴言・侮辱、長時間の拘束・居座り・長電話" in page.content.decode()


def test_the_history_reads_in_words_not_codes(client, consultant):
    consultation = make_consultation()
    client.post(action_url(consultation, "assign"), {"consultant": consultant.pk})
    page = client.get(reverse("admin:consultations_consultation_change", args=[consultation.pk]))
    html = page.content.decode()
    assert "相談フォームから送信" in html and "受付 → 対応中" in html
    history = html[html.index('id="events-group"') :]
    assert "in_progress" not in history and ">submitted<" not in history


def test_every_history_action_the_services_write_has_words():
    import re
    from pathlib import Path

    from consultations.models import EVENT_ACTIONS

    source = "".join(p.read_text() for p in Path("consultations").glob("*.py"))
    written = set(re.findall(r'action="([a-z_]+)"', source))
    assert written and written <= set(EVENT_ACTIONS), written - set(EVENT_ACTIONS)


def test_a_read_only_page_s_close_button_is_django_s_not_the_closing_step(client):
    supervisor = log_in_staff(client, "Supervisors", "kimura")
    assert supervisor
    consultation = make_consultation()
    page = client.get(reverse("admin:consultations_consultation_change", args=[consultation.pk]))
    html = page.content.decode()
    assert 'class="closelink">閉じる</a>' in html
    assert "対応を終了する" not in html
