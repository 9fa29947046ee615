"""Each role sees its own records and nothing of the others': 403 on every page of a record it
may not see, and none of that record's data in any list, search, export or autocomplete."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from consultations.tests.factories import make_consultation
from dispatch.tests.factories import make_application, make_expert
from seminars.tests.factories import make_seminar, register

pytestmark = pytest.mark.django_db

MARK = "Rb4boundarymark"


@pytest.fixture
def records():
    """One record of each domain, each carrying the marker where a list would show it."""
    return {
        "consultations.consultation": make_consultation(
            name=f"N {MARK}", email=f"c-{MARK}@example.jp", details=f"D {MARK}"
        ),
        "seminars.registration": register(
            make_seminar(), 1, name=f"N {MARK}", email=f"r-{MARK}@example.jp"
        ),
        "dispatch.dispatchapplication": make_application(organisation_name=f"{MARK}協会"),
        "dispatch.expert": make_expert(name=f"E {MARK}"),
    }


def member_of(role: str) -> User:
    user = User.objects.create_user(f"{role[:10]}-user", password="pw-0123456789", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


FORBIDDEN = {
    "Consultants": ["seminars.registration", "dispatch.dispatchapplication", "dispatch.expert"],
    "Seminar staff": [
        "consultations.consultation",
        "dispatch.dispatchapplication",
        "dispatch.expert",
    ],
    "Dispatch coordinators": ["consultations.consultation", "seminars.registration"],
}
CASES = [(role, label) for role, labels in FORBIDDEN.items() for label in labels]


def admin_url(label: str, view: str, *args) -> str:
    app_label, model = label.split(".")
    return reverse(f"admin:{app_label}_{model}_{view}", args=args)


@pytest.mark.parametrize(("role", "label"), CASES)
def test_every_page_of_a_forbidden_record_is_refused(client, records, role, label):
    client.force_login(member_of(role))
    record = records[label]
    for url in (
        admin_url(label, "changelist"),
        admin_url(label, "changelist") + "?q=example.jp",  # search
        admin_url(label, "change", record.pk),
        admin_url(label, "history", record.pk),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert MARK not in response.content.decode(), url


@pytest.mark.parametrize(("role", "label"), CASES)
def test_no_list_shows_a_forbidden_record(client, records, role, label):
    client.force_login(member_of(role))
    app_label, model = label.split(".")
    pages = [
        reverse("admin:index"),  # the dashboard and the app list
        reverse("admin:app_list", args=[app_label]),
        reverse("admin:autocomplete") + f"?app_label={app_label}&model_name={model}&term=a",
        reverse("statistics") + f"?section={app_label}",
        reverse("statistics-csv") + f"?section={app_label}",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        assert MARK not in response.content.decode(), url
    assert f'href="{admin_url(label, "changelist")}"' not in client.get("/admin/").content.decode()


@pytest.mark.parametrize("role", ["Consultants", "Dispatch coordinators"])
def test_the_registration_exports_are_refused_to_other_roles(client, records, role):
    client.force_login(member_of(role))
    registration = records["seminars.registration"]
    for action in ("export_zoom_csv", "export_full_csv"):
        response = client.post(
            admin_url("seminars.registration", "changelist"),
            {"action": action, "_selected_action": [registration.pk]},
        )
        assert response.status_code == 403
        assert MARK not in response.content.decode()


def test_supervisors_read_the_change_history(client, records):
    client.force_login(member_of("Supervisors"))
    for label in ("consultations.consultation", "seminars.registration", "dispatch.expert"):
        response = client.get(admin_url(label, "history", records[label].pk))
        assert response.status_code == 200
        assert len(response.context["page_obj"].object_list) >= 1, label  # the creation at least
