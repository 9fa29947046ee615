"""The triage workspace (issue 16): the account beside the reply box, reply templates, a
preview of the email as it will be sent, a second look by a desk lead, and "next case due"."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from consultations import services
from consultations.models import ReplyState, ReplyTemplate, Status

from .factories import make_consultation

pytestmark = pytest.mark.django_db


def member(name, group):
    user = User.objects.create_user(name, password="pw-0123456789", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)


def step(consultation, action):
    return reverse("admin:consultations_consultation_action", args=[consultation.pk, action])


def change(consultation):
    return reverse("admin:consultations_consultation_change", args=[consultation.pk])


@pytest.fixture
def suzuki():
    return member("suzuki", "Consultants")


@pytest.fixture
def lead():
    return member("sato", "Desk leads")


@pytest.fixture
def taken(suzuki):
    consultation = make_consultation(name="山田 花子", details="客に土下座を求められました。")
    services.assign_consultation(consultation, to=suzuki, by=suzuki)
    consultation.refresh_from_db()
    return consultation


def test_the_reply_page_shows_the_account_beside_the_box(client, suzuki, taken):
    services.add_note(taken, by=suzuki, text="店長から電話あり")
    client.force_login(suzuki)
    html = client.get(step(taken, "reply")).content.decode()
    assert "客に土下座を求められました。" in html and "店長から電話あり" in html
    assert html.index("客に土下座を求められました。") < html.index('name="body"')


def test_a_template_fills_the_box_with_the_name_and_reference(client, suzuki, taken):
    template = ReplyTemplate.objects.create(
        title="初回回答", language="ja", body="{name}様\n受付番号{reference}についてご回答します。"
    )
    ReplyTemplate.objects.create(title="English", language="en", body="Dear {name}")
    client.force_login(suzuki)
    page = client.get(step(taken, "reply"), {"template": template.pk})
    html = page.content.decode()
    assert f"山田 花子様\n受付番号{taken.reference}についてご回答します。" in html
    assert "English" not in html  # only the templates in the person's language


def test_the_preview_is_the_email_as_it_will_be_sent_and_sends_nothing(
    client, suzuki, taken, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(suzuki)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            step(taken, "reply"), {"body": "まず方針を作りましょう。", "preview": "1"}
        )
    preview = response.context["preview"]
    assert response.status_code == 200 and mailoutbox == []
    assert not taken.replies.exists()
    assert preview.to_email == taken.email and preview.subject.startswith(f"[{taken.reference}]")
    assert "まず方針を作りましょう。" in preview.body_text
    # Sent for real, the email is the one previewed.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(step(taken, "reply"), {"body": "まず方針を作りましょう。"})
    (sent,) = mailoutbox
    assert (sent.subject, sent.body) == (preview.subject, preview.body_text)


@override_settings(CONSULTATION_REPLY_APPROVAL=True)
def test_with_the_second_look_a_draft_waits_for_a_lead_who_approves_it(
    client, suzuki, lead, taken, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(suzuki)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(step(taken, "reply"), {"body": "DRAFT TEXT"})
    taken.refresh_from_db()
    assert mailoutbox == [] and taken.status == Status.IN_PROGRESS
    assert taken.replies.get().state == ReplyState.PENDING
    assert step(taken, "decide_reply") not in client.get(change(taken)).content.decode()

    client.force_login(lead)
    page = client.get(step(taken, "decide_reply")).content.decode()
    assert "DRAFT TEXT" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(step(taken, "decide_reply"), {"decision": "approve", "note": ""})
    assert response.status_code == 302
    taken.refresh_from_db()
    reply = taken.replies.get()
    assert (reply.state, reply.decided_by) == (ReplyState.SENT, lead)
    assert taken.status == Status.ANSWERED and taken.first_response_at
    assert [m.to for m in mailoutbox] == [[taken.email]] and "DRAFT TEXT" in mailoutbox[0].body
    actions = list(taken.events.values_list("action", flat=True))
    assert actions[-2:] == ["reply_drafted", "reply_approved"]


@override_settings(CONSULTATION_REPLY_APPROVAL=True)
def test_a_draft_sent_back_comes_back_to_its_author_with_the_note(client, suzuki, lead, taken):
    services.send_reply(taken, by=suzuki, body="First try")
    with pytest.raises(ValidationError) as refused:
        services.decide_reply(taken, by=lead, approve=False, note="")
    assert "note" in refused.value.error_dict
    services.decide_reply(taken, by=lead, approve=False, note="敬語を直してください")
    assert taken.replies.get().state == ReplyState.RETURNED
    assert taken.events.latest("pk").action == "reply_returned"
    client.force_login(suzuki)
    html = client.get(step(taken, "reply")).content.decode()
    assert "敬語を直してください" in html
    assert "First try</textarea>" in html
    assert (
        "First try"
        not in client.get(  # the person never sees a draft
            reverse("consultations:case", args=[taken.token])
        )
        .content.decode()
        .split('id="conversation"')[1]
    )


@override_settings(CONSULTATION_REPLY_APPROVAL=True)
@pytest.mark.parametrize("who", ["author", "consultant", "nobody pending"])
def test_refused_second_looks(suzuki, lead, taken, who):
    if who == "author":
        services.send_reply(taken, by=lead, body="lead's own")  # a lead needs no look...
        taken.replies.update(state=ReplyState.PENDING)  # ...but if it were waiting
        by = lead
    elif who == "consultant":
        services.send_reply(taken, by=suzuki, body="x")
        by = member("tanaka", "Consultants")
    else:
        by = lead
    with pytest.raises(ValidationError):
        services.decide_reply(taken, by=by, approve=True)


@override_settings(CONSULTATION_REPLY_APPROVAL=True)
def test_one_draft_at_a_time(suzuki, taken):
    services.send_reply(taken, by=suzuki, body="one")
    with pytest.raises(ValidationError) as refused:
        services.send_reply(taken, by=suzuki, body="two")
    assert refused.value.code == "pending"


def test_without_the_setting_a_consultant_s_reply_goes_at_once(suzuki, taken, mailoutbox):
    reply = services.send_reply(taken, by=suzuki, body="now")
    assert reply.state == ReplyState.SENT


def test_next_case_due_goes_to_the_earliest_deadline_the_user_may_read(client, suzuki):
    import datetime as dt

    from django.utils import timezone

    other = member("tanaka", "Consultants")
    late_theirs = make_consultation(at=timezone.now() - dt.timedelta(days=20))
    services.assign_consultation(late_theirs, to=other, by=other)
    late_free = make_consultation(at=timezone.now() - dt.timedelta(days=10))
    current = make_consultation()
    client.force_login(suzuki)
    url = reverse("admin:consultations_consultation_next_due")
    response = client.get(url, {"after": current.pk})
    assert response.url == change(late_free)
    assert f"{url}?after={current.pk}" in client.get(change(current)).content.decode()
    response = client.get(url, {"after": "x"})
    assert response.url == change(late_free)


def test_a_template_for_an_anonymous_person_greets_them_plainly():
    anonymous = make_consultation(name="")
    ja = ReplyTemplate(language="ja", body="{name}様（{reference}）")
    en = ReplyTemplate(language="en", body="Dear {name},")
    assert ja.fill(anonymous) == f"ご相談者様（{anonymous.reference}）"
    assert en.fill(anonymous) == "Dear Sir or Madam,"
