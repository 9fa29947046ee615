"""Need to know (DOMAIN.md 5.1, issue 16): a consultant reads the unassigned consultations and
their own, and assigns only to themselves; a desk lead reads and assigns all; every opening of
a consultation's page is recorded, and the supervisors read who opened what."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.urls import reverse

from backoffice.dashboard import consultation_figures
from conftest import log_in_staff
from consultations import access, services
from consultations.admin_forms import AssignForm
from consultations.models import ConsultationOpening
from consultations.tests.factories import TOKYO

from .factories import make_consultation

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:consultations_consultation_changelist")
OPENINGS = reverse("admin:consultations_consultationopening_changelist")


def member(name: str, group: str) -> User:
    user = User.objects.create_user(name, password="pw-0123456789", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)  # a fresh object: no permission cache


def change_url(consultation) -> str:
    return reverse("admin:consultations_consultation_change", args=[consultation.pk])


@pytest.fixture
def desk():
    """Two consultants with a consultation each, one consultation nobody has yet."""
    suzuki, tanaka = member("suzuki", "Consultants"), member("tanaka", "Consultants")
    own, others, free = make_consultation(), make_consultation(), make_consultation()
    services.assign_consultation(own, to=suzuki, by=suzuki)
    services.assign_consultation(others, to=tanaka, by=tanaka)
    own.refresh_from_db()
    others.refresh_from_db()
    return {"suzuki": suzuki, "tanaka": tanaka, "own": own, "others": others, "free": free}


def listed(client) -> set[str]:
    return {c.reference for c in client.get(CHANGELIST).context["cl"].result_list}


# --- The service: who may assign ----------------------------------------------------------


def test_a_consultant_takes_a_free_consultation_for_themselves(desk):
    services.assign_consultation(desk["free"], to=desk["suzuki"], by=desk["suzuki"])
    desk["free"].refresh_from_db()
    assert desk["free"].assigned_to == desk["suzuki"]


@pytest.mark.parametrize(
    ("case", "to"), [("free", "tanaka"), ("others", "suzuki"), ("own", "tanaka")]
)
def test_a_consultant_cannot_give_away_or_take_over(desk, case, to):
    consultation = desk[case]
    before = (consultation.assigned_to_id, consultation.status, consultation.events.count())
    with pytest.raises(ValidationError) as refused:
        services.assign_consultation(consultation, to=desk[to], by=desk["suzuki"])
    assert refused.value.code == "need_to_know"
    consultation.refresh_from_db()
    after = (consultation.assigned_to_id, consultation.status, consultation.events.count())
    assert after == before


def test_a_desk_lead_assigns_and_reassigns_to_anyone(desk):
    lead = member("sato", "Desk leads")
    services.assign_consultation(desk["free"], to=desk["tanaka"], by=lead)
    services.assign_consultation(desk["others"], to=desk["suzuki"], by=lead)
    desk["free"].refresh_from_db()
    desk["others"].refresh_from_db()
    assert desk["free"].assigned_to == desk["tanaka"]
    assert desk["others"].assigned_to == desk["suzuki"]
    assert desk["others"].events.latest("pk").by == lead


def test_the_assign_form_offers_a_consultant_only_themselves(desk):
    lead = member("sato", "Desk leads")
    mine = AssignForm(user=desk["suzuki"]).fields["consultant"].queryset
    everyone = AssignForm(user=lead).fields["consultant"].queryset
    assert list(mine) == [desk["suzuki"]]
    assert {desk["suzuki"], desk["tanaka"], lead} <= set(everyone)


def test_the_rule_is_read_from_the_permissions_not_the_group_name(desk):
    assert not access.sees_all(desk["suzuki"])
    assert access.sees_all(member("kimura", "Supervisors"))
    assert access.sees_all(member("sato", "Desk leads"))
    admin = User.objects.create_superuser("root-admin", "", "pw-0123456789")
    assert access.sees_all(admin) and access.may_assign(admin, desk["own"], desk["tanaka"])


# --- The admin: what each role reads -------------------------------------------------------


def test_a_consultant_lists_the_free_and_their_own_only(client, desk):
    client.force_login(desk["suzuki"])
    assert listed(client) == {desk["own"].reference, desk["free"].reference}
    # Not by searching for it either.
    response = client.get(CHANGELIST, {"q": desk["others"].reference})
    assert list(response.context["cl"].result_list) == []
    response = client.get(CHANGELIST, {"q": "hanako@example.jp"})
    assert desk["others"] not in response.context["cl"].result_list


def test_another_consultant_s_case_is_not_there_by_any_address(client, desk):
    client.force_login(desk["suzuki"])
    others = desk["others"]
    response = client.get(change_url(others))
    assert response.status_code == 302  # the admin's "does not exist", to the index
    assert others.details not in client.get(response.url).content.decode()
    history = reverse("admin:consultations_consultation_history", args=[others.pk])
    assert client.get(history).status_code == 404
    for action in ("reply", "note", "close", "assign"):
        url = reverse("admin:consultations_consultation_action", args=[others.pk, action])
        assert client.get(url).status_code == 404, action
        assert client.post(url, {"body": "x", "text": "x", "note": ""}).status_code == 404
    assert not others.replies.exists() and not others.notes.exists()
    assert not ConsultationOpening.objects.filter(consultation=others).exists()


def test_a_case_given_to_someone_else_leaves_the_first_consultant_s_view(client, desk):
    lead = member("sato", "Desk leads")
    services.assign_consultation(desk["own"], to=desk["tanaka"], by=lead)
    client.force_login(desk["suzuki"])
    assert listed(client) == {desk["free"].reference}
    assert client.get(change_url(desk["own"])).status_code == 302


@pytest.mark.parametrize("group", ["Desk leads", "Supervisors"])
def test_leads_and_supervisors_read_every_consultation(client, desk, group):
    client.force_login(member("sato", group))
    assert listed(client) == {desk[name].reference for name in ("own", "others", "free")}
    assert client.get(change_url(desk["others"])).status_code == 200


def test_a_desk_lead_assigns_another_consultant_s_case_in_the_admin(client, desk):
    lead = member("sato", "Desk leads")
    client.force_login(lead)
    url = reverse("admin:consultations_consultation_action", args=[desk["others"].pk, "assign"])
    response = client.post(url, {"consultant": desk["suzuki"].pk})
    assert response.status_code == 302
    desk["others"].refresh_from_db()
    assert desk["others"].assigned_to == desk["suzuki"]


def test_a_consultant_s_assign_page_refuses_someone_else(client, desk):
    client.force_login(desk["suzuki"])
    url = reverse("admin:consultations_consultation_action", args=[desk["free"].pk, "assign"])
    response = client.post(url, {"consultant": desk["tanaka"].pk})
    assert response.status_code == 200  # the form again, with its error
    assert response.context["form"].errors["consultant"]
    desk["free"].refresh_from_db()
    assert desk["free"].assigned_to is None


def test_the_dashboard_counts_what_the_consultant_may_read(desk):
    """The figures lead to the changelist: they count the rows it will show."""
    late = make_consultation(at=dt.datetime(2026, 11, 2, 10, 0, tzinfo=TOKYO))
    services.assign_consultation(late, to=desk["tanaka"], by=desk["tanaka"])
    today = dt.date(2026, 12, 1)  # the day the desk's own consultations came in: not yet due

    def overdue(user) -> int:
        (figure, *_rest) = consultation_figures(user, today=today).figures
        return figure.count

    assert overdue(desk["suzuki"]) == 0
    assert overdue(desk["tanaka"]) == 1
    assert overdue(member("sato", "Desk leads")) == 1


# --- Who opened what ------------------------------------------------------------------------


def test_each_opening_of_the_page_is_recorded_with_who_and_when(client, desk):
    client.force_login(desk["suzuki"])
    client.get(change_url(desk["own"]))
    client.get(change_url(desk["own"]))
    client.get(change_url(desk["free"]))
    opened = ConsultationOpening.objects.order_by("pk")
    assert [(o.consultation, o.by) for o in opened] == [
        (desk["own"], desk["suzuki"]),
        (desk["own"], desk["suzuki"]),
        (desk["free"], desk["suzuki"]),
    ]
    assert all(o.at for o in opened)


def test_supervisors_read_the_openings_and_consultants_do_not(client, desk):
    client.force_login(desk["suzuki"])
    page = client.get(change_url(desk["own"])).content.decode()
    assert OPENINGS not in page
    assert client.get(OPENINGS).status_code == 403

    supervisor = log_in_staff(client, "Supervisors", "kimura")
    page = client.get(change_url(desk["own"])).content.decode()
    assert f"{OPENINGS}?consultation__id__exact={desk['own'].pk}" in page
    listing = client.get(OPENINGS, {"q": desk["own"].reference})
    assert (
        f'<a href="{change_url(desk["own"])}">{desk["own"].reference}</a>'
        in listing.content.decode()
    )
    rows = listing.context["cl"].result_list
    assert [(o.by, o.consultation) for o in rows] == [
        (supervisor, desk["own"]),
        (desk["suzuki"], desk["own"]),
    ]
    # Read-only, like every record of what happened.
    opening = rows[0]
    change = reverse("admin:consultations_consultationopening_change", args=[opening.pk])
    delete = reverse("admin:consultations_consultationopening_delete", args=[opening.pk])
    assert client.post(change, {}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ConsultationOpening.objects.filter(pk=opening.pk).exists()
