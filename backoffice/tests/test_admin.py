"""The back office for the outbox and the office calendar."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from core.admin import mask_email
from core.models import OfficeClosure
from mail import delivery, outbox
from mail.models import OutboxEmail

pytestmark = pytest.mark.django_db


def queue(to="taro.yamada@example.jp"):
    return outbox.queue_email(to=to, template="emails/test_message", context={}, language="ja")


def test_outbox_list_masks_recipients(admin_client):
    queue()
    html = admin_client.get(reverse("admin:mail_outboxemail_changelist")).content
    assert b"t***@example.jp" in html
    assert b"taro.yamada@example.jp" not in html


def test_outbox_can_be_searched_by_exact_address(admin_client):
    queue()
    queue(to="someone.else@example.jp")
    url = reverse("admin:mail_outboxemail_changelist")
    response = admin_client.get(url, {"q": "taro.yamada@example.jp"})
    assert response.context["cl"].result_count == 1


def test_outbox_rows_are_read_only(admin_client):
    email = queue()
    url = reverse("admin:mail_outboxemail_change", args=[email.pk])
    response = admin_client.post(url, {"subject": "changed"})
    assert response.status_code == 403
    email.refresh_from_db()
    assert email.subject != "changed"


def test_staff_resend_action_sends_a_new_copy(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    email = queue()
    delivery.deliver(email.pk)
    url = reverse("admin:mail_outboxemail_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {"action": "resend_selected", "_selected_action": [email.pk]}, follow=True
        )
    assert response.status_code == 200
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count() == 2
    assert len(mailoutbox) == 2


def test_resend_needs_its_own_permission(client):
    email = queue()
    viewer = User.objects.create_user("viewer", password="pw-0123456789", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_outboxemail"))
    client.force_login(viewer)
    url = reverse("admin:mail_outboxemail_changelist")
    response = client.get(url)
    assert response.status_code == 200
    assert "resend_selected" not in response.content.decode()
    client.post(url, {"action": "resend_selected", "_selected_action": [email.pk]})
    assert OutboxEmail.objects.count() == 1


def test_staff_add_an_office_closure(admin_client):
    url = reverse("admin:harassment_portal_officeclosure_add")
    response = admin_client.post(url, {"date": "2026-12-01", "reason": "System maintenance"})
    assert response.status_code == 302
    assert OfficeClosure.objects.get().date == dt.date(2026, 12, 1)


def test_mask_email():
    assert mask_email("hanako@example.jp") == "h***@example.jp"
    assert mask_email("not-an-address") == "***"


def test_no_sortable_column_is_shadowed_by_a_field_of_the_same_name():
    """The changelist sorts a column by the model field of its name when there is one (a
    relation: a join, one row per related row), not by the method's ``ordering``."""
    from django.contrib import admin as django_admin
    from django.core.exceptions import FieldDoesNotExist

    shadowed = []
    for model, model_admin in django_admin.site._registry.items():
        for name in model_admin.list_display:
            method = getattr(model_admin, name, None) if isinstance(name, str) else None
            if getattr(method, "admin_order_field", None) is None:
                continue
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            shadowed.append(f"{model._meta.label}.{name}")
    assert shadowed == []
