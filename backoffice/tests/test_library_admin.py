"""The libraries' models in the admin under the project's Japanese names (backoffice/admin.py,
relabel.py, staff_admin.py): what staff read after acting on them, not only the pages."""

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("su-ja", password="pw-0123456789"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ja"
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_adding_and_deleting_a_device_is_reported_in_japanese(superuser_client):
    owner = User.objects.create_user("tanaka", password="pw-0123456789", is_staff=True)
    response = superuser_client.post(
        reverse("admin:otp_totp_totpdevice_add"),
        {
            "user": owner.pk,
            "name": "業務用スマートフォン",
            "confirmed": "on",
            "key": "0123456789abcdef0123",
            "step": 30,
            "t0": 0,
            "digits": 6,
            "tolerance": 1,
            "drift": 0,
            "throttling_failure_count": 0,
        },
        follow=True,
    )
    assert "認証アプリ" in messages_of(response)[0]
    device = TOTPDevice.objects.get(user=owner)

    response = superuser_client.post(
        reverse("admin:otp_totp_totpdevice_changelist"),
        {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"},
        follow=True,
    )

    assert messages_of(response) == ["1 個の 認証アプリ を削除しました。"]
    assert not TOTPDevice.objects.exists()


def test_a_deleted_lock_out_is_named_in_japanese_in_the_message_and_the_log(superuser_client):
    attempt = AccessAttempt.objects.create(
        username="tanaka",
        ip_address="192.0.2.10",
        user_agent="Mozilla/5.0",
        http_accept="text/html",
        path_info="/admin/login/",
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        failures_since_start=5,
    )

    response = superuser_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}, follow=True
    )

    assert "tanakaのログイン試行" in messages_of(response)[0]
    assert "Attempted Access" not in messages_of(response)[0]
    entry = LogEntry.objects.get(action_flag=DELETION)
    assert entry.object_repr.startswith("tanakaのログイン試行")


def test_permissions_and_roles_are_listed_in_japanese(superuser_client):
    consultants = Group.objects.get(name="Consultants")
    html = superuser_client.get(
        reverse("admin:auth_group_change", args=[consultants.pk])
    ).content.decode()
    assert "相談窓口 | 相談 | 相談の閲覧" in html
    assert "Can view" not in html
    users = superuser_client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "相談員" in users and ">Consultants<" not in users


def test_a_role_cannot_be_deleted_in_the_admin(superuser_client):
    """A role is defined in backoffice/roles.py and made again at the next migrate."""
    consultants = Group.objects.get(name="Consultants")
    url = reverse("admin:auth_group_delete", args=[consultants.pk])
    assert superuser_client.get(url).status_code == 403
    own = Group.objects.create(name="臨時")
    own_url = reverse("admin:auth_group_delete", args=[own.pk])
    assert superuser_client.get(own_url).status_code == 200


def test_the_password_page_warns_in_japanese(superuser_client):
    user = User.objects.create_user("tanaka", password="pw-0123456789", is_staff=True)
    html = superuser_client.get(
        reverse("admin:auth_user_password_change", args=[user.pk])
    ).content.decode()
    assert "無効にすると、このユーザーの現在のパスワードは失われます。" in html


def test_the_history_templates_differ_from_the_library_s_only_where_they_say(settings):
    """templates/simple_history/ copies two of django-simple-history's templates (3.13) and
    changes a few lines: when the library changes them, this fails, to look again."""
    from pathlib import Path

    import simple_history

    theirs = Path(simple_history.__file__).parent / "templates" / "simple_history"
    ours = settings.BASE_DIR / "templates" / "simple_history"
    replaced = {
        "object_history_list.html": {"{{ record.history_change_reason }}"},
        "object_history_form.html": {
            '<a href="{% url "admin:app_list" app_label %}">{{app_label|capfirst|escape}}</a>'
            " &rsaquo;",
            '<a href="{{changelist_url}}">{{opts.verbose_name_plural|capfirst}}</a> &rsaquo;',
        },
    }
    for name, lines in replaced.items():
        library = {line.strip() for line in (theirs / name).read_text().splitlines()}
        copy = {line.strip() for line in (ours / name).read_text().splitlines()}
        assert library - copy == lines, name
