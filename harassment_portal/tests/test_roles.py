"""Staff groups follow the roles table after every migrate."""

import pytest
from django.contrib.auth.models import Group, Permission

from harassment_portal.roles import ROLES, sync_roles

pytestmark = pytest.mark.django_db


def test_each_role_has_exactly_its_permissions():
    for name, apps in ROLES.items():
        group = Group.objects.get(name=name)
        expected = {(app, codename) for app, codenames in apps.items() for codename in codenames}
        actual = set(group.permissions.values_list("content_type__app_label", "codename"))
        assert actual == expected


def test_sync_removes_a_permission_added_by_hand():
    group = Group.objects.get(name="Consultants")
    group.permissions.add(Permission.objects.get(codename="delete_consultation"))
    sync_roles()
    assert not group.permissions.filter(codename="delete_consultation").exists()
