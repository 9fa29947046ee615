"""Staff groups follow the roles table after every migrate."""

import pytest
from django.contrib.auth.models import Group, Permission

from backoffice.roles import ROLES, sync_roles

pytestmark = pytest.mark.django_db


def test_each_role_has_exactly_its_permissions():
    from fnmatch import fnmatch

    for name, apps in ROLES.items():
        group = Group.objects.get(name=name)
        actual = set(group.permissions.values_list("content_type__app_label", "codename"))
        assert actual, name
        for app, codename in actual:
            assert any(fnmatch(codename, pattern) for pattern in apps[app])
        for app, patterns in apps.items():
            for pattern in patterns:
                if "*" not in pattern:
                    assert (app, pattern) in actual


def test_supervisors_only_view():
    codenames = Group.objects.get(name="Supervisors").permissions.values_list("codename", flat=True)
    # Reading every consultation (need to know) is a view too; nothing else is.
    assert codenames and all(c.startswith(("view_", "see_all_")) for c in codenames)
    assert "see_all_consultations" in codenames
    assert "view_consultation" in codenames and "view_dispatchapplication" in codenames


def test_sync_removes_a_permission_added_by_hand():
    group = Group.objects.get(name="Consultants")
    group.permissions.add(Permission.objects.get(codename="delete_consultation"))
    sync_roles()
    assert not group.permissions.filter(codename="delete_consultation").exists()


def test_a_supervisor_reads_everything_and_changes_nothing(client):
    from django.contrib.auth.models import User
    from django.urls import reverse

    from consultations.tests.factories import make_consultation

    supervisor = User.objects.create_user("kimura", password="pw-0123456789", is_staff=True)
    supervisor.groups.add(Group.objects.get(name="Supervisors"))
    client.force_login(supervisor)
    consultation = make_consultation()
    for name in (
        "consultations_consultation",
        "seminars_registration",
        "dispatch_dispatchapplication",
        "dispatch_expert",
    ):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    change = client.get(
        reverse("admin:consultations_consultation_change", args=[consultation.pk])
    ).content.decode()
    assert "/do/assign/" not in change  # no buttons
    action = reverse("admin:consultations_consultation_action", args=[consultation.pk, "close"])
    assert client.post(action, {"note": ""}).status_code == 403


def test_the_lock_out_records_read_in_japanese(client):
    """django-axes ships no Japanese: its words come from the project's catalogue
    (backoffice/library_strings.py)."""
    from django.urls import reverse

    from conftest import log_in_staff

    log_in_staff(client, "Administrators", "admin-ja")
    html = client.get(
        reverse("admin:axes_accessattempt_changelist"), HTTP_ACCEPT_LANGUAGE="ja"
    ).content.decode()
    assert "ログイン試行" in html and "試行日時" in html
    assert "access attempts" not in html.lower() and "Attempt Time" not in html
